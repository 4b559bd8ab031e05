import * as k8s from '@kubernetes/client-node';
import type { ReplicaView, ServiceView, TimelineEntry } from './snapshot';

/** Which release to read: the chart's labels say which objects belong to it. */
export interface ReleaseRef {
  namespace: string;
  release: string;
  /** The workload that serves the dashboard itself (drawn apart from the services). */
  frontend?: string;
  /** This pod's name, to show the replica that answered; else the first ready one. */
  podName?: string;
}

export interface ReleaseWorkloads {
  services: ServiceView[];
  storefront: ReplicaView | null;
  timeline: TimelineEntry[];
}

// Events that tell what happened to replicas (a kill, a failed probe, a rescale, a replacement).
const EVENT_KINDS: Record<string, string> = {
  Killing: 'replica-killed',
  Unhealthy: 'replica-unready',
  BackOff: 'replica-restart-scheduled',
  Started: 'replica-started',
  SuccessfulCreate: 'replica-created',
  SuccessfulDelete: 'replica-deleted',
  ScalingReplicaSet: 'scale',
  SuccessfulRescale: 'scale',
  Evicted: 'replica-evicted',
};

const NAME_LABEL = 'app.kubernetes.io/name';

const ownedBy = (o: { metadata?: k8s.V1ObjectMeta }, uid: string | undefined) =>
  !!uid && (o.metadata?.ownerReferences ?? []).some((r) => r.uid === uid);

function podState(p: k8s.V1Pod): string {
  if (p.metadata?.deletionTimestamp) return 'terminating';
  const waiting = p.status?.containerStatuses?.find((c) => c.state?.waiting)?.state?.waiting?.reason;
  return waiting ?? (p.status?.phase ?? 'Unknown').toLowerCase();
}

function replicaView(p: k8s.V1Pod, now: number): ReplicaView {
  const containers = p.status?.containerStatuses ?? [];
  const started = p.status?.startTime ? new Date(p.status.startTime).getTime() : undefined;
  return {
    id: p.metadata?.name ?? '',
    state: podState(p),
    ready: p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
    // Live: every container running (the kubelet restarts it when its liveness probe fails).
    live:
      !p.metadata?.deletionTimestamp &&
      p.status?.phase === 'Running' &&
      containers.every((c) => c.state?.running !== undefined),
    restarts: containers.reduce((n, c) => n + (c.restartCount ?? 0), 0),
    uptimeSeconds: started === undefined ? undefined : Math.max(0, Math.round((now - started) / 1000)),
  };
}

function serviceView(
  d: k8s.V1Deployment,
  replicaSets: k8s.V1ReplicaSet[],
  pods: k8s.V1Pod[],
  hpas: k8s.V2HorizontalPodAutoscaler[],
  now: number,
): ServiceView {
  const rsUids = replicaSets.filter((rs) => ownedBy(rs, d.metadata?.uid)).map((rs) => rs.metadata?.uid);
  const mine = pods
    .filter((p) => rsUids.some((uid) => ownedBy(p, uid)))
    .sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
  const hpa = hpas.find(
    (h) => h.spec?.scaleTargetRef.kind === 'Deployment' && h.spec.scaleTargetRef.name === d.metadata?.name,
  );
  const available = d.status?.conditions?.find((c) => c.type === 'Available');
  const ready = d.status?.readyReplicas ?? 0;
  return {
    name: d.metadata?.labels?.[NAME_LABEL] ?? d.metadata?.name ?? '',
    state: ready > 0 ? 'running' : 'unavailable',
    reason: available?.status === 'False' ? available.message : undefined,
    // The HPA's wish once it has one (it writes spec.replicas a moment later); its status
    // says 0 until its first pass.
    replicasDesired: hpa?.status?.desiredReplicas || d.spec?.replicas || 0,
    replicasReady: ready,
    replicas: mine.map((p) => replicaView(p, now)),
    // Services' /health/details are not reachable from the storefront in a cluster (NetworkPolicy,
    // mesh): the source fills breakers from Prometheus (kubernetes-breakers.ts).
    breakers: null,
  };
}

function timeline(events: k8s.CoreV1Event[], names: Map<string, string>, prefix: string): TimelineEntry[] {
  const serviceOf = (object: string) => {
    let best: string | undefined;
    for (const deployment of names.keys())
      if (object.startsWith(deployment) && (!best || deployment.length > best.length)) best = deployment;
    return best ? names.get(best) : undefined;
  };
  return events
    .filter((e) => EVENT_KINDS[e.reason ?? ''] && e.involvedObject.name?.startsWith(prefix))
    .map((e) => ({
      seq: Number(e.metadata.resourceVersion) || 0,
      at: new Date(e.lastTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp ?? 0).toISOString(),
      kind: EVENT_KINDS[e.reason ?? ''],
      service: serviceOf(e.involvedObject.name ?? ''),
      replica: e.involvedObject.kind === 'Pod' ? e.involvedObject.name : undefined,
      message: `${e.involvedObject.kind}/${e.involvedObject.name}: ${e.message ?? e.reason}`,
    }))
    .sort((a, b) => b.at.localeCompare(a.at) || b.seq - a.seq)
    .slice(0, 30);
}

/**
 * The release's Deployments, ReplicaSets, Pods and HPAs in its namespace, in the shape the
 * runner source gives: per service its replicas (pods) with ready/live and restarts, desired
 * vs ready; plus a timeline from the namespace's Events. Read-only (the chart's Role).
 */
export async function readReleaseWorkloads(kc: k8s.KubeConfig, ref: ReleaseRef): Promise<ReleaseWorkloads> {
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const autoscaling = kc.makeApiClient(k8s.AutoscalingV2Api);
  const { namespace } = ref;
  const labelSelector = `app.kubernetes.io/instance=${ref.release}`;
  const [deployments, replicaSets, pods, hpas, events] = await Promise.all([
    apps.listNamespacedDeployment({ namespace, labelSelector }),
    apps.listNamespacedReplicaSet({ namespace, labelSelector }),
    core.listNamespacedPod({ namespace, labelSelector }),
    autoscaling.listNamespacedHorizontalPodAutoscaler({ namespace, labelSelector }),
    core.listNamespacedEvent({ namespace, limit: 500 }),
  ]);
  const now = Date.now();
  const frontend = ref.frontend ?? 'storefront';
  const views = deployments.items
    .map((d) => serviceView(d, replicaSets.items, pods.items, hpas.items, now))
    .sort((a, b) => a.name.localeCompare(b.name));
  const front = views.find((v) => v.name === frontend);
  const storefront =
    front?.replicas.find((r) => r.id === ref.podName) ?? front?.replicas.find((r) => r.ready) ?? null;
  const names = new Map(
    deployments.items.map((d) => [d.metadata?.name ?? '', d.metadata?.labels?.[NAME_LABEL] ?? '']),
  );
  return {
    services: views.filter((v) => v !== front),
    storefront,
    timeline: timeline(events.items, names, `${ref.release}-`),
  };
}
