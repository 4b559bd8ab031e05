import { Rule } from './schema-dsl';

// The CEL rules of the CRD, each with its TypeScript twin (see schema-dsl.ts): the
// cross-field constraints a structural schema cannot express.

const VALUE_MODES = ['fixed', 'fixed-percent', 'random-max-percent'];
const PERCENT_MODES = ['fixed-percent', 'random-max-percent'];
const LASTING_ACTIONS = [
  'pod-failure',
  'network-delay',
  'network-loss',
  'network-partition',
  'cpu-stress',
  'memory-stress',
];
const celList = (xs: string[]) => `[${xs.map((x) => `'${x}'`).join(', ')}]`;

export const selectorRules: Rule[] = [
  {
    rule: '(has(self.matchLabels) && size(self.matchLabels) > 0) || (has(self.matchExpressions) && size(self.matchExpressions) > 0)',
    message: 'an empty selector would match every pod in the namespace',
    check: (s) => Object.keys(s.matchLabels ?? {}).length > 0 || (s.matchExpressions ?? []).length > 0,
  },
];

export const modeRules: Rule[] = [
  {
    rule: `!(self.mode in ${celList(VALUE_MODES)}) || has(self.value)`,
    message: 'modes fixed, fixed-percent and random-max-percent need a value',
    check: (s) => !VALUE_MODES.includes(s.mode) || s.value !== undefined,
  },
  {
    rule: `!(self.mode in ${celList(PERCENT_MODES)}) || !has(self.value) || int(self.value) <= 100`,
    message: 'a percent value is at most 100',
    check: (s) => !PERCENT_MODES.includes(s.mode) || s.value === undefined || Number(s.value) <= 100,
  },
];

export const stepRules: Rule[] = [
  ...modeRules,
  {
    rule: `!(self.action in ${celList(LASTING_ACTIONS)}) || has(self.duration)`,
    message: 'this action lasts: it needs a duration',
    check: (s) => !LASTING_ACTIONS.includes(s.action) || s.duration !== undefined,
  },
  {
    rule: "self.action != 'network-delay' || (has(self.network) && has(self.network.latency))",
    message: 'network-delay needs network.latency',
    check: (s) => s.action !== 'network-delay' || s.network?.latency !== undefined,
  },
  {
    rule: "self.action != 'network-loss' || (has(self.network) && has(self.network.loss))",
    message: 'network-loss needs network.loss',
    check: (s) => s.action !== 'network-loss' || s.network?.loss !== undefined,
  },
  {
    rule: "self.action != 'network-partition' || (has(self.network) && (has(self.network.target) || has(self.network.externalTargets)))",
    message: 'network-partition needs network.target or network.externalTargets',
    check: (s) =>
      s.action !== 'network-partition' ||
      s.network?.target !== undefined ||
      s.network?.externalTargets !== undefined,
  },
  {
    rule: "self.action != 'cpu-stress' || (has(self.stress) && has(self.stress.cpu))",
    message: 'cpu-stress needs stress.cpu',
    check: (s) => s.action !== 'cpu-stress' || s.stress?.cpu !== undefined,
  },
  {
    rule: "self.action != 'memory-stress' || (has(self.stress) && has(self.stress.memory))",
    message: 'memory-stress needs stress.memory',
    check: (s) => s.action !== 'memory-stress' || s.stress?.memory !== undefined,
  },
  {
    rule: "self.action != 'container-kill' || (has(self.containerNames) && size(self.containerNames) > 0)",
    message: 'container-kill needs containerNames',
    check: (s) => s.action !== 'container-kill' || (s.containerNames ?? []).length > 0,
  },
  {
    rule: "!has(self.network) || self.action.startsWith('network-')",
    message: 'network parameters belong to network-* actions',
    check: (s) => s.network === undefined || String(s.action).startsWith('network-'),
  },
  {
    rule: "!has(self.stress) || self.action.endsWith('-stress')",
    message: 'stress parameters belong to cpu-stress and memory-stress',
    check: (s) => s.stress === undefined || String(s.action).endsWith('-stress'),
  },
  {
    rule: "!has(self.gracePeriodSeconds) || self.action in ['pod-delete', 'pod-kill']",
    message: 'gracePeriodSeconds applies to pod-delete and pod-kill only',
    check: (s) => s.gracePeriodSeconds === undefined || ['pod-delete', 'pod-kill'].includes(s.action),
  },
];

export const probeRules: Rule[] = [
  {
    rule: "has(self.http) == (self.type == 'http') && has(self.promql) == (self.type == 'promql') && has(self.k8s) == (self.type == 'k8s')",
    message: 'a probe carries the block of its type (http, promql or k8s) and no other',
    check: (s) =>
      (s.http !== undefined) === (s.type === 'http') &&
      (s.promql !== undefined) === (s.type === 'promql') &&
      (s.k8s !== undefined) === (s.type === 'k8s'),
  },
];

export const specRules: Rule[] = [
  {
    rule: '!has(self.concurrencyPolicy) || has(self.schedule)',
    message: 'concurrencyPolicy applies to a scheduled scenario only',
    check: (s) => s.concurrencyPolicy === undefined || s.schedule !== undefined,
  },
  {
    rule: '!has(self.historyLimit) || has(self.schedule)',
    message: 'historyLimit applies to a scheduled scenario only',
    check: (s) => s.historyLimit === undefined || s.schedule !== undefined,
  },
];
