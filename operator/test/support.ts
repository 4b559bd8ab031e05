// Over 250 lines: the operator suites' one harness (control plane, namespaces, workloads, scenarios, operator fixture, probe target).
import * as k8s from '@kubernetes/client-node';
import { ChaosScenario, ChaosScenarioSpec, GROUP, PLURAL, VERSION } from '@ha-shop/chaos-scenario';
import { ControlPlane, installCrds, startControlPlane, thirdPartyCrds, waitFor } from '@ha-shop/k8s-harness';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ChaosOperator, OperatorOptions } from '../src';

const run = promisify(execFile);
export const CRD_FILE = join(__dirname, '../deploy/chaosscenario-crd.yaml');
export const SCENARIOS = { group: GROUP, version: VERSION, plural: PLURAL };
export { waitFor };

export interface Cluster {
  cp: ControlPlane;
  kc: k8s.KubeConfig;
  core: k8s.CoreV1Api;
  apps: k8s.AppsV1Api;
  custom: k8s.CustomObjectsApi;
  coordination: k8s.CoordinationV1Api;
}

/** A fresh control plane with the ChaosScenario CRD (and, on request, Chaos Mesh's real CRDs) installed. */
export async function startCluster(opts: { chaosMesh?: boolean; crd?: boolean } = {}): Promise<Cluster> {
  const cp = await startControlPlane({ log: (m) => console.log(`operator test: ${m}`) });
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(cp.kubeconfigPath);
  const c: Cluster = {
    cp,
    kc,
    core: kc.makeApiClient(k8s.CoreV1Api),
    apps: kc.makeApiClient(k8s.AppsV1Api),
    custom: kc.makeApiClient(k8s.CustomObjectsApi),
    coordination: kc.makeApiClient(k8s.CoordinationV1Api),
  };
  const files: string[] = [];
  if (opts.crd !== false) files.push(CRD_FILE);
  if (opts.chaosMesh) files.push((await thirdPartyCrds()).chaosMesh);
  if (files.length) await installCrds(cp, files);
  return c;
}

export async function kubectl(cp: ControlPlane, args: string[]): Promise<string> {
  try {
    const { stdout } = await run(cp.bin('kubectl'), args, {
      env: cp.env,
      timeout: 120_000,
      maxBuffer: 16 << 20,
    });
    return stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`kubectl ${args.join(' ')} failed: ${e.stderr || e.message}`);
  }
}

export async function createNamespace(c: Cluster, prefix: string): Promise<string> {
  const name = `${prefix}-${randomBytes(3).toString('hex')}`;
  await c.core.createNamespace({ body: { metadata: { name } } });
  await waitFor(`ServiceAccount default in ${name}`, () =>
    c.core.readNamespacedServiceAccount({ name: 'default', namespace: name }).then(() => true),
  );
  return name;
}

/** A Deployment of pause containers; on kwok nodes its pods turn Running and Ready without running anything. */
export async function createDeployment(
  c: Cluster,
  namespace: string,
  name: string,
  replicas: number,
): Promise<void> {
  const labels = { app: name };
  await c.apps.createNamespacedDeployment({
    namespace,
    body: {
      metadata: { name, labels },
      spec: {
        replicas,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            terminationGracePeriodSeconds: 0,
            containers: [{ name: 'main', image: 'registry.k8s.io/pause:3.10' }],
          },
        },
      },
    },
  });
  await waitFor(
    `${replicas} ready ${name} pods`,
    async () => (await readyPods(c, namespace, name)).length === replicas,
    {
      timeoutMs: 120_000,
    },
  );
}

export async function readyPods(c: Cluster, namespace: string, app: string): Promise<k8s.V1Pod[]> {
  const list = await c.core.listNamespacedPod({ namespace, labelSelector: `app=${app}` });
  return list.items.filter(
    (p) =>
      !p.metadata?.deletionTimestamp &&
      p.status?.phase === 'Running' &&
      p.status.conditions?.some((x) => x.type === 'Ready' && x.status === 'True'),
  );
}

export function scenario(name: string, namespace: string, spec: ChaosScenarioSpec): ChaosScenario {
  return { apiVersion: `${GROUP}/${VERSION}`, kind: 'ChaosScenario', metadata: { name, namespace }, spec };
}

