import {
  chaosMeshKind,
  ChaosMeshKind,
  ChaosScenario,
  faultShape,
  LabelSelector,
  StepSpec,
} from '@ha-shop/chaos-scenario';

export const CHAOS_MESH_GROUP = 'chaos-mesh.org';
export const CHAOS_MESH_VERSION = 'v1alpha1';
/** The resource plural of each kind the scenario model maps an action to (ACTION_TRAITS). */
const PLURALS: Record<ChaosMeshKind, string> = {
  PodChaos: 'podchaos',
  NetworkChaos: 'networkchaos',
  StressChaos: 'stresschaos',
};
export const CHAOS_MESH_KINDS = Object.keys(PLURALS) as ChaosMeshKind[];

export const LABEL_SCENARIO = 'chaos.ha-shop.dev/scenario';
export const LABEL_SCENARIO_UID = 'chaos.ha-shop.dev/scenario-uid';
export const LABEL_STEP = 'chaos.ha-shop.dev/step';
export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'ha-shop-chaos-operator';

export interface ChaosMeshObject {
  apiVersion: string;
  kind: ChaosMeshKind;
  metadata: {
    name: string;
    namespace: string;
    labels: Record<string, string>;
    ownerReferences: object[];
  };
  spec: Record<string, unknown>;
}

export function pluralOf(kind: string): string {
  const plural = PLURALS[kind as ChaosMeshKind];
  if (!plural) throw new Error(`not a Chaos Mesh kind the operator creates: ${kind}`);
  return plural;
}

/** Deterministic per (scenario, step): a retried create finds its own object instead of making a second one. */
export function objectName(scenario: ChaosScenario, index: number): string {
  const uid = (scenario.metadata.uid ?? '').slice(0, 8);
  return `${(scenario.metadata.name ?? 'scenario').slice(0, 40)}-${index}-${uid}`.replace(/-+$/, '');
}

function chaosSelector(namespace: string, sel: LabelSelector): Record<string, unknown> {
  const out: Record<string, unknown> = { namespaces: [namespace] };
  if (sel.matchLabels && Object.keys(sel.matchLabels).length) out.labelSelectors = sel.matchLabels;
  if (sel.matchExpressions?.length) out.expressionSelectors = sel.matchExpressions;
  return out;
}

/** The action's part of the object's spec; its kind comes from the scenario model. */
function actionSpec(step: StepSpec): Record<string, unknown> {
  const n = step.network ?? {};
  const netCommon = () => ({
    direction: n.direction ?? 'to',
    ...(n.target
      ? {
          target: {
            mode: n.target.mode ?? 'all',
            ...(n.target.value !== undefined ? { value: n.target.value } : {}),
            selector: chaosSelector(n.target.namespace, n.target.selector),
          },
        }
      : {}),
    ...(n.externalTargets ? { externalTargets: n.externalTargets } : {}),
  });
  switch (step.action) {
    case 'pod-kill':
      return {
        action: 'pod-kill',
        ...(step.gracePeriodSeconds !== undefined ? { gracePeriod: step.gracePeriodSeconds } : {}),
      };
    case 'pod-failure':
      return { action: 'pod-failure' };
    case 'container-kill':
      return { action: 'container-kill', containerNames: step.containerNames };
    case 'network-delay':
      return {
        action: 'delay',
        delay: {
          latency: n.latency,
          ...(n.jitter ? { jitter: n.jitter } : {}),
          ...(n.correlation ? { correlation: n.correlation } : {}),
        },
        ...netCommon(),
      };
    case 'network-loss':
      return {
        action: 'loss',
        loss: { loss: n.loss, ...(n.correlation ? { correlation: n.correlation } : {}) },
        ...netCommon(),
      };
    case 'network-partition':
      return { action: 'partition', ...netCommon() };
    case 'cpu-stress':
      return { stressors: { cpu: step.stress?.cpu } };
    case 'memory-stress':
      return { stressors: { memory: step.stress?.memory } };
    case 'pod-delete':
      throw new Error('pod-delete is carried out by the operator itself, not by Chaos Mesh');
  }
}

/**
 * The Chaos Mesh object for one step: in the scenario's namespace (owner
 * references cannot cross namespaces; the selector names the target
 * namespace), owned by the scenario so that even a missed cleanup is caught
 * by the garbage collector, and labelled so cleanup can find it by list.
 */
export function chaosMeshObject(scenario: ChaosScenario, index: number): ChaosMeshObject {
  const step = scenario.spec.steps[index];
  const kind = chaosMeshKind(step.action);
  if (!kind) throw new Error(`${step.action} is carried out by the operator itself, not by Chaos Mesh`);
  const { target } = scenario.spec;
  return {
    apiVersion: `${CHAOS_MESH_GROUP}/${CHAOS_MESH_VERSION}`,
    kind,
    metadata: {
      name: objectName(scenario, index),
      namespace: scenario.metadata.namespace as string,
      labels: {
        [LABEL_SCENARIO]: (scenario.metadata.name as string).slice(0, 63),
        [LABEL_SCENARIO_UID]: scenario.metadata.uid as string,
        [LABEL_STEP]: String(index),
        [LABEL_MANAGED_BY]: MANAGED_BY,
      },
      ownerReferences: [
        {
          apiVersion: scenario.apiVersion,
          kind: scenario.kind,
          name: scenario.metadata.name,
          uid: scenario.metadata.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      ...actionSpec(step),
      mode: step.mode,
      ...(step.value !== undefined ? { value: step.value } : {}),
      selector: chaosSelector(target.namespace, target.selector),
      // A kill is one-shot: Chaos Mesh takes no duration for it.
      ...(step.duration !== undefined && faultShape(step.action) === 'lasting'
        ? { duration: step.duration }
        : {}),
    },
  };
}
