import { existsSync, readFileSync } from 'node:fs';

// The runner (make demo) and the test control plane (libs/k8s-harness) both start
// long-lived children in their own process groups and must find, after a SIGKILL of
// their parent, which of those are still theirs. These are the primitives they share.

/** True while `pid` exists (signal 0 checks without sending anything). */
export function isAlive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The process's command line, arguments separated by spaces ('' when it is gone). */
export function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/**
 * Signals the process group `pid` leads; a process that no longer leads one (it was
 * re-parented, or setsid failed) gets the signal alone. False when neither exists.
 */
export function signalGroup(pid: number | undefined, signal: NodeJS.Signals): boolean {
  if (!pid) return false;
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, signal);
      return true;
    } catch {
      // try the process alone, then give up: it is gone
    }
  }
  return false;
}

/**
 * SIGKILLs the group of `pid` only when its command line still contains `marker`:
 * a pid from an old file may by now belong to somebody else's process.
 */
export function killLeftover(pid: number | undefined, marker: string): boolean {
  if (!pid || !isAlive(pid) || !cmdline(pid).includes(marker)) return false;
  return signalGroup(pid, 'SIGKILL');
}

/**
 * The pid on a pid file's first line, when it is a positive integer (alive or not).
 * First line: PostgreSQL's postmaster.pid goes on with its data folder, port and more.
 */
export function readPidFile(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0].trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** The last `lines` lines of a log file, for an error message ('(no log)' when unreadable). */
export function tailFile(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
