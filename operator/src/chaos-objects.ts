import { ChaosScenario, ObjectRef } from '@ha-shop/chaos-scenario';
import {
  CHAOS_MESH_GROUP,
  CHAOS_MESH_KINDS,
  CHAOS_MESH_VERSION,
  chaosMeshObject,
  LABEL_SCENARIO_UID,
  LABEL_STEP,
  pluralOf,
} from './chaos-mesh';
import { isConflict, isNotFound, Kube } from './kube';

interface Listed {
  kind: string;
  metadata: {
    name: string;
    namespace: string;
    deletionTimestamp?: string;
    finalizers?: string[];
    resourceVersion?: string;
  };
}

export interface CleanupResult {
  /** Nothing the scenario created is left. */
  done: boolean;
  /** Objects whose finalizers were removed because they outlived the timeout. */
  forced: string[];
}

/** Creates, finds and removes the Chaos Mesh objects of one scenario. */
export class ChaosObjects {
  constructor(private readonly kube: Kube) {}

  private api(kind: string) {
    return { group: CHAOS_MESH_GROUP, version: CHAOS_MESH_VERSION, plural: pluralOf(kind) };
  }

  /** Idempotent: an AlreadyExists for our own deterministic name counts as created. */
  async create(scenario: ChaosScenario, index: number, dryRun: boolean): Promise<ObjectRef> {
    const body = chaosMeshObject(scenario, index);
    const ref = {
      apiVersion: body.apiVersion,
      kind: body.kind,
      name: body.metadata.name,
      namespace: body.metadata.namespace,
    };
    try {
      await this.kube.custom.createNamespacedCustomObject({
        ...this.api(body.kind),
        namespace: body.metadata.namespace,
        body,
        dryRun: dryRun ? 'All' : undefined,
        fieldValidation: 'Strict',
      });
    } catch (err) {
      if (!isConflict(err) || dryRun) throw err;
    }
    return ref;
  }

  /**
   * The pods Chaos Mesh reports as hit by an object: its records' ids are
   * `namespace/pod` (or `namespace/pod/container` for container-kill).
   */
  async injectedPods(ref: ObjectRef): Promise<string[]> {
    const o = (await this.kube.custom.getNamespacedCustomObject({
      ...this.api(ref.kind),
      namespace: ref.namespace,
      name: ref.name,
    })) as {
      status?: {
        experiment?: { containerRecords?: { id?: string; phase?: string; injectedCount?: number }[] };
      };
    };
    const records = o.status?.experiment?.containerRecords ?? [];
    return [
      ...new Set(
        records
          .filter((r) => r.phase === 'Injected' || (r.injectedCount ?? 0) > 0)
          .map((r) => (r.id ?? '').split('/')[1])
          .filter((name): name is string => Boolean(name)),
      ),
    ];
  }

  /** Every object of the scenario (or of one step), across the kinds the operator creates. */
  async list(namespace: string, scenarioUid: string, step?: number): Promise<Listed[]> {
    const labelSelector = `${LABEL_SCENARIO_UID}=${scenarioUid}${step === undefined ? '' : `,${LABEL_STEP}=${step}`}`;
    const lists = await Promise.all(
      CHAOS_MESH_KINDS.map(async (kind) => {
        try {
          const res = (await this.kube.custom.listNamespacedCustomObject({
            ...this.api(kind),
            namespace,
            labelSelector,
          })) as {
            items: Listed[];
          };
          return res.items.map((i) => ({ ...i, kind }));
        } catch (err) {
          // Chaos Mesh not installed: nothing of that kind can exist.
          if (isNotFound(err)) return [];
          throw err;
        }
      }),
    );
    return lists.flat();
  }

  /**
   * One pass of cleanup: delete what is left; strip the finalizers of what
   * has been terminating longer than `timeoutMs` (Chaos Mesh keeps its
   * `chaos-mesh/records` finalizer until its controller has recovered every
   * pod, and a missing or wedged controller would keep it forever). Call
   * again until done.
   */
  async cleanup(
    namespace: string,
    scenarioUid: string,
    timeoutMs: number,
    step?: number,
  ): Promise<CleanupResult> {
    const objects = await this.list(namespace, scenarioUid, step);
    const forced: string[] = [];
    for (const o of objects) {
      const api = { ...this.api(o.kind), namespace, name: o.metadata.name };
      const since = o.metadata.deletionTimestamp ? Date.parse(o.metadata.deletionTimestamp) : undefined;
      try {
        if (since === undefined) {
          await this.kube.custom.deleteNamespacedCustomObject({ ...api, propagationPolicy: 'Background' });
        } else if (Date.now() - since > timeoutMs && (o.metadata.finalizers?.length ?? 0) > 0) {
          const fresh = (await this.kube.custom.getNamespacedCustomObject(api)) as Listed &
            Record<string, unknown>;
          await this.kube.custom.replaceNamespacedCustomObject({
            ...api,
            body: { ...fresh, metadata: { ...fresh.metadata, finalizers: [] } },
          });
          forced.push(`${o.kind}/${o.metadata.name}`);
        }
      } catch (err) {
        // Gone meanwhile, or changed under us (retried on the next pass).
        if (!isNotFound(err) && !isConflict(err)) throw err;
      }
    }
    if (objects.length === 0) return { done: true, forced };
    const left = await this.list(namespace, scenarioUid, step);
    return { done: left.length === 0, forced };
  }
}
