export { startControlPlane, EXTERNAL_KUBECONFIG_ENV } from './control-plane';
export type { ControlPlane, StartOptions } from './control-plane';
export { ensureBinaries, cachedBinaries, BUILD_SCRIPT, BINARY_NAMES } from './binaries';
export type { Binaries, BinaryName } from './binaries';
export { waitFor } from './kube-api';
export { installCrds, thirdPartyCrds, waitEstablished, CRDS_SCRIPT } from './crds';
export type { ThirdPartyCrds } from './crds';
