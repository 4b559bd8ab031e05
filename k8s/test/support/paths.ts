import { resolve } from 'node:path';
import { SERVICE_NAMES } from '../../../apps/runner/src/services';

export const REPO_ROOT = resolve(__dirname, '../../..');
export const CHARTS_DIR = resolve(REPO_ROOT, 'charts');
export const K8S_DIR = resolve(REPO_ROOT, 'k8s');
export const ENVIRONMENTS = ['dev', 'staging', 'production'] as const;
/** The shop's services, as the runner lists them. */
export const SERVICES = SERVICE_NAMES;
/** Every Deployment of the umbrella chart: the services and the storefront. */
export const WORKLOADS = [...SERVICES, 'storefront'] as const;
/** Every chart in charts/ that this project owns, library first. */
export const CHARTS = ['ha-shop-lib', ...WORKLOADS, 'ha-shop'] as const;

export function environmentValues(env: (typeof ENVIRONMENTS)[number]): string {
  return resolve(K8S_DIR, 'environments', `${env}.yaml`);
}
