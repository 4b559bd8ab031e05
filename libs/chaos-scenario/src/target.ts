import { Target } from './types';

/**
 * The application a target selects, by the labels the shop's charts set
 * (`app.kubernetes.io/name`, else `app`): how a runner without Kubernetes
 * finds the service a scenario means.
 */
export function targetAppName(target: Target): string | undefined {
  const labels = target.selector.matchLabels ?? {};
  return labels['app.kubernetes.io/name'] ?? labels.app;
}
