import { selectTargets, stepDurationMs, StepSpec, StepStatus } from '@ha-shop/chaos-scenario';
import { CpuBurner } from './cpu-burner';
import { LocalAction, MAX_BURN_WORKERS } from './local-actions';
import { LocalPod, LocalTarget } from './local-targets';
import { RunnerApi } from './runner-api';

export interface InjectResult {
  /** Nothing was done: the step has no local equivalent (or the scenario is a dry run). */
  skipped: boolean;
  message: string;
  /** The replicas acted on. */
  targets: string[];
}

/**
 * Carries out the state machine's inject/revert/cleanup effects on the
 * runner, through its chaos API, and remembers what is in force so cleanup
 * can undo exactly that.
 */
export class LocalExecutor {
  private readonly hit = new Map<number, string[]>();
  private readonly inForce = new Map<number, () => Promise<void>>();
  private readonly burner = new CpuBurner();

  constructor(
    private readonly api: RunnerApi,
    private readonly target: LocalTarget | undefined,
    private readonly plans: LocalAction[],
    private readonly random: () => number = Math.random,
  ) {}

  /** The pods an instant kill hit, which is how the state machine learns the fault happened. */
  injectedPods(step: number): string[] | undefined {
    return this.hit.get(step);
  }

  async inject(
    index: number,
    step: StepSpec,
    state: StepStatus,
    pods: LocalPod[],
    dryRun: boolean,
  ): Promise<InjectResult> {
    const plan = this.plans[index];
    if (dryRun) return { skipped: true, message: `dry run: would ${plan.summary}`, targets: [] };
    if (plan.kind === 'skip' || !this.target) return { skipped: true, message: plan.summary, targets: [] };
    const ready = pods.filter((p) => p.ready);
    // pod-delete's victims were chosen by the state machine; Chaos Mesh's actions choose their own.
    const victims =
      step.action === 'pod-delete'
        ? ready.filter((p) => state.targets?.includes(p.name))
        : selectTargets(ready, step.mode, step.value, this.random);
    const names = victims.map((v) => v.name);
    const service = this.target.kind === 'service' ? this.target.service : 'postgres';
    switch (plan.kind) {
      case 'kill':
        if (this.target.kind === 'postgres') await this.api.chaos('postgres-stop', { seconds: 1 });
        else for (const v of victims) await this.api.chaos('kill', { service, replica: v.replica });
        this.hit.set(index, names);
        break;
      case 'freeze':
        for (const v of victims)
          await this.api.chaos('freeze', { service, replica: v.replica, seconds: plan.ms / 1000 });
        // The runner thaws them itself when the time is up; cleanup before that thaws early.
        this.inForce.set(index, async () => void (await this.api.chaos('heal')));
        break;
      case 'faults':
        await this.api.chaos('faults', { service, ...plan.inject });
        this.inForce.set(
          index,
          async () => void (await this.api.chaos('faults', { service, ...plan.revert })),
        );
        break;
      case 'cpu-burn': {
        const workers = Math.min(plan.workersPerTarget * victims.length, MAX_BURN_WORKERS);
        const ms = Math.max(stepDurationMs(step), 1);
        if (workers > 0) this.burner.start(workers, plan.loadPercent, ms);
        this.inForce.set(index, () => this.burner.stop());
        break;
      }
    }
    return { skipped: false, message: `local: ${plan.summary}`, targets: names };
  }

  /** Ends a lasting fault. A freeze ends by itself at its deadline, which the revert coincides with. */
  async revert(index: number): Promise<void> {
    const undo = this.inForce.get(index);
    this.inForce.delete(index);
    if (undo && this.plans[index].kind !== 'freeze') await undo();
  }

  /** Undoes whatever is still in force (an aborted or failed run). */
  async cleanup(): Promise<void> {
    const pending = [...this.inForce.values()];
    this.inForce.clear();
    for (const undo of pending) await undo();
    await this.burner.stop();
  }
}
