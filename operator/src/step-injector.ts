import { abortRun, ChaosScenario, markInjected, ScenarioStatus } from '@ha-shop/chaos-scenario';
import { ChaosObjects } from './chaos-objects';
import { EventRecorder } from './events';
import { errorText, isNotFound, Kube } from './kube';
import { deletePods } from './targets';

/** Carries out one step's fault: deletes the chosen pods itself, or has Chaos Mesh do the rest. */
export class StepInjector {
  constructor(
    private readonly kube: Kube,
    private readonly chaos: ChaosObjects,
    private readonly events: EventRecorder,
  ) {}

  async inject(obj: ChaosScenario, status: ScenarioStatus, index: number) {
    const step = obj.spec.steps[index];
    const s = (status.steps ?? [])[index];
    const dryRun = obj.spec.dryRun === true;
    try {
      if (step.action === 'pod-delete') {
        const names = s.targets ?? [];
        if (!dryRun)
          await deletePods(
            this.kube,
            obj.spec.target.namespace,
            names,
            s.targetUids ?? [],
            step.gracePeriodSeconds,
          );
        const message = `${dryRun ? 'dry run: would delete' : 'deleted'} ${names.join(', ') || 'no pod'}`;
        await this.events.record(obj, false, 'Injected', `step ${step.name}: ${message}`);
        return { status: markInjected(obj.spec, status, index, { dryRun, message }), effects: [] };
      }
      const ref = await this.chaos.create(obj, index, dryRun);
      const message = `${dryRun ? 'dry run: accepted' : 'created'} ${ref.kind} ${ref.namespace}/${ref.name}`;
      await this.events.record(obj, false, 'Injected', `step ${step.name}: ${message}`);
      return {
        status: markInjected(obj.spec, status, index, { objects: [ref], dryRun, message }),
        effects: [],
      };
    } catch (err) {
      // A missing Chaos Mesh (no CRD) or a spec Chaos Mesh refuses will not heal by retrying.
      const code = (err as { code?: number }).code;
      if (isNotFound(err) || code === 400 || code === 422) {
        return abortRun(status, 'InjectionRejected', `step ${step.name}: ${errorText(err)}`);
      }
      throw err;
    }
  }
}
