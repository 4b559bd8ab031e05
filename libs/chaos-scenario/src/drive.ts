import { setTimeout as sleep } from 'node:timers/promises';
import { Effect, Observation, ProbeOutcome } from './model';
import { decide, dueProbes, initialStatus, recordProbes } from './state-machine';
import { abortRun, markCleanedUp, markInjected, markReverted } from './transitions';
import { ChaosScenarioSpec, ObjectRef, ProbeSpec, ScenarioStatus, StepStatus } from './types';

export interface InjectResult {
  objects?: ObjectRef[];
  message?: string;
  /** The action has no equivalent here: the step is reported Skipped with this reason. */
  skipped?: string;
}

/**
 * What a place that runs scenarios provides: the local runner (processes on
 * one machine) implements it; the operator has its own reconcile loop over
 * the same state machine. Every method may be called again after a failure.
 */
export interface Executor {
  observe(spec: ChaosScenarioSpec): Promise<Observation>;
  probe(probe: ProbeSpec): Promise<ProbeOutcome>;
  inject(index: number, step: StepStatus, spec: ChaosScenarioSpec): Promise<InjectResult>;
  /** Ends a lasting fault; resolves true once it is gone. */
  revert(index: number, spec: ChaosScenarioSpec): Promise<boolean>;
  /** Removes whatever the run left; resolves true once nothing is left. */
  cleanup(spec: ChaosScenarioSpec): Promise<boolean>;
  event?(reason: string, message: string, warning: boolean): void;
}

export interface DriveOptions {
  tickMs?: number;
  /** Hard stop: the run is aborted (and cleaned up) after this long. */
  timeoutMs?: number;
  onStatus?: (status: ScenarioStatus) => void;
}

/**
 * Runs one scenario to its verdict in this process, tick by tick, with the
 * same state machine and report the operator writes into the status.
 */
export async function runScenario(
  spec: ChaosScenarioSpec,
  exec: Executor,
  opts: DriveOptions = {},
): Promise<ScenarioStatus> {
  const tickMs = opts.tickMs ?? 250;
  const deadline = Date.now() + (opts.timeoutMs ?? 60 * 60_000);
  let status = initialStatus(spec, 1, Date.now());
  const publish = (s: ScenarioStatus) => {
    status = s;
    opts.onStatus?.(s);
  };

  const apply = async (effects: Effect[]): Promise<void> => {
    for (const e of effects) {
      if (e.type === 'event') exec.event?.(e.reason, e.message, e.warning);
      else if (e.type === 'inject') {
        const step = (status.steps ?? [])[e.step];
        const r = await exec.inject(e.step, step, spec);
        publish(
          markInjected(spec, status, e.step, {
            ...r,
            dryRun: spec.dryRun || r.skipped !== undefined,
            message: r.skipped ?? r.message,
          }),
        );
      } else if (e.type === 'revert') {
        if (await exec.revert(e.step, spec)) publish(markReverted(status, e.step));
      } else if (e.type === 'cleanup') {
        if (await exec.cleanup(spec)) {
          const done = markCleanedUp(status, Date.now(), 1);
          publish(done.status);
          await apply(done.effects);
        }
      }
    }
  };

  // A function, not a field read: TypeScript cannot see that publish() changes `status`.
  const completed = () => status.phase === 'Completed';
  publish(status);
  while (!completed()) {
    if (Date.now() > deadline && status.phase !== 'CleaningUp') {
      const a = abortRun(status, 'Timeout', 'the run did not finish in time');
      publish(a.status);
      await apply(a.effects);
      continue;
    }
    const due = dueProbes(spec, status, Date.now());
    const [obs, outcomes] = await Promise.all([
      exec.observe(spec),
      Promise.all(due.map((p) => exec.probe(p))),
    ]);
    if (outcomes.length) publish(recordProbes(status, outcomes, Date.now()));
    const d = decide(spec, status, obs, Date.now(), 1);
    publish(d.status);
    await apply(d.effects);
    if (!completed()) await sleep(tickMs);
  }
  return status;
}
