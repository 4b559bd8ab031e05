import { LabelSelector, TargetPod } from '@ha-shop/chaos-scenario';
import { RunnerStatus } from './runner-api';

/**
 * Where a scenario's Kubernetes names land on one machine: a label selector
 * becomes one of the runner's services (or its PostgreSQL), replicas stand
 * in for pods, and in-cluster URLs become loopback ones.
 */
export type LocalTarget = { kind: 'service'; service: string } | { kind: 'postgres' };

/** Labels that name the workload in the shop's charts (and in most charts). */
const NAME_LABELS = ['app.kubernetes.io/name', 'app', 'app.kubernetes.io/component'];
/** CloudNativePG labels its instances with their cluster. */
const CNPG_CLUSTER_LABEL = 'cnpg.io/cluster';
/** The cluster's public entry (k8s/third-party/istio-gateway.yaml); locally that is the edge. */
const GATEWAY_HOST = /^istio-ingressgateway\.istio-system\.svc(\.cluster\.local)?$/;
const SERVICE_HOST = /^([a-z0-9-]+)\.[a-z0-9-]+\.svc(\.cluster\.local)?$/;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function localTarget(selector: LabelSelector, services: readonly string[]): LocalTarget | undefined {
  const values = (key: string): string[] => [
    ...(selector.matchLabels?.[key] !== undefined ? [selector.matchLabels[key]] : []),
    ...(selector.matchExpressions ?? [])
      .filter((e) => e.key === key && e.operator === 'In')
      .flatMap((e) => e.values ?? []),
  ];
  if (values(CNPG_CLUSTER_LABEL).length > 0) return { kind: 'postgres' };
  for (const key of NAME_LABELS) {
    const hit = values(key).find((v) => services.includes(v));
    if (hit) return { kind: 'service', service: hit };
  }
  return undefined;
}

/** A workload or Service name such as `ha-shop-product-service` → `product-service`. */
export function serviceByName(name: string, services: readonly string[]): string | undefined {
  return [...services].sort((a, b) => b.length - a.length).find((s) => name === s || name.endsWith(`-${s}`));
}

/**
 * The loopback URL an in-cluster probe URL stands for: the ingress gateway is
 * the edge, `<release>-<service>.<ns>.svc` is that service's address (the
 * runner's stand-in for a Kubernetes Service). Anything else is unreachable
 * from here and undefined; loopback URLs pass through.
 */
export function localUrl(url: string, status: RunnerStatus): string | undefined {
  const u = new URL(url);
  if (LOOPBACK.has(u.hostname)) return url;
  let origin: string | null | undefined;
  if (GATEWAY_HOST.test(u.hostname)) origin = status.urls.edge;
  else {
    const m = SERVICE_HOST.exec(u.hostname);
    const name = m
      ? serviceByName(
          m[1],
          status.services.map((s) => s.name),
        )
      : undefined;
    const svc = status.services.find((s) => s.name === name);
    origin = svc && 'address' in svc ? svc.address : undefined;
  }
  if (!origin) return undefined;
  return new URL(`${u.pathname}${u.search}`, origin).toString();
}

/** The replicas (or PostgreSQL) of a target as the state machine's pods, with their index for the chaos API. */
export interface LocalPod extends TargetPod {
  /** 1-based position in the service's replicas, as `/chaos/kill {replica}` takes it. */
  replica?: number;
  ready: boolean;
  state: string;
}

export function localPods(target: LocalTarget, status: RunnerStatus): LocalPod[] {
  if (target.kind === 'postgres') {
    const pg = status.postgres;
    // Each start of PostgreSQL is a new "pod": its restart count is its identity.
    return [
      { name: 'postgres', uid: `postgres#${pg.restarts}`, ready: pg.state === 'running', state: pg.state },
    ];
  }
  const svc = status.services.find((s) => s.name === target.service);
  return (svc?.replicas ?? []).map((r, i) => ({
    name: r.id,
    uid: `${r.id}#${r.pid ?? 'none'}`,
    replica: i + 1,
    ready: r.ready && r.state === 'running',
    state: r.state,
  }));
}

/** Replicas the target wants (the runner's desired count), PostgreSQL always one. */
export function desiredReplicas(target: LocalTarget, status: RunnerStatus): number | undefined {
  if (target.kind === 'postgres') return 1;
  const svc = status.services.find((s) => s.name === target.service);
  return svc && 'replicasDesired' in svc ? svc.replicasDesired : undefined;
}

/**
 * Remembers when each pod identity was first seen Ready, which the state
 * machine needs to tell a killed-and-restarted replica from one that merely
 * has not been noticed dead yet.
 */
export class ReadyClock {
  private readonly since = new Map<string, number>();

  observe(pods: LocalPod[], now: number): TargetPod[] {
    const ready = pods.filter((p) => p.ready);
    for (const p of ready) if (!this.since.has(p.uid)) this.since.set(p.uid, now);
    const live = new Set(ready.map((p) => p.uid));
    for (const uid of this.since.keys()) if (!live.has(uid)) this.since.delete(uid);
    return ready.map((p) => ({ name: p.name, uid: p.uid, readySince: this.since.get(p.uid) }));
  }
}
