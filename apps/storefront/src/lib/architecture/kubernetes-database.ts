import * as k8s from '@kubernetes/client-node';
import type { ReleaseRef } from './kubernetes-workloads';
import type { ArchitectureSnapshot } from './snapshot';

/** The fields of a CloudNativePG Cluster (postgresql.cnpg.io/v1) the dashboard shows. */
interface CnpgCluster {
  metadata?: { name?: string };
  spec?: { instances?: number };
  status?: { instances?: number; readyInstances?: number; phase?: string; currentPrimary?: string };
}

const isNotFound = (err: unknown) => (err as { code?: number }).code === 404;

/**
 * The release's database as CloudNativePG reports it: phase, ready of desired instances and the
 * current primary from the Cluster's status, restarts summed over its instance pods. null when
 * the release has no CNPG Cluster (an external database, or the operator is not installed).
 */
export async function readReleaseDatabase(
  kc: k8s.KubeConfig,
  ref: ReleaseRef,
): Promise<ArchitectureSnapshot['database']> {
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const { namespace } = ref;
  let clusters: CnpgCluster[];
  try {
    const list = (await custom.listNamespacedCustomObject({
      group: 'postgresql.cnpg.io',
      version: 'v1',
      namespace,
      plural: 'clusters',
      labelSelector: `app.kubernetes.io/instance=${ref.release}`,
    })) as { items: CnpgCluster[] };
    clusters = list.items;
  } catch (err) {
    // No CRD: CloudNativePG is not installed, so the release cannot have a Cluster.
    if (isNotFound(err)) return null;
    throw err;
  }
  const cluster = clusters[0];
  const name = cluster?.metadata?.name;
  if (!name) return null;
  const pods = await core.listNamespacedPod({ namespace, labelSelector: `cnpg.io/cluster=${name}` });
  const restarts = pods.items.reduce(
    (n, p) => n + (p.status?.containerStatuses ?? []).reduce((m, c) => m + (c.restartCount ?? 0), 0),
    0,
  );
  const s = cluster.status ?? {};
  const desired = s.instances ?? cluster.spec?.instances ?? 0;
  const primary = s.currentPrimary ? `, primary ${s.currentPrimary}` : '';
  return {
    state: `${s.phase ?? 'no status yet'}: ${s.readyInstances ?? 0}/${desired} instances ready${primary}`,
    restarts,
  };
}
