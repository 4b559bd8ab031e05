import { basename } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrometheusApi } from './prometheus-support';
import { eventually, startRunner, TestRunner } from './support';

const ANALYTICS = 'analytics-service';

/**
 * `make demo`'s Prometheus against the real shop: file-based discovery of every replica,
 * the repository's rules, alerts mirrored into the status API. Scrapes and rule evaluation
 * every second (a config option); the rules' own `for:` durations are left as written, so
 * ServiceDown (`for: 1m`) takes a minute to fire here too.
 */
describe('demo Prometheus (real binary, real replicas)', () => {
  let runner: TestRunner;
  let prom: PrometheusApi;

  beforeAll(async () => {
    // Liveness relaxed so the frozen replicas below stay frozen instead of being restarted.
    runner = await startRunner(
      ['--scrape-interval', '1', '--liveness-period-ms', '60000', '--liveness-failures', '10'],
      { prometheus: true },
    );
    const status = await runner.api.status();
    expect(status.urls.prometheus).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    prom = new PrometheusApi(status.urls.prometheus!);
  });
  afterAll(async () => {
    await runner?.stop();
  });

  it('scrapes every replica as an up target labelled service and replica, and loads the repo rules', async () => {
    const status = await runner.api.status();
    const replicas = status.services.flatMap((s) => s.replicas.map((r) => ({ service: s.name, id: r.id })));
    expect(replicas).toHaveLength(10);
    await eventually(
      'every replica an up == 1 target',
      async () => {
        const up = await prom.query('up{job="ha-shop"} == 1');
        const seen = new Set(up.map((s) => `${s.metric.service}/${s.metric.replica}`));
        return replicas.every((r) => seen.has(`${r.service}/${r.id}`)) ? true : undefined;
      },
      30_000,
    );
    const targets = (await prom.targets()).filter((t) => t.scrapePool === 'ha-shop');
    expect(targets).toHaveLength(10);
    for (const r of replicas) {
      const port = status.services.flatMap((s) => s.replicas).find((x) => x.id === r.id)!.port;
      expect(targets.find((t) => t.labels.replica === r.id)?.labels).toMatchObject({
        service: r.service,
        instance: `127.0.0.1:${port}`,
      });
    }
    const files = (await prom.ruleFiles()).map((f) => basename(f)).sort();
    expect(files).toEqual([
      'availability.yml',
      'events-business.yml',
      'recording.yml',
      'resilience.yml',
      'slo.yml',
    ]);
    // The runner's own /metrics is scraped too (a sample may predate the last replica's readiness).
    await eventually(
      'runner_ready_replicas == 2 for every service in Prometheus',
      async () => {
        const r = await prom.query('runner_ready_replicas == 2');
        return r.length === 5 ? r : undefined;
      },
      30_000,
    );
  });

  it('sees a SIGKILLed replica go down and its target come back up', async () => {
    const id = 'product-service-1';
    await runner.api.chaos('kill', { service: 'product-service', replica: 1 });
    const killedAt = Date.now();
    await eventually(
      `${id} restarted, down in Prometheus since the kill, then up again`,
      async () => {
        const replica = (await runner.api.status()).services
          .flatMap((s) => s.replicas)
          .find((r) => r.id === id)!;
        if (replica.restarts < 1 || !replica.routable) return undefined;
        const since = `${Math.ceil((Date.now() - killedAt) / 1000) + 1}s`;
        const [down] = await prom.query(`min_over_time(up{replica="${id}"}[${since}])`);
        const [now] = await prom.query(`up{replica="${id}"}`);
        return down?.value[1] === '0' && now?.value[1] === '1' ? true : undefined;
      },
      60_000,
    );
  });

  it('fires ServiceDown while every replica of a service is stopped, shows it in the status API, and resolves it', async () => {
    // SIGSTOP both replicas: the processes exist but answer nothing, so every scrape fails.
    for (const replica of [1, 2])
      await runner.api.chaos('freeze', { service: ANALYTICS, replica, seconds: 240 });
    const firing = await eventually(
      'ServiceDown firing for analytics-service in the status API',
      async () => {
        const s = await runner.api.status();
        const alert = s.alerts.find((a) => a.name === 'ServiceDown' && a.service === ANALYTICS);
        return alert?.state === 'firing' ? alert : undefined;
      },
      150_000,
    );
    expect(firing.severity).toBe('critical');
    const inProm = await prom.alerts();
    expect(inProm.some((a) => a.labels.alertname === 'ServiceDown' && a.state === 'firing')).toBe(true);
    // The other services are fine: no ServiceDown for them.
    expect(inProm.filter((a) => a.labels.alertname === 'ServiceDown').map((a) => a.labels.service)).toEqual([
      ANALYTICS,
    ]);

    await runner.api.chaos('heal');
    await eventually(
      'ServiceDown resolved',
      async () => {
        const s = await runner.api.status();
        return s.alerts.some((a) => a.name === 'ServiceDown') ? undefined : true;
      },
      60_000,
    );
    const events = (await fetch(`${runner.statusUrl}/events?limit=500`).then((r) => r.json())) as {
      events: Array<{ kind: string; message: string; service?: string }>;
    };
    const alertEvents = events.events.filter((e) => e.kind === 'alert' && e.service === ANALYTICS);
    expect(alertEvents.map((e) => e.message)).toEqual(
      expect.arrayContaining([expect.stringContaining('ServiceDown firing'), 'alert ServiceDown resolved']),
    );
  });
});
