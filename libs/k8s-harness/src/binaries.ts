import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export const BINARY_NAMES = [
  'etcd',
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'kubectl',
  'kwok',
  'helm',
] as const;
export type BinaryName = (typeof BINARY_NAMES)[number];

/** Names setup-envtest ships; only these are taken from KUBEBUILDER_ASSETS. */
const ENVTEST_NAMES: readonly BinaryName[] = ['etcd', 'kube-apiserver', 'kubectl'];

export interface Binaries {
  /** Absolute path of each binary. */
  paths: Record<BinaryName, string>;
  /** The kwok Stage definitions (node and pod lifecycles) built next to the binaries. */
  kwokStages: string;
  /** The cache bin dir the build script produced (or HA_SHOP_K8S_BIN_DIR). */
  binDir: string;
}

/** libs/k8s-harness/{src,dist}/binaries.* -> repository root. */
export const REPO_ROOT = resolve(__dirname, '../../..');
export const BUILD_SCRIPT = join(REPO_ROOT, 'scripts/k8s-tools-build.sh');

let pending: Promise<Binaries> | undefined;

/**
 * Resolves the binaries, building them first if the versioned cache lacks
 * them (the first build takes many minutes; later calls take milliseconds).
 *
 * - HA_SHOP_K8S_BIN_DIR: use this dir instead of running the build script.
 * - KUBEBUILDER_ASSETS: etcd, kube-apiserver and kubectl are taken from there
 *   when present (setup-envtest output); the rest still come from the cache.
 */
export function ensureBinaries(): Promise<Binaries> {
  pending ??= resolveBinaries().catch((err: unknown) => {
    pending = undefined;
    throw err;
  });
  return pending;
}

async function resolveBinaries(): Promise<Binaries> {
  const binDir = process.env.HA_SHOP_K8S_BIN_DIR || (await runBuildScript());
  return fromBinDir(binDir);
}

/** Binaries only if they are already built; never triggers a build. */
export function cachedBinaries(): Binaries | undefined {
  if (process.env.HA_SHOP_K8S_BIN_DIR) return fromBinDir(process.env.HA_SHOP_K8S_BIN_DIR);
  if (!existsSync(BUILD_SCRIPT)) return undefined;
  const check = spawnSync('bash', [BUILD_SCRIPT, '--check'], { stdio: 'ignore' });
  if (check.status !== 0) return undefined;
  const out = spawnSync('bash', [BUILD_SCRIPT], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return out.status === 0 ? fromBinDir(lastLine(out.stdout)) : undefined;
}

function fromBinDir(binDir: string): Binaries {
  const assets = process.env.KUBEBUILDER_ASSETS;
  const paths = {} as Record<BinaryName, string>;
  const missing: string[] = [];
  for (const name of BINARY_NAMES) {
    const fromAssets = assets && ENVTEST_NAMES.includes(name) ? join(assets, name) : undefined;
    paths[name] = fromAssets && existsSync(fromAssets) ? fromAssets : join(binDir, name);
    if (!existsSync(paths[name])) missing.push(paths[name]);
  }
  if (missing.length) throw new Error(`missing control-plane binaries: ${missing.join(', ')}`);
  return { paths, binDir, kwokStages: join(dirname(binDir), 'share', 'kwok-stages.yaml') };
}

function runBuildScript(): Promise<string> {
  return new Promise((resolvePath, reject) => {
    // stderr passes through: a first build prints progress for many minutes.
    const child = spawn('bash', [BUILD_SCRIPT], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolvePath(lastLine(out));
      else reject(new Error(`${BUILD_SCRIPT} failed with exit code ${code}`));
    });
  });
}

function lastLine(s: string): string {
  return s.trim().split('\n').pop() ?? '';
}
