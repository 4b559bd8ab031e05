import { ChildProcess, execFile, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBinaries, EXTERNAL_KUBECONFIG_ENV, startControlPlane, waitFor } from '../src';

// Issue 7: the harness tears everything down, with no orphaned processes, even
// when the test process dies. Linux only (reads /proc), like the harness itself.

const run = promisify(execFile);
const COMPONENTS = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok'];

interface Proc {
  pid: number;
  name: string;
  /** Start time in clock ticks since boot: tells a reused pid from the original. */
  startTime: string;
}

interface Stat {
  state: string;
  ppid: number;
  pgrp: number;
  startTime: string;
}

function stat(pid: number): Stat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // "pid (comm) state ppid pgrp ...": comm may contain spaces, so split after the last ')'.
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: f[0], ppid: Number(f[1]), pgrp: Number(f[2]), startTime: f[19] };
}

function cmdline(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return [];
  }
}

/**
 * Still running. A zombie ("Z") has exited and holds no memory, ports or files;
 * it only waits to be reaped, and in containers whose init does not reap,
 * orphans stay zombies forever, so it counts as gone.
 */
function running(p: Proc): boolean {
  const s = stat(p.pid);
  return !!s && s.startTime === p.startTime && s.state !== 'Z' && s.state !== 'X';
}

function procOf(pid: number, name = basename(cmdline(pid)[0] ?? '?')): Proc {
  const s = stat(pid);
  if (!s) throw new Error(`process ${pid} (${name}) is not running`);
  return { pid, name, startTime: s.startTime };
}

/** The components listed in `<dir>/pids` (each the leader of its own process group). */
function components(dir: string): Proc[] {
  return readFileSync(join(dir, 'pids'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => procOf(Number(line)));
}

/** The `sh` loop that kills the groups once its parent dies; its script names the pids file. */
function watchdog(dir: string): Proc {
  const pidsFile = join(dir, 'pids');
  const pids = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  const found = pids.map(Number).filter((pid) => {
    const argv = cmdline(pid);
    return argv[0] === 'sh' && argv.some((a) => a.includes(pidsFile));
  });
  expect(found, `watchdog for ${dir}`).toHaveLength(1);
  return procOf(found[0], 'watchdog');
}

/** Every process still running from the list, plus anything else left in their process groups. */
function survivors(procs: Proc[]): string[] {
  const groups = new Set(procs.map((p) => p.pid));
  const left = procs.filter(running).map((p) => `${p.name} (pid ${p.pid})`);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const s = stat(pid);
    if (s && groups.has(s.pgrp) && !groups.has(pid) && s.state !== 'Z') {
      left.push(`${cmdline(pid).join(' ')} (pid ${pid}, group ${s.pgrp})`);
    }
  }
  return left;
}

