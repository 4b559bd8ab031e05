import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './binaries';

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
