// Relative: globalSetup is loaded before the project's aliases apply.
import { ensureBinaries, EXTERNAL_KUBECONFIG_ENV, thirdPartyCrds } from '../../libs/k8s-harness/src';

// Builds (or finds) the control-plane binaries and the third-party CRDs once
// before any test file starts, so no file's hooks pay for it.
export default async function setup(): Promise<void> {
  await thirdPartyCrds();
  if (process.env[EXTERNAL_KUBECONFIG_ENV] && process.env.HA_SHOP_K8S_BUILD !== '1') return;
  const bin = await ensureBinaries();
  console.log(`operator tests: binaries in ${bin.binDir}`);
}
