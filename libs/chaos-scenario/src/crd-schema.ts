import { probeRules, selectorRules, specRules, stepRules } from './crd-rules';
import { arr, bool, int, map, num, obj, oneOf, Schema, str, time } from './schema-dsl';
import {
  ACTIONS,
  COMPARATORS,
  CONCURRENCY_POLICIES,
  PHASES,
  PROBE_MODES,
  PROBE_TYPES,
  SELECTOR_MODES,
  STEP_PHASES,
  VERDICTS,
  WORKLOAD_KINDS,
} from './types';

/** Go-style durations without a sign: a negative duration cannot be written. */
export const DURATION_PATTERN = '^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$';
const duration = (description?: string): Schema =>
  str({ pattern: DURATION_PATTERN, maxLength: 32, description });
const name = (description?: string) => str({ maxLength: 63, minLength: 1, description });
const percentOrCount = str({ pattern: '^[0-9]+$', maxLength: 6 });

const labelSelector = (description: string) =>
  obj(
    {
      matchLabels: map(str({ maxLength: 63 })),
      matchExpressions: arr(
        obj(
          {
            key: str({ maxLength: 317 }),
            operator: oneOf(['In', 'NotIn', 'Exists', 'DoesNotExist']),
            values: arr(str({ maxLength: 63 }), 32),
          },
          { required: ['key', 'operator'] },
        ),
        16,
      ),
    },
    { description, rules: selectorRules },
  );

const workloadRef = obj({ kind: oneOf(WORKLOAD_KINDS), name: name() }, { required: ['kind', 'name'] });

const probe = obj(
  {
    name: name(),
    type: oneOf(PROBE_TYPES),
    mode: oneOf(PROBE_MODES),
    interval: duration('Between runs during the steps (default 2s).'),
    timeout: duration('Per run (default 2s).'),
    http: obj(
      {
        url: str({ maxLength: 2048, pattern: '^https?://' }),
        method: oneOf(['GET', 'HEAD', 'POST']),
        expectedStatus: arr(int({ minimum: 100, maximum: 599 }), 16),
      },
      { required: ['url'] },
    ),
    promql: obj(
      {
        url: str({
          maxLength: 2048,
          pattern: '^https?://',
          description: 'Base URL of a Prometheus HTTP API.',
        }),
        query: str({ maxLength: 4096, minLength: 1 }),
        comparator: oneOf(COMPARATORS),
        threshold: num(),
      },
      { required: ['url', 'query', 'comparator', 'threshold'] },
    ),
    k8s: obj(
      {
        kind: oneOf(WORKLOAD_KINDS),
        name: name(),
        namespace: name(),
        minReadyReplicas: int({ minimum: 0, maximum: 10_000 }),
      },
      { required: ['kind', 'name', 'minReadyReplicas'] },
    ),
  },
  { required: ['name', 'type', 'mode'], rules: probeRules },
);

const step = obj(
  {
    name: name(),
    action: oneOf(ACTIONS),
    mode: oneOf(SELECTOR_MODES),
    value: percentOrCount,
    duration: duration(),
    gracePeriodSeconds: int({ minimum: 0, maximum: 3600 }),
    containerNames: arr(name(), 16),
    network: obj({
      latency: duration(),
      jitter: duration(),
      loss: str({ pattern: '^(100|[0-9]{1,2})(\\.[0-9]+)?$', maxLength: 8 }),
      correlation: str({ pattern: '^(100|[0-9]{1,2})(\\.[0-9]+)?$', maxLength: 8 }),
      direction: oneOf(['to', 'from', 'both']),
      target: obj(
        {
          namespace: name(),
          selector: labelSelector('Pods on the other side.'),
          mode: oneOf(SELECTOR_MODES),
          value: percentOrCount,
        },
        { required: ['namespace', 'selector'] },
      ),
      externalTargets: arr(str({ maxLength: 253 }), 32),
    }),
    stress: obj({
      cpu: obj(
        { workers: int({ minimum: 1, maximum: 64 }), load: int({ minimum: 1, maximum: 100 }) },
        { required: ['workers'] },
      ),
      memory: obj(
        {
          workers: int({ minimum: 1, maximum: 64 }),
          size: str({ pattern: '^[0-9]+(%|[KMG]B)?$', maxLength: 16 }),
        },
        { required: ['workers'] },
      ),
    }),
  },
  { required: ['name', 'action', 'mode'], rules: stepRules },
);

