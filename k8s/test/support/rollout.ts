import * as k8s from '@kubernetes/client-node';

export interface DeploymentSample {
  name: string;
  desired: number;
  ready: number;
}

/**
 * Records every status change of the namespace's Deployments and Jobs through watches
 * (not polls, which could miss a short dip) until stopped.
 */
export async function watchRollout(kc: k8s.KubeConfig, namespace: string) {
  const samples: DeploymentSample[] = [];
  const jobs = new Map<string, { succeeded: boolean; completedAt?: Date }>();
  const errors: unknown[] = [];
  const watch = new k8s.Watch(kc);
  const deployments = await watch.watch(
    `/apis/apps/v1/namespaces/${namespace}/deployments`,
    {},
    (_type, d: k8s.V1Deployment) =>
      samples.push({
        name: d.metadata?.name ?? '',
        desired: d.spec?.replicas ?? 0,
        ready: d.status?.readyReplicas ?? 0,
      }),
    (err) => err && errors.push(err),
  );
  const jobWatch = await watch.watch(
    `/apis/batch/v1/namespaces/${namespace}/jobs`,
    {},
    (_type, j: k8s.V1Job) => {
      const name = j.metadata?.name ?? '';
      const seen = jobs.get(name) ?? { succeeded: false };
      seen.succeeded ||= (j.status?.succeeded ?? 0) > 0;
      seen.completedAt ??= j.status?.completionTime ? new Date(j.status.completionTime) : undefined;
      jobs.set(name, seen);
    },
    (err) => err && errors.push(err),
  );
  return {
    samples,
    jobs,
    errors,
    stop: () => {
      deployments.abort();
      jobWatch.abort();
    },
  };
}

/** The smallest ready-minus-desired seen per Deployment. */
export function worstHeadroom(samples: DeploymentSample[]): Record<string, number> {
  const worst: Record<string, number> = {};
  for (const s of samples) worst[s.name] = Math.min(worst[s.name] ?? Infinity, s.ready - s.desired);
  return worst;
}
