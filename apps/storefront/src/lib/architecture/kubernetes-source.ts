import * as k8s from '@kubernetes/client-node';
import { kpis } from '../bff/shop';
import { storefrontBreakers } from '../bff/api-client';
import { breakersFromPrometheus } from './kubernetes-breakers';
import { readReleaseDatabase } from './kubernetes-database';
import { readReleaseWorkloads, type ReleaseRef } from './kubernetes-workloads';
import { recentTraces } from './jaeger';
import { prometheusMetrics } from './prometheus';
import type { ArchitectureSnapshot, ArchitectureSource } from './snapshot';

/**
 * In a cluster: the release's workloads and its CloudNativePG database from the Kubernetes API
 * (the pod's ServiceAccount, or KUBECONFIG outside one) plus kube-prometheus-stack's Prometheus
 * for rates, latency and breaker states.
 * Chaos actions are Chaos Mesh experiments there, not buttons on this page.
 */
export class KubernetesSource implements ArchitectureSource {
  readonly name = 'kubernetes';
  private readonly kc = new k8s.KubeConfig();

  constructor(
    private readonly ref: ReleaseRef,
    private readonly prometheusUrl: string | undefined,
    private readonly jaegerUrl: string | undefined,
  ) {
    this.kc.loadFromDefault();
  }

  async snapshot(viewerToken?: string): Promise<ArchitectureSnapshot> {
    const [workloads, database, kpiResult, prom, breakers] = await Promise.all([
      readReleaseWorkloads(this.kc, this.ref),
      // The map still draws without them: "unknown" rather than no page.
      readReleaseDatabase(this.kc, this.ref).catch(() => null),
      kpis(viewerToken, '1h'),
      prometheusMetrics(this.prometheusUrl),
      this.prometheusUrl
        ? breakersFromPrometheus(this.prometheusUrl, this.ref.namespace).catch(() => undefined)
        : undefined,
    ]);
    const services = workloads.services.map((s) => ({
      ...s,
      breakers: breakers?.get(s.name) ?? null,
      metrics: prom.metrics.get(s.name) ?? { requestsPerSecond: null, errorRatio: null, p95Seconds: null },
    }));
    const traces = await recentTraces(
      this.jaegerUrl,
      services.map((s) => s.name),
    );
    const ready = services.filter((s) => s.replicasReady > 0).length;
    return {
      source: this.name,
      at: new Date().toISOString(),
      phase: `${ready}/${services.length} services available in ${this.ref.namespace}`,
      edge: 'ingress gateway',
      database,
      services,
      storefront: workloads.storefront,
      storefrontBreakers: Object.fromEntries(
        Object.entries(storefrontBreakers()).map(([dep, s]) => [dep, s.state]),
      ),
      kpis: kpiResult.ok ? kpiResult.body : null,
      metricsNote: prom.note,
      timeline: workloads.timeline,
      traces: traces.traces,
      tracesNote: traces.note,
      chaosAvailable: false,
    };
  }
}
