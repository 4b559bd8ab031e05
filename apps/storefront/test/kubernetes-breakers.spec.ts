import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { freePort } from '@ha-shop/os-process';
import { waitFor } from '@ha-shop/testkit';
import { ResilienceMetrics } from '../../../libs/resilience/src/metrics';
import { breakersFromPrometheus } from '../src/lib/architecture/kubernetes-breakers';
import { instantQuery } from '../src/lib/architecture/prometheus';

const ROOT = resolve(__dirname, '..', '..', '..');

// /architecture's breakers in a cluster: replicas export circuit_breaker_state with the
// resilience library's own metrics, the real Prometheus (Debian's) scrapes them with the labels
// kube-prometheus-stack gives (namespace, service), and the dashboard reads them back.
describe('breaker states from Prometheus (kubernetes source)', () => {
  let prometheus: ChildProcess;
  let dir: string;
  let url: string;
  const servers: Server[] = [];
  const replicas: ResilienceMetrics[] = [];

  async function replica(): Promise<string> {
    const metrics = new ResilienceMetrics(new Registry());
    replicas.push(metrics);
    const server = createServer((_req, res) => {
      void metrics.registry.metrics().then((body) => {
        res.setHeader('content-type', metrics.registry.contentType);
        res.end(body);
      });
    });
    servers.push(server);
    const port = await freePort();
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    return `127.0.0.1:${port}`;
  }

  beforeAll(async () => {
    execFileSync('bash', [join(ROOT, 'scripts', 'ensure-prometheus.sh')], { stdio: 'inherit' });
    const [a, b, other] = [await replica(), await replica(), await replica()];
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    dir = mkdtempSync(join(tmpdir(), 'ha-shop-breakers-prometheus-'));
    const job = (name: string, targets: string[], namespace: string) => ({
      job_name: name,
      scrape_interval: '1s',
      static_configs: [{ targets, labels: { namespace, service: 'checkout-service' } }],
    });
    writeFileSync(
      join(dir, 'prometheus.yml'),
      stringify({
        global: { scrape_interval: '1s' },
        // Another release's checkout in another namespace: never mixed into this one's.
        scrape_configs: [job('shop', [a, b], 'shop'), job('other', [other], 'other')],
      }),
    );
    prometheus = spawn(
      'prometheus',
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { stdio: 'ignore' },
    );
    await waitFor(
      () =>
        fetch(`${url}/-/ready`).then(
          (r) => r.ok,
          () => false,
        ),
      { what: 'Prometheus ready', timeoutMs: 60_000, intervalMs: 200 },
    );
  });

  afterAll(async () => {
    prometheus?.kill('SIGTERM');
    for (const s of servers) await new Promise((r) => s.close(r));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('shows each dependency closed, then the worst state and on how many replicas when they disagree', async () => {
    const [a, b, other] = replicas;
    for (const m of replicas) {
      m.initDependency('product-service');
      m.initDependency('payment-service');
    }
    other.setBreakerState('product-service', 'open');
    // Two replicas × two dependencies here, two more series in the other namespace.
    await waitFor(async () => (await instantQuery(url, 'count(circuit_breaker_state) == 6')).length === 1, {
      what: 'every replica scraped',
      timeoutMs: 30_000,
      intervalMs: 250,
    });
    const closed = await breakersFromPrometheus(url, 'shop');
    expect([...closed.keys()]).toEqual(['checkout-service']);
    expect(closed.get('checkout-service')).toEqual({
      'payment-service': 'closed',
      'product-service': 'closed',
    });

    a.setBreakerState('product-service', 'open');
    b.setBreakerState('payment-service', 'half-open');
    a.setBreakerState('payment-service', 'half-open');
    // Each replica is scraped on its own schedule: wait until all three changed series are
    // in Prometheus, or a half-scraped state would be read as the answer.
    await waitFor(
      async () =>
        (await instantQuery(url, 'count(circuit_breaker_state{namespace="shop"} != 0) == 3')).length === 1,
      { what: 'the changed breakers scraped', timeoutMs: 30_000, intervalMs: 250 },
    );
    const opened = (await breakersFromPrometheus(url, 'shop')).get('checkout-service');
    expect(opened).toEqual({ 'payment-service': 'half-open', 'product-service': 'open on 1 of 2' });
  });

  it('fails when Prometheus does not answer (the source then shows breakers as unknown)', async () => {
    const closedPort = await freePort();
    await expect(breakersFromPrometheus(`http://127.0.0.1:${closedPort}`, 'shop')).rejects.toThrow();
  });
});
