import { spawn } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';

export interface CommandResult {
  code: number | null;
  /** The last lines of its output, for error messages. */
  tail: string;
}

/** Runs a one-shot Node script (migrate, seed, create-admin), its output appended to `logFile`. */
export function runNodeScript(
  script: string,
  opts: { cwd: string; env: Record<string, string>; logFile: string; timeoutMs?: number; args?: string[] },
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const fd = openSync(opts.logFile, 'a');
    writeSync(fd, `\n===== ${new Date().toISOString()} ${script} =====\n`);
    let tail = '';
    const child = spawn(process.execPath, [script, ...(opts.args ?? [])], {
      cwd: opts.cwd,
      env: opts.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const onData = (chunk: Buffer) => {
      writeSync(fd, chunk);
      tail = (tail + chunk.toString('utf8')).slice(-2000);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 180_000);
    child.once('error', (err) => {
      clearTimeout(timer);
      closeSync(fd);
      reject(err);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      closeSync(fd);
      resolve({ code, tail: tail.trim() });
    });
  });
}
