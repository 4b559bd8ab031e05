import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '..', '..', '..');
export const RULES_DIR = join(REPO_ROOT, 'monitoring', 'prometheus', 'rules');

/**
 * promtool and prometheus from Debian's package, installed by scripts/ensure-prometheus.sh
 * when missing. Throws (never skips) with what to do when they cannot be had.
 */
export function ensurePrometheusTools(): void {
  try {
    execFileSync('bash', [join(REPO_ROOT, 'scripts', 'ensure-prometheus.sh')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(
      `promtool/prometheus are required by the monitoring tests and could not be installed.\n${stderr}\n` +
        `Install them with 'make prometheus-tools' (as root) or 'sudo apt-get install --no-install-recommends prometheus'.`,
    );
  }
}
