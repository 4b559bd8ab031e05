import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const ROOT = resolve(__dirname, '..', '..', '..');
const run = promisify(execFile);

// What the Prometheus and Jaeger tests need, made once before any worker starts: Debian's
// prometheus (seconds) and Jaeger built from its Go module (minutes the first time, then
// from the cache). globalSetup has no timeout; a failure here says what to run by hand.
export default async function setup(): Promise<void> {
  for (const [what, script] of [
    ['prometheus', 'ensure-prometheus.sh'],
    ['jaeger', 'jaeger-build.sh'],
  ] as const) {
    try {
      const { stdout } = await run('bash', [join(ROOT, 'scripts', script)], { maxBuffer: 64 * 1024 * 1024 });
      console.log(`runner tests: ${what} at ${stdout.trim().split('\n').pop()}`);
    } catch (err) {
      const e = err as { stderr?: string; message: string };
      throw new Error(`runner tests need ${what}: bash scripts/${script} failed\n${e.stderr ?? e.message}`);
    }
  }
}
