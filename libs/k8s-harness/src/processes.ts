import { ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { signalGroup, tailFile } from '@ha-shop/os-process';

export interface Component {
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  logFile: string;
  child: ChildProcess;
  exited: Promise<number | null>;
  /** Set once the process has exited, whatever the reason. */
  exitCode?: number | null;
}

/**
 * Runs each component in its own process group so that everything it forks
 * can be killed as one, and records the group ids in `<dir>/pids` for a
 * watchdog that outlives a parent killed with SIGKILL.
 */
export class ProcessSet {
  readonly components: Component[] = [];
  private readonly pidsFile: string;
  private watchdog: ChildProcess | undefined;
  private stopping = false;

  constructor(private readonly dir: string) {
    this.pidsFile = join(dir, 'pids');
    appendFileSync(this.pidsFile, '');
  }

  /**
   * Kills the recorded groups once the current process disappears. A plain
   * `sh` loop, because Node offers no PR_SET_PDEATHSIG and a crashed or
   * SIGKILLed test worker must not leave an API server behind.
   */
  startWatchdog(removeDir: boolean): void {
    const script = [
      `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done`,
      `for p in $(cat '${this.pidsFile}' 2>/dev/null); do kill -KILL "-$p" 2>/dev/null; done`,
      removeDir ? `sleep 1; rm -rf '${this.dir}'` : 'true',
    ].join('; ');
    this.watchdog = spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' });
    this.watchdog.unref();
  }

  start(name: string, command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Component {
    const logFile = join(this.dir, `${name}.log`);
    const fd = openSync(logFile, 'a');
    try {
      const child = spawn(command, args, { detached: true, stdio: ['ignore', fd, fd], env });
      const component: Component = {
        name,
        command,
        args,
        env,
        logFile,
        child,
        exited: new Promise((resolve) => {
          child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : null)));
          child.once('error', (err) => {
            appendFileSync(logFile, `\nspawn failed: ${err.message}\n`);
            resolve(127);
          });
        }),
      };
      void component.exited.then((code) => (component.exitCode = code));
      // The parent must be able to exit while components still run (make k8s-up).
      child.unref();
      if (child.pid) appendFileSync(this.pidsFile, `${child.pid}\n`);
      this.components.push(component);
      return component;
    } finally {
      closeSync(fd);
    }
  }

  /**
   * Stops one component (SIGTERM, SIGKILL after the grace period) and starts
   * it again with the same command line, as a crashed or upgraded control
   * plane member would come back.
   */
  async restart(name: string, graceMs = 5_000): Promise<Component> {
    const old = this.components.find((c) => c.name === name && c.exitCode === undefined);
    if (!old) throw new Error(`no running component ${name}`);
    signalGroup(old.child.pid, 'SIGTERM');
    const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), graceMs).unref());
    if ((await Promise.race([old.exited, timer])) === 'timeout') signalGroup(old.child.pid, 'SIGKILL');
    await old.exited;
    this.components.splice(this.components.indexOf(old), 1);
    return this.start(name, old.command, old.args, old.env);
  }

  /** Throws with the log tail if any component has died, so waits fail fast. */
  assertAlive(): void {
    if (this.stopping) return;
    const dead = this.components.find((c) => c.exitCode !== undefined);
    if (dead) {
      throw new Error(`${dead.name} exited with ${dead.exitCode}:\n${tailFile(dead.logFile, 40)}`);
    }
  }

  /** SIGTERM every group, SIGKILL whatever is left after the grace period. */
  async stop(graceMs = 5_000): Promise<void> {
    this.stopping = true;
    const running = this.components.filter((c) => c.exitCode === undefined);
    for (const c of running) signalGroup(c.child.pid, 'SIGTERM');
    const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), graceMs).unref());
    await Promise.race([Promise.all(running.map((c) => c.exited)), timer]);
    for (const c of running) if (c.exitCode === undefined) signalGroup(c.child.pid, 'SIGKILL');
    await Promise.all(running.map((c) => c.exited));
    this.stopWatchdog();
  }

  /**
   * Last-resort cleanup from a synchronous exit or signal handler. The
   * watchdog stays: it removes the work dir once this process has gone and
   * the killed components can no longer write into it.
   */
  killNow(): void {
    this.stopping = true;
    for (const c of this.components) if (c.exitCode === undefined) signalGroup(c.child.pid, 'SIGKILL');
  }

  private stopWatchdog(): void {
    signalGroup(this.watchdog?.pid, 'SIGKILL');
    this.watchdog = undefined;
  }
}

const live = new Set<ProcessSet>();

/** Kills the set's components if this process ends first; the returned function stops that. */
export function killOnExit(procs: ProcessSet): () => void {
  live.add(procs);
  installExitHandlers();
  return () => live.delete(procs);
}

let handlersInstalled = false;

/** Kill components when the test process ends for any reason, including Ctrl-C. */
function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  const killAll = () => {
    for (const p of live) p.killNow();
    live.clear();
  };
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const handler = () => {
      killAll();
      process.off(signal, handler);
      // Without other listeners this re-raise takes the default action (exit).
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.on(signal, handler);
  }
}
