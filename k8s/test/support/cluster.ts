import * as k8s from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import {
  ControlPlane,
  installCrds as installCrdFiles,
  startControlPlane,
  thirdPartyCrds,
  waitFor,
} from '@ha-shop/k8s-harness';
import { mustRun, Toolbox } from './tools';

export type CrdSet = 'istio' | 'prometheusOperator' | 'cloudnativePg' | 'chaosMesh';

export interface Cluster extends Toolbox {
  cp: ControlPlane;
  kc: k8s.KubeConfig;
  core: k8s.CoreV1Api;
  apps: k8s.AppsV1Api;
  stop(): Promise<void>;
}

/** A real control plane with the real third-party CRDs installed and Established. */
export async function startCluster(crds: CrdSet[]): Promise<Cluster> {
  const cp = await startControlPlane({ log: (m) => console.log(`k8s: ${m}`) });
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(cp.kubeconfigPath);
  const cluster: Cluster = {
    cp,
    kc,
    core: kc.makeApiClient(k8s.CoreV1Api),
    apps: kc.makeApiClient(k8s.AppsV1Api),
    bin: (name) => cp.bin(name),
    env: cp.env,
    stop: () => cp.stop(),
  };
  try {
    if (crds.length) await installCrds(cluster, crds);
  } catch (err) {
    await cp.stop();
    throw err;
  }
  return cluster;
}

async function installCrds(cluster: Cluster, crds: CrdSet[]): Promise<void> {
  const files = await thirdPartyCrds();
  await installCrdFiles(
    cluster.cp,
    crds.map((set) => files[set]),
  );
}

/** A fresh namespace whose default ServiceAccount exists (pods can be admitted). */
export async function createNamespace(
  c: Cluster,
  prefix: string,
  labels: Record<string, string> = {},
): Promise<string> {
  const name = `${prefix}-${randomBytes(3).toString('hex')}`;
  await c.core.createNamespace({ body: { metadata: { name, labels } } });
  await waitFor(`ServiceAccount default in ${name}`, () =>
    c.core.readNamespacedServiceAccount({ name: 'default', namespace: name }).then(() => true),
  );
  return name;
}

/** Server-side dry-run of a manifest stream: admission, CRD schemas and strict field validation. */
export async function serverDryRun(c: Cluster, namespace: string, manifests: string): Promise<void> {
  await mustRun(
    c,
    'kubectl',
    [
      'apply',
      '--server-side',
      '--dry-run=server',
      '--field-manager=ha-shop-test',
      '--validate=strict',
      '-n',
      namespace,
      '-f',
      '-',
    ],
    { input: manifests },
  );
}
