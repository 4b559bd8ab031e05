import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cmdline, isAlive, killLeftover } from '@ha-shop/os-process';

interface Registry {
  runner: number;
  /** Replica id -> pid (undefined while restarting); `postgres` holds its port. */
  processes: Record<string, number | undefined>;
}

/**
 * `<data-dir>/run/pids.json`: which runner owns the data folder and which processes
 * it started. Replicas run in their own process groups, so a runner killed with
 * SIGKILL leaves them behind; the next runner stops them before starting its own.
 */
export class ProcessRegistry {
  private readonly file: string;
  private state: Registry = { runner: process.pid, processes: {} };
  private writeTimer?: NodeJS.Timeout;

  constructor(dir: string) {
    mkdirSync(dir, { recursive: true });
    this.file = join(dir, 'pids.json');
  }

  /** Refuses a data folder another live runner uses; stops what a dead one left. */
  claim(): void {
    if (existsSync(this.file)) {
      const previous = JSON.parse(readFileSync(this.file, 'utf8')) as Registry;
      if (
        previous.runner !== process.pid &&
        isAlive(previous.runner) &&
        cmdline(previous.runner).includes('runner')
      ) {
        throw new Error(`another runner (pid ${previous.runner}) is using this data folder; stop it first`);
      }
      for (const [id, pid] of Object.entries(previous.processes)) {
        if (id !== 'postgres' && !killLeftover(pid, 'dist/main.js')) killLeftover(pid, 'next');
      }
    }
    this.flush();
  }

  record(id: string, pid: number | undefined): void {
    if (this.state.processes[id] === pid) return;
    this.state.processes[id] = pid;
    // Coalesce bursts (every replica changes state during start).
    this.writeTimer ??= setTimeout(() => {
      this.writeTimer = undefined;
      this.flush();
    }, 200);
  }

  release(): void {
    clearTimeout(this.writeTimer);
    rmSync(this.file, { force: true });
  }

  private flush(): void {
    writeFileSync(this.file, JSON.stringify(this.state, null, 2) + '\n');
  }
}
