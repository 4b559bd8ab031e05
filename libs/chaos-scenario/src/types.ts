import type { ScenarioStatus } from './status-types';

// The ChaosScenario resource as TypeScript. The CRD schema in crd-schema.ts
// describes the same shape; a test feeds both through the API server.

export const GROUP = 'chaos.ha-shop.dev';
export const VERSION = 'v1alpha1';
export const KIND = 'ChaosScenario';
export const PLURAL = 'chaosscenarios';
export const API_VERSION = `${GROUP}/${VERSION}`;

export const SELECTOR_MODES = ['one', 'all', 'fixed', 'fixed-percent', 'random-max-percent'] as const;
export type SelectorMode = (typeof SELECTOR_MODES)[number];

/**
 * Every action a step can take, and who carries it out: Chaos Mesh, through an object of the
 * kind named, or the operator itself (pod-delete, through the API server; the local runner maps
 * all of them to its own means). Instant actions (the kills) end once injected; the others hold
 * for the step's duration and are then reverted.
 */
export const ACTION_TRAITS = {
  'pod-delete': { chaosMeshKind: null, instant: true },
  'pod-kill': { chaosMeshKind: 'PodChaos', instant: true },
  'pod-failure': { chaosMeshKind: 'PodChaos', instant: false },
  'container-kill': { chaosMeshKind: 'PodChaos', instant: true },
  'network-delay': { chaosMeshKind: 'NetworkChaos', instant: false },
  'network-loss': { chaosMeshKind: 'NetworkChaos', instant: false },
  'network-partition': { chaosMeshKind: 'NetworkChaos', instant: false },
  'cpu-stress': { chaosMeshKind: 'StressChaos', instant: false },
  'memory-stress': { chaosMeshKind: 'StressChaos', instant: false },
} as const;
export type Action = keyof typeof ACTION_TRAITS;
export const ACTIONS = Object.keys(ACTION_TRAITS) as readonly Action[];
export type ChaosMeshKind = NonNullable<(typeof ACTION_TRAITS)[Action]['chaosMeshKind']>;

export const PROBE_TYPES = ['http', 'promql', 'k8s'] as const;
export type ProbeType = (typeof PROBE_TYPES)[number];
/**
 * When a probe runs. Before/After: once around the steps; Edge: both;
 * Continuous: before, after and every interval during the steps; OnChaos:
 * every interval during the steps only.
 */
export const PROBE_MODES = ['Before', 'After', 'Edge', 'Continuous', 'OnChaos'] as const;
export type ProbeMode = (typeof PROBE_MODES)[number];
export const COMPARATORS = ['<', '<=', '>', '>=', '==', '!='] as const;
export type Comparator = (typeof COMPARATORS)[number];
export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'ReplicaSet'] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: {
    key: string;
    operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
    values?: string[];
  }[];
}

export interface WorkloadRef {
  kind: WorkloadKind;
  name: string;
}

export interface Target {
  namespace: string;
  selector: LabelSelector;
  /** The workload whose replicas must all be Ready again for a step to count as recovered. */
  workload?: WorkloadRef;
}

export interface HttpProbe {
  url: string;
  method?: 'GET' | 'HEAD' | 'POST';
  expectedStatus?: number[];
}

export interface PromqlProbe {
  /** Base URL of a Prometheus HTTP API (the operator calls `<url>/api/v1/query`). */
  url: string;
  query: string;
  comparator: Comparator;
  threshold: number;
}

export interface K8sProbe {
  kind: WorkloadKind;
  name: string;
  /** Defaults to the target namespace. */
  namespace?: string;
  minReadyReplicas: number;
}

export interface ProbeSpec {
  name: string;
  type: ProbeType;
  mode: ProbeMode;
  /** Between runs during the steps, e.g. `2s`. */
  interval?: string;
  timeout?: string;
  http?: HttpProbe;
  promql?: PromqlProbe;
  k8s?: K8sProbe;
}

export interface NetworkParams {
  latency?: string;
  jitter?: string;
  /** Percent of packets dropped, as Chaos Mesh writes it ("30"). */
  loss?: string;
  correlation?: string;
  direction?: 'to' | 'from' | 'both';
  /** The other side of a partition (or of a directed delay). */
  target?: { namespace: string; selector: LabelSelector; mode?: SelectorMode; value?: string };
  externalTargets?: string[];
}

export interface StressParams {
  cpu?: { workers: number; load?: number };
  memory?: { workers: number; size?: string };
}

export interface StepSpec {
  name: string;
  action: Action;
  mode: SelectorMode;
  /** Count for `fixed`, percent for `fixed-percent` and `random-max-percent`. */
  value?: string;
  /**
   * How long the fault lasts (Chaos Mesh actions that last) or, for the
   * instant kills, how long the step keeps watching after the kill.
   */
  duration?: string;
  gracePeriodSeconds?: number;
  containerNames?: string[];
  network?: NetworkParams;
  stress?: StressParams;
}

export interface AbortSpec {
  /** Abort after this many failed probe runs in a row (any probe). */
  maxConsecutiveProbeFailures?: number;
  /** Abort once failed/total probe runs during the steps exceeds this. */
  maxErrorRatio?: number;
  /** Probe runs needed before maxErrorRatio is judged. */
  minSamples?: number;
}

export interface ChaosScenarioSpec {
  target: Target;
  steadyState?: { probes: ProbeSpec[] };
  steps: StepSpec[];
  abort?: AbortSpec;
  /** Longest wait for all replicas Ready after a step; default 5m. */
  recoveryTimeout?: string;
  /** Longest wait for a deleted Chaos Mesh object before its finalizers are removed; default 30s. */
  cleanupTimeout?: string;
  /** Validate and probe, but inject nothing (Chaos Mesh objects are sent with dryRun=All). */
  dryRun?: boolean;
  /**
   * Cron (5 fields, or 6 with seconds first): the scenario becomes a template
   * and each tick runs a child ChaosScenario with the same spec.
   */
  schedule?: string;
  /** What a tick does while a child still runs: Forbid (skip, default), Allow, Replace. */
  concurrencyPolicy?: ConcurrencyPolicy;
  /** Finished children kept (default 3). */
  historyLimit?: number;
}

export const CONCURRENCY_POLICIES = ['Allow', 'Forbid', 'Replace'] as const;
/** Spec fields of a scheduled template that its child runs do not carry. */
export const SCHEDULE_FIELDS = ['schedule', 'concurrencyPolicy', 'historyLimit'] as const;
export type ConcurrencyPolicy = (typeof CONCURRENCY_POLICIES)[number];

export interface ObjectMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  generation?: number;
  resourceVersion?: string;
  finalizers?: string[];
  deletionTimestamp?: string | Date;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface ChaosScenario {
  apiVersion: typeof API_VERSION;
  kind: typeof KIND;
  metadata: ObjectMeta;
  spec: ChaosScenarioSpec;
  status?: ScenarioStatus;
}

export * from './status-types';
