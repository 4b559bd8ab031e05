// Behind `make k8s-up` / `make k8s-down`: the same control plane as the tests,
// kept running in the background for a human with kubectl and helm.
//
//   node libs/k8s-harness/dist/cli.js up|down|status [--state-dir DIR] [--nodes N]
import { spawn } from 'node:child_process';
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { isAlive, killLeftover, readPidFile, tailFile } from '@ha-shop/os-process';
import { ensureBinaries, REPO_ROOT } from './binaries';
import { startControlPlane } from './control-plane';

interface State {
  pid: number;
  kubeconfig: string;
  startupMs: number;
  binDir: string;
}

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const stateDir = resolve(
  flag('state-dir') ?? process.env.HA_SHOP_K8S_STATE_DIR ?? join(REPO_ROOT, '.k8s/control-plane'),
);
const nodes = Number(flag('nodes') ?? 3);
const files = {
  pid: join(stateDir, 'daemon.pid'),
  state: join(stateDir, 'state.json'),
  kubeconfig: join(stateDir, 'kubeconfig'),
  log: join(stateDir, 'daemon.log'),
  run: join(stateDir, 'run'),
};

const info = (msg: string) => process.stderr.write(`k8s: ${msg}\n`);

function daemonPid(): number | undefined {
  const pid = readPidFile(files.pid);
  return isAlive(pid) ? pid : undefined;
}

function readState(): State | undefined {
  return existsSync(files.state) ? (JSON.parse(readFileSync(files.state, 'utf8')) as State) : undefined;
}

async function up(): Promise<number> {
  const state = readState();
  if (daemonPid() && state) {
    info(`already running (pid ${state.pid})`);
    console.log(state.kubeconfig);
    return 0;
  }
  await down(true);
  mkdirSync(stateDir, { recursive: true });
  await ensureBinaries(); // in the foreground, so a first build's progress and errors are visible
  const logFd = openSync(files.log, 'w');
  const daemon = spawn(
    process.execPath,
    [__filename, 'serve', '--state-dir', stateDir, '--nodes', `${nodes}`],
    {
      detached: true,
      stdio: ['ignore', logFd, logFd],
    },
  );
  closeSync(logFd);
  daemon.unref();
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    const s = readState();
    if (s) {
      info(`control plane up in ${(s.startupMs / 1000).toFixed(1)} s (pid ${s.pid}, log ${files.log})`);
      info(`kubectl/helm are in ${s.binDir}; use: export KUBECONFIG=${s.kubeconfig}`);
      console.log(s.kubeconfig);
      return 0;
    }
    if (daemon.exitCode !== null || !isAlive(daemon.pid)) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  info(`failed to start; last log lines:\n${tailFile(files.log, 40)}`);
  await down(true);
  return 1;
}

async function serve(): Promise<number> {
  writeFileSync(files.pid, `${process.pid}\n`);
  rmSync(files.run, { recursive: true, force: true });
  let stopping = false;
  const cp = await startControlPlane({ dir: files.run, nodes, forceLocal: true, log: (m) => console.log(m) });
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    console.log('stopping');
    await cp.stop();
    for (const f of [files.state, files.kubeconfig, files.pid]) rmSync(f, { force: true });
    process.exit(0);
  };
  // Prepended so the state files are cleaned up; the harness' own handler then
  // SIGKILLs the components, which is fine for a throwaway cluster.
  for (const s of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.prependListener(s, () => void shutdown());
  copyFileSync(cp.kubeconfigPath, files.kubeconfig);
  const state: State = {
    pid: process.pid,
    kubeconfig: files.kubeconfig,
    startupMs: cp.startupMs,
    binDir: (await ensureBinaries()).binDir,
  };
  writeFileSync(files.state, JSON.stringify(state, null, 2));
  setInterval(() => undefined, 1 << 30); // stay alive until signalled
  return new Promise(() => undefined);
}

/** Stops the daemon; leftover components (daemon SIGKILLed) are killed only if their command line names our run dir. */
async function down(quiet = false): Promise<number> {
  const pid = daemonPid();
  if (pid) {
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + 30_000;
    while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  }
  const pidsFile = join(files.run, 'pids');
  if (existsSync(pidsFile)) {
    for (const p of readFileSync(pidsFile, 'utf8').split('\n').filter(Boolean).map(Number)) {
      killLeftover(p, files.run);
    }
  }
  for (const f of [files.state, files.kubeconfig, files.pid, files.run])
    rmSync(f, { recursive: true, force: true });
  if (!quiet) info(pid ? `stopped (pid ${pid})` : 'not running');
  return 0;
}

function status(): number {
  const state = readState();
  if (daemonPid() && state) {
    info(`running (pid ${state.pid})`);
    console.log(state.kubeconfig);
    return 0;
  }
  info('not running');
  return 3;
}

const commands: Record<string, () => Promise<number> | number> = { up, down: () => down(), status, serve };
const command = commands[args[0] ?? ''];
if (!command) {
  info('usage: cli.js up|down|status [--state-dir DIR] [--nodes N]');
  process.exit(2);
}
Promise.resolve(command()).then(
  (code) => {
    if (args[0] !== 'serve') process.exit(code);
  },
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
