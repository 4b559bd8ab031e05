import {
  ChaosScenario,
  decide,
  DEFAULT_CLEANUP_TIMEOUT_MS,
  dueProbes,
  durationMs,
  Effect,
  initialStatus,
  markCleanedUp,
  markReverted,
  recordProbes,
  ScenarioStatus,
} from '@ha-shop/chaos-scenario';
import { ChaosObjects } from './chaos-objects';
import { EventRecorder } from './events';
import { ignoreNotFound, Kube, SCENARIOS } from './kube';
import { OperatorMetrics } from './metrics';
import { runProbe } from './probes';
import { Scheduler } from './schedule';
import { StepInjector } from './step-injector';
import { observeTarget } from './targets';

export const FINALIZER = 'chaos.ha-shop.dev/cleanup';

/**
 * One reconcile of one ChaosScenario: read it fresh, observe, let the state
 * machine decide, persist the decision, then act. Persisting first is what
 * makes a restart safe: the status always says what may already have
 * happened, and every effect is idempotent when repeated.
 */
export class Reconciler {
  private readonly chaos: ChaosObjects;
  private readonly scheduler: Scheduler;
  private readonly injector: StepInjector;

  constructor(
    private readonly kube: Kube,
    private readonly events: EventRecorder,
    private readonly metrics: OperatorMetrics,
    private readonly tickMs: number,
    private readonly log: (m: string) => void,
  ) {
    this.chaos = new ChaosObjects(kube);
    this.injector = new StepInjector(kube, this.chaos, events);
    this.scheduler = new Scheduler(kube, events, (o, st) => this.writeStatus(o, st), tickMs);
  }

  /** Returns when to look again (ms), or undefined when nothing is left to do. */
  async reconcile(namespace: string, name: string): Promise<number | undefined> {
    let obj = await ignoreNotFound(
      () =>
        this.kube.custom.getNamespacedCustomObject({
          ...SCENARIOS,
          namespace,
          name,
        }) as Promise<ChaosScenario>,
    );
    if (!obj) return undefined;
    const finalizers = obj.metadata.finalizers ?? [];
    if (obj.metadata.deletionTimestamp) return this.finalize(obj);
    if (obj.spec.schedule) return this.schedule(obj);
    if (obj.status?.phase === 'Completed') {
      // Nothing the run made is left, so nothing can block the scenario's deletion any longer.
      if (finalizers.includes(FINALIZER)) await this.setFinalizer(obj, false);
      return undefined;
    }
    if (!finalizers.includes(FINALIZER)) {
      // Before anything is injected: a fault must never outlive its scenario.
      await this.setFinalizer(obj, true);
      return 0;
    }
    const gen = obj.metadata.generation;
    if (!obj.status?.phase || obj.status.phase === 'Pending') {
      await this.writeStatus(obj, initialStatus(obj.spec, gen, Date.now()));
      await this.events.record(
        obj,
        false,
        'Started',
        `running ${obj.spec.steps.length} step(s) against ${obj.spec.target.namespace}`,
      );
      return 0;
    }

    let status = obj.status;
    const due = dueProbes(obj.spec, status, Date.now());
    const [obs, outcomes] = await Promise.all([
      observeTarget(this.kube, obj),
      Promise.all(due.map((p) => runProbe(this.kube, obj as ChaosScenario, p))),
    ]);
    if (outcomes.length) status = recordProbes(status, outcomes, Date.now());
    obs.injectedPods = await this.injectedPods(obj, status);
    const d = decide(obj.spec, status, obs, Date.now(), gen);
    obj = await this.writeStatus(obj, d.status);
    await this.apply(obj, d.effects);
    return this.tickMs;
  }

  private async apply(obj: ChaosScenario, effects: Effect[]): Promise<void> {
    for (const e of effects) {
      const status = obj.status as ScenarioStatus;
      switch (e.type) {
        case 'event':
          await this.events.record(obj, e.warning, e.reason, e.message);
          break;
        case 'inject': {
          const next = await this.injector.inject(obj, status, e.step);
          obj = await this.writeStatus(obj, next.status);
          await this.apply(obj, next.effects);
          break;
        }
        case 'revert':
          if (await this.cleanup(obj, e.step))
            obj = await this.writeStatus(obj, markReverted(status, e.step));
          break;
        case 'cleanup': {
          if (!(await this.cleanup(obj))) break;
          const done = markCleanedUp(status, Date.now(), obj.metadata.generation);
          // Recorded before Completed is written, so that anyone who sees Completed finds it.
          await this.events.record(
            obj,
            status.verdict !== 'Passed',
            'Completed',
            `verdict ${status.verdict ?? ''}: ${status.message ?? ''}`,
          );
          obj = await this.writeStatus(obj, done.status);
          await this.apply(obj, done.effects);
          // Nothing of the run is left: nothing may block the scenario's deletion any longer.
          await this.setFinalizer(obj, false);
          break;
        }
        case 'finished':
          this.metrics.scenarios.inc({ verdict: e.verdict });
          for (const s of status.steps ?? []) {
            if (s.timeToRecoverySeconds !== undefined)
              this.metrics.recovery.observe({ action: s.action }, s.timeToRecoverySeconds);
          }
          this.log(
            `${obj.metadata.namespace}/${obj.metadata.name}: verdict ${e.verdict} (${status.reason ?? ''})`,
          );
          break;
      }
    }
  }

