import { Action, durationMs, parseDuration, StepSpec } from '@ha-shop/chaos-scenario';
import { FaultRequest } from '../chaos/chaos-actions';

/**
 * What a ChaosScenario step becomes on one machine. The operator hands the
 * same step to Chaos Mesh (or deletes pods itself); here each action maps to
 * the runner's own chaos on its processes. A step with no honest local
 * equivalent is skipped and says why, rather than faked.
 */
export type LocalAction =
  /** SIGKILL the selected replicas; the supervisor restarts them (a new pid, as a new pod). */
  | { kind: 'kill'; summary: string }
  /** SIGSTOP the selected replicas for `ms`, then SIGCONT: hung but alive, as a failed pod. */
  | { kind: 'freeze'; ms: number; summary: string }
  /** The service's fault switch on every replica, set on inject and reset on revert. */
  | { kind: 'faults'; inject: FaultRequest; revert: FaultRequest; summary: string }
  /** Bounded busy loops beside the selected replicas, competing with them for the machine's cores. */
  | { kind: 'cpu-burn'; workersPerTarget: number; loadPercent: number; summary: string }
  | { kind: 'skip'; reason: string; summary: string };

/** The longest freeze the runner's chaos API takes (its schema caps seconds at 600). */
export const MAX_FREEZE_MS = 600_000;
/** Busy-loop workers per target are capped: two cores are shared with the shop itself. */
export const MAX_BURN_WORKERS = 4;

/** The local equivalent of one step, for the service (or PostgreSQL) it targets. */
export function localAction(step: StepSpec, target: 'service' | 'postgres', service = ''): LocalAction {
  if (target === 'postgres') return postgresAction(step);
  const payment = service === 'payment-service';
  switch (step.action as Action) {
    case 'pod-kill':
    case 'pod-delete':
    case 'container-kill':
      return { kind: 'kill', summary: `SIGKILL ${selection(step)} (the supervisor restarts them)` };
    case 'pod-failure': {
      const ms = durationMs(step.duration, 0);
      if (ms <= 0 || ms > MAX_FREEZE_MS)
        return skip(`pod-failure needs a duration between 1 ms and ${MAX_FREEZE_MS / 1000} s locally`);
      return { kind: 'freeze', ms, summary: `SIGSTOP ${selection(step)} for ${ms / 1000} s, then SIGCONT` };
    }
    case 'network-delay': {
      const latency = step.network?.latency;
      if (!latency) return skip('network-delay without network.latency');
      const latencyMs = parseDuration(latency);
      const jitter = step.network?.jitter ? ` (jitter ${step.network.jitter} not modelled)` : '';
      return {
        kind: 'faults',
        inject: { latencyMs },
        revert: { latencyMs: 0 },
        summary: `latency fault +${latencyMs} ms on every ${service} replica${jitter}`,
      };
    }
    case 'network-partition':
      return {
        kind: 'faults',
        ...rate(payment, 1),
        summary: payment
          ? 'payment-service outage fault (every charge answered 503)'
          : `error fault on every ${service} replica (every request answered 503)`,
      };
    case 'network-loss': {
      const loss = Number(step.network?.loss ?? '100');
      if (!(loss >= 0 && loss <= 100)) return skip(`network.loss "${step.network?.loss}" is not a percent`);
      return {
        kind: 'faults',
        ...rate(payment, loss / 100),
        summary: `${payment ? 'outage' : 'error'} fault: ${loss} % of ${service} requests answered 503`,
      };
    }
    case 'cpu-stress': {
      const cpu = step.stress?.cpu;
      if (!cpu) return skip('cpu-stress without stress.cpu');
      const workersPerTarget = Math.min(Math.max(1, cpu.workers), MAX_BURN_WORKERS);
      const loadPercent = Math.min(Math.max(cpu.load ?? 100, 1), 100);
      return {
        kind: 'cpu-burn',
        workersPerTarget,
        loadPercent,
        summary: `${workersPerTarget} busy-loop worker(s) at ${loadPercent} % beside ${selection(step)}`,
      };
    }
    case 'memory-stress':
      return skip(
        'no local equivalent: replicas have no memory limit of their own here, so pressure beside them would squeeze the whole machine, not a pod',
      );
  }
}

/** The runner's PostgreSQL is one process: only a kill has a meaning there (stop, then start again). */
function postgresAction(step: StepSpec): LocalAction {
  if (step.action === 'pod-kill' || step.action === 'pod-delete' || step.action === 'container-kill')
    return { kind: 'kill', summary: 'stop PostgreSQL (fast shutdown) and start it again' };
  return skip(`${step.action} on PostgreSQL has no local equivalent`);
}

function rate(payment: boolean, value: number): { inject: FaultRequest; revert: FaultRequest } {
  return payment
    ? { inject: { outageRate: value }, revert: { outageRate: 0 } }
    : { inject: { errorRate: value }, revert: { errorRate: 0 } };
}

function selection(step: StepSpec): string {
  const value = step.value === undefined ? '' : ` ${step.value}`;
  return `replicas chosen by mode ${step.mode}${value}`;
}

function skip(reason: string): LocalAction {
  return { kind: 'skip', reason, summary: `skipped: ${reason}` };
}
