import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './binaries';
import type { ControlPlane } from './control-plane';

const run = promisify(execFile);

export const CRDS_SCRIPT = join(REPO_ROOT, 'scripts/third-party-crds.sh');

/** The real CRDs of the third-party projects, one multi-document YAML file each. */
export interface ThirdPartyCrds {
  dir: string;
  istio: string;
  chaosMesh: string;
  prometheusOperator: string;
  cloudnativePg: string;
}

let pending: Promise<ThirdPartyCrds> | undefined;

/**
 * Fetches the pinned CRDs from the Go module proxy into the per-user cache
 * (seconds the first time, then instant) and returns their file paths.
 */
export function thirdPartyCrds(): Promise<ThirdPartyCrds> {
  pending ??= run('bash', [CRDS_SCRIPT], { maxBuffer: 1 << 20 })
    .then(({ stdout }) => {
      const dir = stdout.trim().split('\n').pop() ?? '';
      return {
        dir,
        istio: join(dir, 'istio.yaml'),
        chaosMesh: join(dir, 'chaos-mesh.yaml'),
        prometheusOperator: join(dir, 'prometheus-operator.yaml'),
        cloudnativePg: join(dir, 'cloudnative-pg.yaml'),
      };
    })
    .catch((err: unknown) => {
      pending = undefined;
      throw err;
    });
  return pending;
}

/**
 * Applies CRD manifests in one server-side kubectl run and waits until every CRD is
 * Established. No client-side schema checks (the API server validates CRDs itself):
 * CRD installs are the slowest part of a test file's setup.
 */
export async function installCrds(cp: ControlPlane, files: string[]): Promise<void> {
  const kubectl = async (args: string[]) => {
    try {
      await run(cp.bin('kubectl'), args, { env: cp.env, timeout: 180_000, maxBuffer: 16 << 20 });
    } catch (err) {
      const e = err as { stderr?: string; message: string };
      throw new Error(`kubectl ${args.slice(0, 2).join(' ')} failed: ${e.stderr || e.message}`);
    }
  };
  await kubectl([
    'apply',
    '--server-side',
    '--force-conflicts',
    '--validate=false',
    ...files.flatMap((f) => ['-f', f]),
  ]);
  await waitEstablished(cp, ['crd', '--all']);
}

/**
 * `kubectl wait --for=condition=Established`, retried while a CRD has no status yet:
 * kubectl then fails at once ("accessor error: <nil> is of the type <nil>") instead of
 * waiting, which a busy API server makes likely right after an apply.
 */
export async function waitEstablished(
  cp: ControlPlane,
  target: string[],
  timeoutMs = 120_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const leftS = Math.max(1, Math.ceil((deadline - Date.now()) / 1000));
    try {
      await run(
        cp.bin('kubectl'),
        ['wait', '--for=condition=Established', `--timeout=${leftS}s`, ...target],
        {
          env: cp.env,
          timeout: leftS * 1000 + 30_000,
          maxBuffer: 16 << 20,
        },
      );
      return;
    } catch (err) {
      const e = err as { stderr?: string; message: string };
      const stderr = e.stderr || e.message;
      if (!stderr.includes('accessor error') || Date.now() > deadline)
        throw new Error(`kubectl wait --for=condition=Established failed: ${stderr}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