/** Cleanup after a failed assertion, so that this test itself leaves nothing behind. */
function killGroups(procs: Proc[]): void {
  for (const p of procs.filter(running)) {
    try {
      process.kill(-p.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

async function expectAllGone(procs: Proc[], timeoutMs: number): Promise<number> {
  const started = Date.now();
  await waitFor('every component process gone', () => survivors(procs).length === 0, {
    timeoutMs,
    intervalMs: 100,
  }).catch(() => undefined);
  expect(survivors(procs), 'processes still running').toEqual([]);
  return Date.now() - started;
}

describe.skipIf(!!process.env[EXTERNAL_KUBECONFIG_ENV])('k8s control plane teardown', () => {
  const leftovers: { procs: Proc[]; dir?: string; child?: ChildProcess }[] = [];

  afterAll(() => {
    for (const { procs, dir, child } of leftovers) {
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      killGroups(procs);
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stop() ends every component and the watchdog and removes the work dir', async () => {
    const cp = await startControlPlane({ forceLocal: true });
    const dir = cp.dir!;
    const procs = components(dir);
    const dog = watchdog(dir);
    leftovers.push({ procs: [...procs, dog], dir });

    expect(procs.map((p) => p.name).sort()).toEqual([...COMPONENTS].sort());
    for (const p of procs) {
      expect(running(p), `${p.name} running before stop()`).toBe(true);
      expect(stat(p.pid)?.ppid, `${p.name} is a child of the test process`).toBe(process.pid);
      expect(stat(p.pid)?.pgrp, `${p.name} leads its own process group`).toBe(p.pid);
    }

    await cp.stop();

    // stop() has awaited every component's exit; the watchdog gets a SIGKILL without a wait.
    expect(survivors(procs)).toEqual([]);
    await expectAllGone([dog], 5_000);
    expect(existsSync(dir), `work dir ${dir} removed`).toBe(false);
  });

  describe('when the process that started it is killed with SIGKILL', () => {
    let harness: string;
    let out: string;
    let binDir: string;

    beforeAll(async () => {
      // The child runs plain Node, so it gets the harness compiled from the current
      // sources (not a possibly stale dist/), with its one workspace dependency beside
      // it as a package. Outside the repo, binaries.js cannot find the build script, so
      // the child is handed the bin dir instead.
      binDir = (await ensureBinaries()).binDir;
      out = mkdtempSync(join(tmpdir(), 'ha-shop-k8s-harness-js-'));
      const swc = createRequire(__filename).resolve('@swc/cli/bin/swc.js');
      const compile = (lib: string, dest: string) =>
        run(
          process.execPath,
          [swc, 'src', '-d', dest, '--strip-leading-paths', '--config-file', '../../.swcrc', '--quiet'],
          { cwd: resolve(__dirname, '../..', lib), timeout: 120_000 },
        );
      const osProcess = join(out, 'node_modules/@ha-shop/os-process');
      await compile('os-process', join(osProcess, 'dist'));
      copyFileSync(resolve(__dirname, '../../os-process/package.json'), join(osProcess, 'package.json'));
      await compile('k8s-harness', join(out, 'harness'));
      harness = join(out, 'harness', 'index.js');
    });

    afterAll(() => {
      if (out) rmSync(out, { recursive: true, force: true });
    });

    it('the watchdog kills every component and removes the work dir', async () => {
      const child = spawn(
        process.execPath,
        [resolve(__dirname, 'fixtures/hold-control-plane.cjs'), harness],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
          env: { ...process.env, HA_SHOP_K8S_BIN_DIR: binDir },
        },
      );
      const entry: (typeof leftovers)[number] = { procs: [], child };
      leftovers.push(entry);
      const exited = new Promise<NodeJS.Signals | null>((r) =>
        child.once('exit', (_code, signal) => r(signal)),
      );

      const { dir } = await firstLine<{ dir: string }>(child, 120_000);
      entry.dir = dir;
      const procs = components(dir);
      const dog = watchdog(dir);
      entry.procs = [...procs, dog];

      expect(procs.map((p) => p.name).sort()).toEqual([...COMPONENTS].sort());
      for (const p of entry.procs) {
        expect(running(p), `${p.name} running before the kill`).toBe(true);
        expect(stat(p.pid)?.ppid, `${p.name} is a child of the killed process`).toBe(child.pid);
      }

      // SIGKILL: no exit or signal handler of the child runs; only the watchdog can clean up.
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');

      // The watchdog polls once a second, kills the groups, waits a second and removes the dir.
      const goneMs = await expectAllGone(procs, 15_000);
      await expectAllGone([dog], 10_000);
      await waitFor(`work dir ${dir} removed`, () => !existsSync(dir), {
        timeoutMs: 10_000,
        intervalMs: 100,
      });
      console.log(`k8s-harness: watchdog cleaned up ${goneMs} ms after SIGKILL`);
    });
  });
});

/** Resolves with the first stdout line parsed as JSON; rejects with stderr if the child exits first. */
function firstLine<T>(child: ChildProcess, timeoutMs: number): Promise<T> {
  return new Promise((resolveLine, reject) => {
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(
      () => reject(new Error(`no output after ${timeoutMs} ms:\n${stderr}`)),
      timeoutMs,
    );
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      const nl = stdout.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      resolveLine(JSON.parse(stdout.slice(0, nl)) as T);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`child exited (${code ?? signal}) before it was ready:\n${stderr}`));
    });
  });
}
