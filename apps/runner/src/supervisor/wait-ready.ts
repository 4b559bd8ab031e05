import { readFileSync } from 'node:fs';
import { Replica } from './replica';

/** Resolves when every replica is ready, or when `abort()` says to give up; throws after `timeoutMs`. */
export async function waitReady(
  replicas: Replica[],
  timeoutMs = 120_000,
  abort = () => false,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!replicas.every((r) => r.ready)) {
    if (abort()) return;
    if (Date.now() > deadline) {
      const notReady = replicas.filter((r) => !r.ready);
      const missing = notReady.map((r) => `${r.id} (${r.lastExit?.reason ?? r.state})`);
      // The replicas' own last words say why far better than "crashed (exit code 1)".
      const logs = notReady.map((r) => `--- ${r.id} (${r.opts.logFile}):\n${tailOf(r.opts.logFile)}`);
      throw new Error(
        `not ready after ${Math.round(timeoutMs / 1000)} s: ${missing.join(', ')}\n${logs.join('\n')}`,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

function tailOf(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
