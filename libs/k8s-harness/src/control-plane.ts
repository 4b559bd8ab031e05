import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { freePorts, tailFile } from '@ha-shop/os-process';
import { Binaries, cachedBinaries, ensureBinaries } from './binaries';
import { componentSpecs, kwokNode, Layout } from './components';
import { KubeApi, waitFor } from './kube-api';
import { writeKubeconfig } from './kubeconfig';
import { generatePki } from './pki';
import { killOnExit, ProcessSet } from './processes';
import { etcdHealthy, nodesReady, ok } from './readiness';

export interface StartOptions {
  /** Simulated nodes to create (default 3). */
  nodes?: number;
  /** Work dir for certs, etcd data and logs (default: a fresh temp dir). */
  dir?: string;
  /** Keep the work dir after stop() (it is always kept when start fails). */
  keepDir?: boolean;
  /** Default 120 s: generous because two cores may be busy with other tests. */
  timeoutMs?: number;
  log?: (message: string) => void;
  /** Skip the HA_SHOP_KUBECONFIG check and always start a local control plane. */
  forceLocal?: boolean;
  /** Who chooses the components' ports, per attempt (default: freePorts). For tests. */
  choosePorts?: (count: number, attempt: number) => Promise<number[]>;
}

export interface ControlPlane {
  /** Kubeconfig for kubectl, helm and @kubernetes/client-node. */
  readonly kubeconfigPath: string;
  /** True when HA_SHOP_KUBECONFIG pointed at an existing cluster (k3d); stop() leaves it running. */
  readonly external: boolean;
  /** Names of the simulated nodes (empty for an external cluster). */
  readonly nodeNames: string[];
  /** Work dir with logs (undefined for an external cluster). */
  readonly dir: string | undefined;
  /** Milliseconds from start call to ready. */
  readonly startupMs: number;
  /** Env for child processes: KUBECONFIG, private HELM_* dirs, built binaries first on PATH. */
  readonly env: NodeJS.ProcessEnv;
  /** Path of a built tool, or its bare name (PATH lookup) when not built. */
  bin(name: 'kubectl' | 'helm'): string;
  /**
   * Stops kube-apiserver and starts it again on the same port with the same
   * etcd, resolving once /readyz answers: clients see their watches and
   * connections drop, as in a control-plane upgrade. Rejects for an external cluster.
   */
  restartApiServer(): Promise<void>;
  stop(): Promise<void>;
}

export const EXTERNAL_KUBECONFIG_ENV = 'HA_SHOP_KUBECONFIG';

/**
 * Starts etcd, kube-apiserver, kube-controller-manager, kube-scheduler and
 * kwok on free loopback ports, creates simulated nodes and resolves once they
 * are Ready and pods can be admitted. With HA_SHOP_KUBECONFIG set it starts
 * nothing and hands back that cluster instead.
 */
export async function startControlPlane(opts: StartOptions = {}): Promise<ControlPlane> {
  const external = process.env[EXTERNAL_KUBECONFIG_ENV];
  if (external && !opts.forceLocal) return externalCluster(resolve(external));
  // Between choosing a free port and a component's bind, something else can take the port; a
  // fresh start on fresh ports is then the whole fix. Not with a caller's dir, which is kept.
  const attempts = opts.dir ? 1 : START_ATTEMPTS;
  for (let attempt = 1; ; attempt++) {
    try {
      return await startLocal(opts, attempt);
    } catch (err) {
      if (!(err instanceof StartError) || !err.portTaken || attempt >= attempts) throw err;
      rmSync(err.dir, { recursive: true, force: true });
      opts.log?.(`a port was taken before its component bound it; starting again on fresh ports`);
    }
  }
}

const START_ATTEMPTS = 3;

class StartError extends Error {
  constructor(
    message: string,
    readonly dir: string,
    readonly portTaken: boolean,
  ) {
    super(message);
  }
}