export const specSchema: Schema = obj(
  {
    target: obj(
      {
        namespace: name(),
        selector: labelSelector('The pods the steps act on.'),
        workload: workloadRef,
      },
      { required: ['namespace', 'selector'] },
    ),
    steadyState: obj({ probes: arr(probe, 16, { listMapKey: 'name' }) }, { required: ['probes'] }),
    steps: arr(step, 20, { minItems: 1, listMapKey: 'name' }),
    abort: obj({
      maxConsecutiveProbeFailures: int({ minimum: 1, maximum: 1000 }),
      maxErrorRatio: num({ minimum: 0, maximum: 1 }),
      minSamples: int({ minimum: 1, maximum: 10_000 }),
    }),
    recoveryTimeout: duration('Longest wait for all replicas Ready after a step (default 5m).'),
    cleanupTimeout: duration(
      'Longest wait for a deleted Chaos Mesh object before its finalizers go (default 30s).',
    ),
    dryRun: bool(),
    schedule: str({
      maxLength: 128,
      pattern: '^\\S+(\\s+\\S+){4,5}$',
      description: 'Cron, 5 fields (or 6 with seconds first); each tick runs a child scenario.',
    }),
    concurrencyPolicy: oneOf(CONCURRENCY_POLICIES),
    historyLimit: int({ minimum: 0, maximum: 100 }),
  },
  { required: ['target', 'steps'], rules: specRules },
);

const condition = obj(
  {
    type: str({ maxLength: 316 }),
    status: oneOf(['True', 'False', 'Unknown']),
    reason: str({ maxLength: 1024 }),
    message: str({ maxLength: 32768 }),
    observedGeneration: int({ minimum: 0 }),
    lastTransitionTime: time(),
  },
  { required: ['type', 'status', 'reason', 'message', 'lastTransitionTime'] },
);

const objectRef = obj({ apiVersion: str(), kind: str(), name: str(), namespace: str() });
const probeResult = oneOf(['Passed', 'Failed']);

export const statusSchema: Schema = obj({
  observedGeneration: int(),
  phase: oneOf(PHASES),
  verdict: oneOf(VERDICTS),
  reason: str({ maxLength: 1024 }),
  message: str({ maxLength: 32768 }),
  startedAt: time(),
  finishedAt: time(),
  currentStep: int(),
  baselineReplicas: int(),
  timeToRecoverySeconds: num(),
  errorRatio: num(),
  steps: arr(
    obj({
      name: str(),
      action: oneOf(ACTIONS),
      phase: oneOf(STEP_PHASES),
      targets: arr(str(), 1000),
      targetUids: arr(str(), 1000),
      objects: arr(objectRef, 16),
      injectedAt: time(),
      faultEndedAt: time(),
      recoveredAt: time(),
      timeToRecoverySeconds: num(),
      probeRuns: int(),
      probeFailures: int(),
      errorRatio: num(),
      message: str({ maxLength: 32768 }),
    }),
    20,
  ),
  probes: arr(
    obj({
      name: str(),
      mode: oneOf(PROBE_MODES),
      before: probeResult,
      after: probeResult,
      runs: int(),
      failures: int(),
      consecutiveFailures: int(),
      lastRunAt: time(),
      lastResult: probeResult,
      lastMessage: str({ maxLength: 32768 }),
    }),
    16,
  ),
  conditions: arr(condition, 16, { listMapKey: 'type' }),
  lastScheduleTime: time(),
  nextScheduleTime: time(),
  active: arr(str(), 100),
  lastRun: obj({ name: str(), verdict: oneOf(VERDICTS), finishedAt: time() }),
});
