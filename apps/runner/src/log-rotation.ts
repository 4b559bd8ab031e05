import { copyFileSync, existsSync, readdirSync, renameSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';

const MAX_LOG_BYTES = 50 * 1024 * 1024;
const TRIM_EVERY_MS = 60_000;

/** Before a replica starts: keeps one previous log when it grew large. */
export function rotateLog(file: string): void {
  if (existsSync(file) && statSync(file).size > MAX_LOG_BYTES) renameSync(file, `${file}.1`);
}

/**
 * A demo left running logs every probe: keep each log under MAX_LOG_BYTES. The replicas
 * append (O_APPEND), so truncating in place is safe; the previous content goes to `.1`.
 * Returns the function that stops trimming.
 */
export function trimLogsPeriodically(dir: string): () => void {
  const timer = setInterval(() => trimLogs(dir), TRIM_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}

function trimLogs(dir: string): void {
  for (const name of readdirSync(dir)) {
    const file = join(dir, name);
    if (!name.endsWith('.log') || statSync(file).size <= MAX_LOG_BYTES) continue;
    copyFileSync(file, `${file}.1`);
    truncateSync(file, 0);
  }
}