export async function createScenario(c: Cluster, s: ChaosScenario): Promise<ChaosScenario> {
  return (await c.custom.createNamespacedCustomObject({
    ...SCENARIOS,
    namespace: s.metadata.namespace as string,
    body: s,
    fieldValidation: 'Strict',
  })) as ChaosScenario;
}

export async function getScenario(c: Cluster, namespace: string, name: string): Promise<ChaosScenario> {
  return (await c.custom.getNamespacedCustomObject({ ...SCENARIOS, namespace, name })) as ChaosScenario;
}

/** Waits for the scenario to satisfy `check`; the timeout only bounds a hung test. */
export async function waitForScenario(
  c: Cluster,
  namespace: string,
  name: string,
  what: string,
  check: (s: ChaosScenario) => boolean,
  timeoutMs = 150_000,
): Promise<ChaosScenario> {
  let last: ChaosScenario | undefined;
  try {
    return await waitFor(
      `${name}: ${what}`,
      async () => {
        last = await getScenario(c, namespace, name);
        return check(last) ? last : undefined;
      },
      { timeoutMs, intervalMs: 200 },
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}\nlast status: ${JSON.stringify(last?.status, null, 1)}`);
  }
}

export const completed = (s: ChaosScenario) => s.status?.phase === 'Completed';

/** An operator in this process, with timings short enough for a test. */
/** What the action tests share: a cluster, a namespace with one Deployment, a probe target, a leading operator. */
export interface OperatorFixture {
  c: Cluster;
  ns: string;
  op: ChaosOperator;
  probe: ProbeTarget;
}

export async function startOperatorFixture(opts: {
  chaosMesh?: boolean;
  namespace: string;
  app: string;
  replicas: number;
  identity: string;
}): Promise<OperatorFixture> {
  const f: Partial<OperatorFixture> = { c: await startCluster({ chaosMesh: opts.chaosMesh }) };
  try {
    const c = f.c!;
    f.ns = await createNamespace(c, opts.namespace);
    f.probe = await ProbeTarget.start();
    await createDeployment(c, f.ns, opts.app, opts.replicas);
    const op = (f.op = await startOperator(c, opts.identity));
    await waitFor('leadership', () => op.isLeader);
    return f as OperatorFixture;
  } catch (err) {
    await stopOperatorFixture(f);
    throw err;
  }
}

export async function stopOperatorFixture(f: Partial<OperatorFixture>): Promise<void> {
  await f.op?.stop();
  await f.probe?.close();
  await f.c?.cp.stop();
}

export function startOperator(c: Cluster, identity: string, extra: Partial<OperatorOptions> = {}) {
  return ChaosOperator.start(c.kc, {
    identity,
    leaseNamespace: 'default',
    leaseDurationMs: 6_000,
    renewDeadlineMs: 4_000,
    retryPeriodMs: 500,
    tickMs: 250,
    resyncMs: 60_000,
    watchSilenceMs: 60_000,
    httpPort: 0,
    httpHost: '127.0.0.1',
    log: (m) => console.log(`[${identity}] ${m}`),
    ...extra,
  });
}

export async function scenarioEvents(
  c: Cluster,
  namespace: string,
  name: string,
): Promise<k8s.CoreV1Event[]> {
  const list = await c.core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.name=${name}` });
  return list.items;
}

export async function metricsText(op: ChaosOperator): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${op.httpPort}/metrics`);
  return res.text();
}

/** The steady-state target of HTTP probes: a loopback server whose answer the test switches. */
export class ProbeTarget {
  status = 200;
  hits = 0;
  private constructor(private readonly server: Server) {}

  static async start(): Promise<ProbeTarget> {
    const server = createServer();
    const target = new ProbeTarget(server);
    server.on('request', (_req, res) => {
      target.hits++;
      res.writeHead(target.status, { 'content-type': 'text/plain' });
      res.end(String(target.status));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return target;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/health`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

export function errorMessage(err: unknown): string {
  const body = (err as { body?: unknown }).body;
  try {
    const status = (typeof body === 'string' ? JSON.parse(body) : body) as { message?: string };
    return status.message ?? String(body);
  } catch {
    return String(body ?? err);
  }
}