  /** A template: it injects nothing itself (no finalizer), its child runs do. */
  private async schedule(obj: ChaosScenario): Promise<number | undefined> {
    try {
      return await this.scheduler.reconcile(obj);
    } catch (err) {
      if (!(err instanceof TypeError || err instanceof RangeError)) throw err;
      // croner refuses the expression: retrying cannot help until the spec changes.
      const message = `invalid schedule "${obj.spec.schedule}": ${err.message}`;
      if (obj.status?.reason !== 'InvalidSchedule') {
        await this.writeStatus(obj, {
          ...obj.status,
          phase: 'Scheduled',
          reason: 'InvalidSchedule',
          message,
        });
        await this.events.record(obj, true, 'InvalidSchedule', message);
      }
      return undefined;
    }
  }

  /** For an instant fault Chaos Mesh carries out, the pods it says it hit (the state machine waits for them). */
  private async injectedPods(obj: ChaosScenario, status: ScenarioStatus): Promise<string[] | undefined> {
    if (status.phase !== 'Running') return undefined;
    const i = status.currentStep ?? 0;
    const s = status.steps?.[i];
    const action = obj.spec.steps[i]?.action;
    if (
      s?.phase !== 'Recovering' ||
      s.targets !== undefined ||
      (action !== 'pod-kill' && action !== 'container-kill')
    ) {
      return undefined;
    }
    const lists = await Promise.all(
      (s.objects ?? []).map((ref) => ignoreNotFound(() => this.chaos.injectedPods(ref))),
    );
    return lists.flatMap((l) => l ?? []);
  }

  private async finalize(obj: ChaosScenario): Promise<number | undefined> {
    if (!(obj.metadata.finalizers ?? []).includes(FINALIZER)) return undefined;
    if (!(await this.cleanup(obj))) return this.tickMs;
    await this.events.record(obj, false, 'CleanedUp', 'scenario deleted; everything it created is gone');
    await this.setFinalizer(obj, false);
    return undefined;
  }

  /**
   * Deletes what the run (or one step, given `step`) created; true once all of it is gone.
   * Objects stuck past the cleanup timeout lose their finalizers, and each one is reported.
   */
  private async cleanup(obj: ChaosScenario, step?: number): Promise<boolean> {
    const timeoutMs = durationMs(obj.spec.cleanupTimeout, DEFAULT_CLEANUP_TIMEOUT_MS);
    const namespace = obj.metadata.namespace as string;
    const res = await this.chaos.cleanup(namespace, obj.metadata.uid as string, timeoutMs, step);
    for (const f of res.forced) {
      this.metrics.forcedCleanups.inc();
      await this.events.record(
        obj,
        true,
        'ForcedCleanup',
        `${f} outlived the cleanup timeout; removed its finalizers`,
      );
    }
    return res.done;
  }

  /** PUT with the resourceVersion read: a concurrent change fails with 409 and the reconcile retries. */
  private async setFinalizer(obj: ChaosScenario, present: boolean): Promise<void> {
    const others = (obj.metadata.finalizers ?? []).filter((f) => f !== FINALIZER);
    const body = {
      ...obj,
      metadata: { ...obj.metadata, finalizers: present ? [...others, FINALIZER] : others },
    };
    await this.kube.custom.replaceNamespacedCustomObject({
      ...SCENARIOS,
      namespace: obj.metadata.namespace as string,
      name: obj.metadata.name as string,
      body,
    });
  }

  private async writeStatus(obj: ChaosScenario, status: ScenarioStatus): Promise<ChaosScenario> {
    // Most ticks change nothing; skipping the write spares the API server and the watchers.
    if (JSON.stringify(status) === JSON.stringify(obj.status)) return obj;
    return (await this.kube.custom.replaceNamespacedCustomObjectStatus({
      ...SCENARIOS,
      namespace: obj.metadata.namespace as string,
      name: obj.metadata.name as string,
      body: { ...obj, status },
    })) as ChaosScenario;
  }
}
