import { statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoadGenerator } from '../src/load/load-generator';
import { RunnerStatus } from '../src/scenario/runner-api';
import { screenshotGraph } from './prometheus-screenshot';
import { PrometheusApi } from './prometheus-support';
import { eventually, startRunner, TestRunner } from './support';

const SERVICE = 'product-service';
const READS = { browse: 1, search: 1, view: 1, cart: 0, checkout: 0 };

const replicasOf = (s: RunnerStatus) => s.services.find((x) => x.name === SERVICE)!.replicas;

/**
 * The runner's HPA under a bounded read spike on 127.0.0.1: product-service goes from
 * 2 to at least 3 replicas, new replicas get traffic only once ready, no idempotent
 * request fails (the client does not retry), and it drains back to 2 after the
 * scale-down window (shortened to 15 s by option; the demo's is 300 s).
 */
describe('autoscaler (real replicas, real load)', () => {
  let runner: TestRunner;

  beforeAll(async () => {
    runner = await startRunner(
      [
        '--services',
        'product-service,user-service',
        '--scrape-interval',
        '1',
        '--autoscale-target',
        '2',
        '--autoscale-sync-ms',
        '1000',
        '--autoscale-metric-window-ms',
        '3000',
        '--scale-down-window-s',
        '15',
      ],
      { prometheus: true, autoscale: true },
    );
  });
  afterAll(async () => {
    await runner?.stop();
  });

  it('scales product-service out under a spike and back to 2 after the window, failing no idempotent request', async () => {
    const before = await runner.api.status();
    expect(replicasOf(before)).toHaveLength(2);
    expect(before.autoscaler).toMatchObject({ targetInflightPerReplica: 2, scaleDownWindowSeconds: 15 });

    const spike = new LoadGenerator({
      baseUrl: runner.apiUrl,
      users: 14,
      thinkTimeMs: 0,
      weights: READS,
      retryIdempotent: false,
    });
    spike.setPhase('spike');
    // Whatever the new replicas report while not ready yet, collected as the test watches.
    const unreadyServed: number[] = [];
    let scaledTo = 0;
    await spike.start();
    try {
      await eventually(
        `${SERVICE} at >= 3 replicas, all ready`,
        async () => {
          const replicas = replicasOf(await runner.api.status());
          for (const r of replicas.slice(2)) if (!r.ready) unreadyServed.push(r.served);
          scaledTo = replicas.length;
          return replicas.length >= 3 && replicas.every((r) => r.routable) ? true : undefined;
        },
        120_000,
      );
      // The newcomers take their share once ready.
      await eventually(
        'a new replica serving requests',
        async () => (replicasOf(await runner.api.status())[2]?.served > 0 ? true : undefined),
        30_000,
      );
    } finally {
      await spike.close();
    }
    expect(scaledTo).toBeGreaterThanOrEqual(3);
    expect(unreadyServed.length, 'the new replica was seen starting').toBeGreaterThan(0);
    expect(unreadyServed.every((n) => n === 0)).toBe(true);

    // A trickle keeps going through the scale-in: draining must not fail it either.
    const trickle = new LoadGenerator({
      baseUrl: runner.apiUrl,
      users: 1,
      thinkTimeMs: 100,
      weights: READS,
      retryIdempotent: false,
    });
    trickle.setPhase('scale-in');
    await trickle.start();
    try {
      await runner.api.waitFor((s) => replicasOf(s).length === 2, 120_000, `${SERVICE} back to 2 replicas`);
      await sleep(1000);
    } finally {
      await trickle.close();
    }
    for (const [name, load] of [
      ['spike', spike],
      ['scale-in', trickle],
    ] as const) {
      const stats = load.stats.summary(name);
      expect(stats.idempotentRequests, name).toBeGreaterThan(20);
      expect(stats.idempotentFailed, `${name}: ${JSON.stringify(stats.failures)}`).toBe(0);
    }

    const events = (await fetch(`${runner.statusUrl}/events?limit=500`).then((r) => r.json())) as {
      events: Array<{ kind: string; message: string; service?: string; data?: Record<string, number> }>;
    };
    const decisions = events.events.filter((e) => e.kind === 'scale' && e.data?.to !== undefined);
    expect(decisions.some((e) => e.service === SERVICE && e.data!.to > e.data!.from)).toBe(true);
    expect(decisions.some((e) => e.service === SERVICE && e.data!.to === 2 && e.data!.from > 2)).toBe(true);
    expect(events.events.some((e) => e.kind === 'scale' && /draining/.test(e.message))).toBe(true);

    // The same story in Prometheus, from the runner's own /metrics.
    const prom = new PrometheusApi((await runner.api.status()).urls.prometheus!);
    const [peak] = await prom.query(`max_over_time(runner_desired_replicas{service="${SERVICE}"}[10m])`);
    expect(Number(peak.value[1])).toBeGreaterThanOrEqual(3);
    const [ready] = await prom.query(`max_over_time(runner_ready_replicas{service="${SERVICE}"}[10m])`);
    expect(Number(ready.value[1])).toBeGreaterThanOrEqual(3);
  });

  it('leaves a screenshot of Prometheus graphing the replicas through the spike', async () => {
    const prom = (await runner.api.status()).urls.prometheus!;
    const file = await screenshotGraph(
      prom,
      [
        `runner_ready_replicas{service="${SERVICE}"}`,
        `runner_desired_replicas{service="${SERVICE}"}`,
        `runner_inflight_requests{service="${SERVICE}"}`,
      ],
      'autoscale-replicas',
    );
    expect(statSync(file).size).toBeGreaterThan(10_000);
  });
});
