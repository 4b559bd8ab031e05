import * as k8s from '@kubernetes/client-node';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { ControlPlane, waitFor } from '../src';

const run = promisify(execFile);

export interface Clients {
  kc: k8s.KubeConfig;
  core: k8s.CoreV1Api;
  apps: k8s.AppsV1Api;
  apiext: k8s.ApiextensionsV1Api;
  custom: k8s.CustomObjectsApi;
}

export function clients(cp: ControlPlane): Clients {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(cp.kubeconfigPath);
  return {
    kc,
    core: kc.makeApiClient(k8s.CoreV1Api),
    apps: kc.makeApiClient(k8s.AppsV1Api),
    apiext: kc.makeApiClient(k8s.ApiextensionsV1Api),
    custom: kc.makeApiClient(k8s.CustomObjectsApi),
  };
}

/** A fresh namespace, ready for pods (its default ServiceAccount exists). */
export async function createNamespace(c: Clients, prefix: string): Promise<string> {
  const name = `${prefix}-${randomBytes(3).toString('hex')}`;
  await c.core.createNamespace({ body: { metadata: { name } } });
  await waitFor(`ServiceAccount default in ${name}`, () =>
    c.core.readNamespacedServiceAccount({ name: 'default', namespace: name }).then(() => true),
  );
  return name;
}

export function deployment(name: string, replicas: number): k8s.V1Deployment {
  const labels = { app: name };
  return {
    metadata: { name, labels },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        // A real image, so the same test also passes on k3d where containers do run.
        spec: { containers: [{ name: 'main', image: 'registry.k8s.io/pause:3.10' }] },
      },
    },
  };
}

export async function runningPods(c: Clients, namespace: string, app: string): Promise<k8s.V1Pod[]> {
  const list = await c.core.listNamespacedPod({ namespace, labelSelector: `app=${app}` });
  return list.items.filter((p) => p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp);
}

/** HTTP status of a failed client-node call (ApiException.code). */
export async function statusOf(call: Promise<unknown>): Promise<number> {
  try {
    await call;
    return 200;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'number') return code;
    throw err;
  }
}

/** The Status message of a failed client-node call. */
export function errorMessage(err: unknown): string {
  const body = (err as { body?: unknown }).body;
  try {
    const status = (typeof body === 'string' ? JSON.parse(body) : body) as { message?: string };
    return status.message ?? String(body);
  } catch {
    return String(body ?? err);
  }
}

/** Runs helm or kubectl against the control plane; rejects with stderr on failure. */
export async function tool(cp: ControlPlane, name: 'helm' | 'kubectl', args: string[]): Promise<string> {
  try {
    const { stdout } = await run(cp.bin(name), args, { env: cp.env, timeout: 120_000 });
    return stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`${name} ${args.join(' ')} failed: ${e.stderr || e.message}`);
  }
}

export interface WatchEvent {
  type: string;
  name: string;
}

/** Records pod watch events until stopped. */
export async function watchPods(c: Clients, namespace: string, labelSelector: string) {
  const events: WatchEvent[] = [];
  let error: unknown;
  const controller = await new k8s.Watch(c.kc).watch(
    `/api/v1/namespaces/${namespace}/pods`,
    { labelSelector },
    (type, obj: k8s.V1Pod) => events.push({ type, name: obj.metadata?.name ?? '' }),
    (err) => (error = err),
  );
  return { events, error: () => error, stop: () => controller.abort() };
}
