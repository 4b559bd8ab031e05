import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const ROOT = resolve(__dirname, '..', '..');
const run = promisify(execFile);

// The shoppers scenario runs k6, built from source (minutes on a fresh machine, then cached):
// built here, where no test timeout applies, rather than inside the smoke's time budget.
export default async function setup(): Promise<void> {
  const script = join(ROOT, 'apps', 'runner', 'scripts', 'install-k6.sh');
  try {
    await run('bash', [script], { maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`the bench smoke needs k6: bash ${script} failed\n${e.stderr ?? e.message}`);
  }
}
