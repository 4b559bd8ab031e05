import { BREAKER_STATE_VALUE, type BreakerStateName } from '@ha-shop/resilience';
import { instantQuery } from './prometheus';

const STATE_NAME = new Map<number, BreakerStateName>(
  Object.entries(BREAKER_STATE_VALUE).map(([name, value]) => [value, name as BreakerStateName]),
);

// Worst first: what a dependency's row says when its replicas disagree.
const SEVERITY: BreakerStateName[] = ['open', 'isolated', 'half-open', 'closed'];

/**
 * Breaker state per service and dependency in one namespace, from the `circuit_breaker_state`
 * gauge every replica exports (kube-prometheus-stack scrapes it; the chart's ServiceMonitor
 * sets the `service` label to the service's name). In a cluster this replaces the runner
 * source's /health/details, which the storefront cannot reach there. When replicas disagree,
 * the worst state is shown with how many replicas are in it ("open on 1 of 3").
 */
export async function breakersFromPrometheus(
  baseUrl: string,
  namespace: string,
): Promise<Map<string, Record<string, string>>> {
  const selector = `namespace=${JSON.stringify(namespace)}`;
  const samples = await instantQuery(baseUrl, `circuit_breaker_state{${selector}}`);
  const byDependency = new Map<string, Map<string, BreakerStateName[]>>();
  for (const s of samples) {
    const { service, dependency } = s.metric;
    const state = STATE_NAME.get(Number(s.value[1]));
    if (!service || !dependency || !state) continue;
    const deps = byDependency.get(service) ?? new Map<string, BreakerStateName[]>();
    deps.set(dependency, [...(deps.get(dependency) ?? []), state]);
    byDependency.set(service, deps);
  }
  const out = new Map<string, Record<string, string>>();
  for (const [service, deps] of byDependency) {
    const row: Record<string, string> = {};
    for (const [dependency, states] of [...deps].sort(([a], [b]) => a.localeCompare(b))) {
      const worst = SEVERITY.find((s) => states.includes(s))!;
      const inWorst = states.filter((s) => s === worst).length;
      row[dependency] = inWorst === states.length ? worst : `${worst} on ${inWorst} of ${states.length}`;
    }
    out.set(service, row);
  }
  return out;
}
