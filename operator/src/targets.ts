import * as k8s from '@kubernetes/client-node';
import { ChaosScenario, Observation, WorkloadKind } from '@ha-shop/chaos-scenario';
import { ignoreNotFound, Kube, selectorString } from './kube';

export function isReady(pod: k8s.V1Pod): boolean {
  return (
    !pod.metadata?.deletionTimestamp &&
    pod.status?.phase === 'Running' &&
    (pod.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True')
  );
}

export async function readyReplicas(kube: Kube, kind: WorkloadKind, namespace: string, name: string) {
  type Scaled = { spec?: { replicas?: number }; status?: { readyReplicas?: number } };
  const read: () => Promise<Scaled> = {
    Deployment: () => kube.apps.readNamespacedDeployment({ name, namespace }),
    StatefulSet: () => kube.apps.readNamespacedStatefulSet({ name, namespace }),
    ReplicaSet: () => kube.apps.readNamespacedReplicaSet({ name, namespace }),
  }[kind];
  const w = await ignoreNotFound(read);
  return w ? { desired: w.spec?.replicas ?? 1, ready: w.status?.readyReplicas ?? 0 } : undefined;
}

/** What the state machine needs to know about the target: its Ready pods and the replicas wanted. */
export async function observeTarget(kube: Kube, scenario: ChaosScenario): Promise<Observation> {
  const { target } = scenario.spec;
  const pods = await kube.core.listNamespacedPod({
    namespace: target.namespace,
    labelSelector: selectorString(target.selector),
  });
  const readyPods = pods.items
    .filter(isReady)
    .map((p) => {
      const since = p.status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime;
      return {
        name: p.metadata?.name ?? '',
        uid: p.metadata?.uid ?? '',
        readySince: since ? new Date(since).getTime() : undefined,
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
  const workload = target.workload
    ? await readyReplicas(kube, target.workload.kind, target.namespace, target.workload.name)
    : undefined;
  return { readyPods, desiredReplicas: workload?.desired };
}

/**
 * The native pod-delete. Preconditions on the uid make a retried delete
 * (after a restart) a no-op for a pod that has already been replaced by one
 * with the same name (StatefulSets), instead of killing the replacement.
 */
export async function deletePods(
  kube: Kube,
  namespace: string,
  names: string[],
  uids: string[],
  gracePeriodSeconds?: number,
): Promise<void> {
  for (const [i, name] of names.entries()) {
    try {
      await kube.core.deleteNamespacedPod({
        name,
        namespace,
        gracePeriodSeconds,
        body: { preconditions: { uid: uids[i] }, gracePeriodSeconds },
      });
    } catch (err) {
      const code = (err as { code?: number }).code;
      if (code !== 404 && code !== 409) throw err;
    }
  }
}
