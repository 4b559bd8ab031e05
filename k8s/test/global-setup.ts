import { EXTERNAL_KUBECONFIG_ENV, ensureBinaries, thirdPartyCrds } from '@ha-shop/k8s-harness';

// Builds the control-plane binaries and fetches the third-party CRDs once, before any
// test file starts (minutes on a fresh machine, milliseconds from the cache).
export default async function setup(): Promise<void> {
  if (!process.env[EXTERNAL_KUBECONFIG_ENV] || process.env.HA_SHOP_K8S_BUILD === '1') await ensureBinaries();
  const crds = await thirdPartyCrds();
  console.log(`k8s: third-party CRDs in ${crds.dir}`);
}
