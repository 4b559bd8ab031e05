import { ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import type { ReplicaCommand } from './replica';

/**
 * Starts one replica process in its own process group (so a terminal's Ctrl-C reaches only
 * the runner, which then stops replicas in order), stdout and stderr appended to its log
 * behind a header line that marks where this run starts.
 */
export function spawnReplicaProcess(
  id: string,
  port: number,
  command: ReplicaCommand,
  logFile: string,
): ChildProcess {
  const fd = openSync(logFile, 'a');
  writeSync(fd, `\n===== ${new Date().toISOString()} ${id} starting on port ${port} =====\n`);
  try {
    return spawn(process.execPath, command.args, {
      cwd: command.cwd,
      env: { ...command.env, PORT: String(port) },
      stdio: ['ignore', fd, fd],
      detached: true,
    });
  } finally {
    closeSync(fd);
  }
}

/** Why a process ended, in words for the event log and status. */
export function exitReason(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal) return `killed by ${signal}`;
  return code === 0 ? 'exited (code 0)' : `crashed (exit code ${code})`;
}
