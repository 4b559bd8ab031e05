import { KubeApi } from './kube-api';

// What "ready" means for the components startControlPlane waits on (etcd, the API server, the nodes).

export function ok(res: { status: number }): boolean {
  return res.status === 200;
}

export async function etcdHealthy(api: KubeApi): Promise<boolean> {
  const res = await api.request<{ health?: string }>('GET', '/health');
  return res.status === 200 && res.json?.health === 'true';
}

interface NodeList {
  items: {
    metadata: { name: string };
    spec?: { taints?: { key: string }[] };
    status?: { conditions?: { type: string; status: string }[] };
  }[];
}

export async function nodesReady(api: KubeApi, names: string[]): Promise<boolean> {
  const res = await api.request<NodeList>('GET', '/api/v1/nodes');
  if (res.status !== 200) return false;
  const ready = res.json.items.filter(
    (n) =>
      n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') &&
      // TaintNodesByCondition adds this on create; the scheduler skips the node until the controller manager lifts it.
      !n.spec?.taints?.some((t) => t.key.startsWith('node.kubernetes.io/')),
  );
  return names.every((name) => ready.some((n) => n.metadata.name === name));
}
