export { ChaosOperator } from './operator';
export { defaultOptions, optionsFromEnv } from './config';
export type { OperatorOptions } from './config';
export { FINALIZER } from './reconciler';
export { chaosMeshObject, objectName, LABEL_SCENARIO, LABEL_SCENARIO_UID, LABEL_STEP } from './chaos-mesh';
export { COMPONENT } from './events';