async function startLocal(opts: StartOptions, attempt: number): Promise<ControlPlane> {
  const started = Date.now();
  const log = opts.log ?? (() => undefined);
  const bin = await ensureBinaries();
  const dir = opts.dir ? resolve(opts.dir) : mkdtempSync(join(tmpdir(), 'ha-shop-k8s-'));
  mkdirSync(dir, { recursive: true });
  const procs = new ProcessSet(dir);
  const untrack = killOnExit(procs);
  procs.startWatchdog(!opts.keepDir);

  try {
    const timeoutMs = opts.timeoutMs ?? 120_000;
    const deadline = Date.now() + timeoutMs;
    const remaining = () => Math.max(1_000, deadline - Date.now());
    const [etcdClient, etcdPeer, apiserver, controllerManager, scheduler, kwok] = await (
      opts.choosePorts ?? freePorts
    )(6, attempt);
    const ports = { etcdClient, etcdPeer, apiserver, controllerManager, scheduler, kwok };
    const pki = await generatePki(join(dir, 'pki'));
    const server = `https://127.0.0.1:${ports.apiserver}`;
    const layout: Layout = { dir, pki, kubeconfig: join(dir, 'kubeconfig') };
    writeKubeconfig(layout.kubeconfig, server, pki.caCert, pki.adminCert, pki.adminKey);
    const api = new KubeApi(server, { ca: pki.caCert, cert: pki.adminCert, key: pki.adminKey });
    const alive = () => procs.assertAlive();
    const [etcdSpec, apiSpec, ...rest] = componentSpecs(bin, ports, layout);

    procs.start(etcdSpec.name, etcdSpec.command, etcdSpec.args);
    const etcdHealth = new KubeApi(`http://127.0.0.1:${ports.etcdClient}`, {});
    await waitFor('etcd', () => etcdHealthy(etcdHealth), { timeoutMs: remaining(), onPoll: alive });
    log(`etcd ready after ${Date.now() - started} ms`);

    procs.start(apiSpec.name, apiSpec.command, apiSpec.args);
    await waitFor(
      'kube-apiserver /readyz',
      async () => (await api.request('GET', '/readyz')).status === 200,
      {
        timeoutMs: remaining(),
        onPoll: alive,
      },
    );
    log(`kube-apiserver ready after ${Date.now() - started} ms`);

    for (const spec of rest) procs.start(spec.name, spec.command, spec.args, spec.env);
    const nodeNames = Array.from({ length: opts.nodes ?? 3 }, (_, i) => `kwok-node-${i}`);
    for (const [i, name] of nodeNames.entries()) {
      const res = await api.request('POST', '/api/v1/nodes', kwokNode(name, i));
      if (res.status !== 201) throw new Error(`creating node ${name}: ${res.status} ${res.text}`);
    }

    const health = (port: number) => new KubeApi(`https://127.0.0.1:${port}`, {});
    const wait = { timeoutMs: remaining(), onPoll: alive };
    await Promise.all([
      waitFor(
        'kube-controller-manager /healthz',
        async () => ok(await health(ports.controllerManager).request('GET', '/healthz')),
        wait,
      ),
      waitFor(
        'kube-scheduler /readyz',
        async () => ok(await health(ports.scheduler).request('GET', '/readyz')),
        wait,
      ),
      // Proves the controller manager runs: pods cannot be admitted without it.
      waitFor(
        'the default ServiceAccount',
        async () => ok(await api.request('GET', '/api/v1/namespaces/default/serviceaccounts/default')),
        wait,
      ),
      waitFor('simulated nodes Ready and untainted', () => nodesReady(api, nodeNames), wait),
    ]);
    const startupMs = Date.now() - started;
    log(`control plane ready in ${startupMs} ms (${dir})`);

    const helmHome = join(dir, 'helm');
    let stopped: Promise<void> | undefined;
    return {
      kubeconfigPath: layout.kubeconfig,
      external: false,
      nodeNames,
      dir,
      startupMs,
      env: toolEnv(layout.kubeconfig, helmHome, bin),
      bin: (name) => bin.paths[name],
      restartApiServer: async () => {
        await procs.restart(apiSpec.name);
        await waitFor(
          'kube-apiserver /readyz after restart',
          async () => ok(await api.request('GET', '/readyz')),
          {
            timeoutMs: opts.timeoutMs ?? 120_000,
            onPoll: alive,
          },
        );
        log(`kube-apiserver restarted`);
      },
      stop: () =>
        (stopped ??= (async () => {
          await procs.stop();
          untrack();
          if (!opts.keepDir) rmSync(dir, { recursive: true, force: true });
        })()),
    };
  } catch (err) {
    await procs.stop(1_000);
    untrack();
    const logs = procs.components
      .map((c) => `--- ${c.name} (${c.logFile})\n${tailFile(c.logFile, 15)}`)
      .join('\n');
    const message = err instanceof Error ? err.message : String(err);
    throw new StartError(
      `control plane failed to start: ${message}\nwork dir kept: ${dir}\n${logs}`,
      dir,
      /address already in use/.test(logs),
    );
  }
}

function externalCluster(kubeconfigPath: string): ControlPlane {
  readFileSync(kubeconfigPath); // fail early with ENOENT rather than inside a test
  const bin = cachedBinaries();
  const helmHome = mkdtempSync(join(tmpdir(), 'ha-shop-helm-'));
  return {
    kubeconfigPath,
    external: true,
    nodeNames: [],
    dir: undefined,
    startupMs: 0,
    env: toolEnv(kubeconfigPath, helmHome, bin),
    bin: (name) => bin?.paths[name] ?? name,
    restartApiServer: () => Promise.reject(new Error('cannot restart the API server of an external cluster')),
    stop: async () => rmSync(helmHome, { recursive: true, force: true }),
  };
}

function toolEnv(kubeconfig: string, helmHome: string, bin: Binaries | undefined): NodeJS.ProcessEnv {
  const dirs = bin ? [...new Set([dirname(bin.paths.kubectl), dirname(bin.paths.helm)])] : [];
  return {
    ...process.env,
    KUBECONFIG: kubeconfig,
    // A private Helm home: no repositories or plugins from the developer's machine.
    HELM_CACHE_HOME: join(helmHome, 'cache'),
    HELM_CONFIG_HOME: join(helmHome, 'config'),
    HELM_DATA_HOME: join(helmHome, 'data'),
    PATH: [...dirs, process.env.PATH ?? ''].join(delimiter),
  };
}
