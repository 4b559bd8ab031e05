import { EXTERNAL_KUBECONFIG_ENV, ensureBinaries } from '../src';

// Builds the binaries once before any worker starts (minutes on a fresh
// machine, milliseconds from the cache). Against an external cluster only
// kubectl/helm could be needed, and those may come from PATH instead.
export default async function setup(): Promise<void> {
  if (process.env[EXTERNAL_KUBECONFIG_ENV] && process.env.HA_SHOP_K8S_BUILD !== '1') return;
  const bin = await ensureBinaries();
  console.log(`k8s-harness: binaries in ${bin.binDir}`);
}
