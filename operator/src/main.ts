import * as k8s from '@kubernetes/client-node';
import { optionsFromEnv } from './config';
import { ChaosOperator } from './operator';

// In a pod: the in-cluster service account; from a laptop (`make operator-run`): KUBECONFIG.
async function main(): Promise<void> {
  const kc = new k8s.KubeConfig();
  kc.loadFromDefault();
  const options = optionsFromEnv(process.env);
  const operator = await ChaosOperator.start(kc, options);
  options.log(
    `chaos operator ${operator.identity} started (lease ${options.leaseNamespace}/${options.leaseName}, ` +
      `watching ${options.watchNamespaces.join(', ') || 'all namespaces'}, http :${operator.httpPort ?? '-'})`,
  );
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    options.log(`${signal}: releasing the lease and stopping`);
    const force = setTimeout(() => process.exit(1), 20_000);
    force.unref();
    operator.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
