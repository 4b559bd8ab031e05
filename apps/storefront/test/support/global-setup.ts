import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..', '..', '..');

/**
 * Before the browser tests: Debian's chromium (installed by apt-get when missing) and a
 * production build of the storefront. `nx run storefront:build` is cached by its inputs, so
 * an up-to-date `.next` costs a second and a stale one is rebuilt.
 */
export default function setup(): void {
  execFileSync('bash', [resolve(ROOT, 'scripts', 'install-chromium.sh')], { stdio: 'inherit' });
  execFileSync('npx', ['nx', 'run', 'storefront:build', '--outputStyle=static'], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, NX_DAEMON: 'false', NEXT_TELEMETRY_DISABLED: '1' },
  });
}
