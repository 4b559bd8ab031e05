import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunnerApi, RunnerStatus } from '../src/scenario/runner-api';
import { eventually, startRunner, TestRunner } from './support';

// Short liveness so a hung replica is killed within seconds (defaults: every 2 s, 5 in a row).
const LIVENESS_PERIOD_MS = 500;
const LIVENESS_FAILURES = 3;
// Far longer than failures x (probe timeout 1.5 s + period): only the liveness kill can end it early.
const FREEZE_SECONDS = 90;

const replica = (s: RunnerStatus, id: string) =>
  s.services.flatMap((svc) => svc.replicas).find((r) => r.id === id)!;

/**
 * Sequential GETs through the edge from a few workers, no client retries: what the edge
 * does not hide, the test sees. Bounded by `maxRequests` whatever happens.
 */
class ReadLoad {
  requests = 0;
  readonly failures: string[] = [];
  readonly servedBy = new Map<string, number>();
  private stopped = false;
  private readonly workers: Promise<void>[] = [];

  constructor(
    private readonly url: string,
    private readonly maxRequests = 5000,
  ) {}

  start(workers = 2): void {
    for (let i = 0; i < workers; i++) this.workers.push(this.loop());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.workers);
  }

  private async loop(): Promise<void> {
    while (!this.stopped && this.requests < this.maxRequests) {
      this.requests += 1;
      try {
        // Longer than the edge's attempt timeout (4 s) plus its one retry on the other replica.
        const res = await request(this.url, { method: 'GET', headersTimeout: 15_000, bodyTimeout: 15_000 });
        await res.body.dump();
        const by = String(res.headers['x-served-by'] ?? '?');
        this.servedBy.set(by, (this.servedBy.get(by) ?? 0) + 1);
        if (res.statusCode !== 200) this.failures.push(`HTTP ${res.statusCode} from ${by}`);
      } catch (err) {
        this.failures.push((err as Error).message);
      }
      await sleep(20);
    }
  }
}

describe('liveness: a hung replica is killed and restarted (real processes)', () => {
  let runner: TestRunner;

  beforeAll(async () => {
    runner = await startRunner([
      '--services',
      'product-service,user-service',
      '--liveness-period-ms',
      String(LIVENESS_PERIOD_MS),
      '--liveness-failures',
      String(LIVENESS_FAILURES),
    ]);
  });
  afterAll(async () => {
    await runner?.stop();
  });

  it('SIGKILLs a replica frozen past the liveness threshold, restarts it with a new pid, and no GET fails meanwhile', async () => {
    await runner.api.waitFor(RunnerApi.allReady, 60_000, 'all ready');
    const before = replica(await runner.api.status(), 'product-service-1');
    expect(before).toMatchObject({ state: 'running', routable: true, restarts: 0 });
    const oldPid = before.pid!;

    const load = new ReadLoad(`${runner.apiUrl}/products?limit=2`);
    load.start(2);
    let frozenAt = 0;
    let after: ReturnType<typeof replica>;
    let servedAfterRestart: number;
    try {
      await sleep(1000);
      await runner.api.chaos('freeze', { service: 'product-service', replica: 1, seconds: FREEZE_SECONDS });
      frozenAt = Date.now();
      expect(replica(await runner.api.status(), 'product-service-1').state).toBe('frozen');

      // Killed by the supervisor long before the thaw would come (and before this wait gives up).
      const killed = await eventually(
        'product-service-1 killed for failing liveness',
        async () => {
          const r = replica(await runner.api.status(), 'product-service-1');
          return r.lastExit ? r : undefined;
        },
        30_000,
      );
      console.info(
        `liveness kill ${new Date(killed.lastExit!.at).getTime() - frozenAt} ms after SIGSTOP: ${killed.lastExit!.reason}`,
      );
      expect(killed.lastExit).toMatchObject({ signal: 'SIGKILL', code: null });
      expect(killed.lastExit!.reason).toMatch(new RegExp(`^liveness failed ${LIVENESS_FAILURES} times`));

      after = await eventually(
        'product-service-1 restarted and ready',
        async () => {
          const r = replica(await runner.api.status(), 'product-service-1');
          return r.state === 'running' && r.routable && r.pid !== oldPid ? r : undefined;
        },
        60_000,
      );
      console.info(
        `product-service-1 ready again ${Date.now() - frozenAt} ms after SIGSTOP (pid ${after.pid})`,
      );
      // The edge sends it traffic again.
      servedAfterRestart = after.served;
      await eventually(
        'product-service-1 serving again',
        async () =>
          replica(await runner.api.status(), 'product-service-1').served > servedAfterRestart
            ? true
            : undefined,
        15_000,
      );
    } finally {
      await load.stop();
    }

    expect(after).toMatchObject({ state: 'running', ready: true, live: true, restarts: 1 });
    expect(after.pid).toBeGreaterThan(0);
    expect(after.pid).not.toBe(oldPid);
    // The frozen process is gone, not merely forgotten.
    expect(() => process.kill(oldPid, 0)).toThrow(/ESRCH/);

    const { events } = (await (await request(`${runner.statusUrl}/events?limit=500`)).body.json()) as {
      events: Array<{ kind: string; message: string; replica?: string }>;
    };
    const ours = events.filter((e) => e.replica === 'product-service-1');
    expect(ours.map((e) => e.kind)).toEqual(
      expect.arrayContaining([
        'replica-killed',
        'replica-exited',
        'replica-restart-scheduled',
        'replica-ready',
      ]),
    );
    expect(ours.find((e) => e.kind === 'replica-killed')!.message).toContain(
      `failed liveness ${LIVENESS_FAILURES} times in a row: SIGKILL`,
    );
    // Nothing was thawed: the process never came back from SIGSTOP.
    expect(ours.some((e) => e.message.includes('resumed (SIGCONT)'))).toBe(false);

    console.info(
      `load: ${load.requests} GETs, ${load.failures.length} failed, served by ${JSON.stringify(Object.fromEntries(load.servedBy))}`,
    );
    expect(load.requests).toBeGreaterThan(100);
    expect(load.failures).toEqual([]);
    expect(load.servedBy.get('product-service-2')).toBeGreaterThan(0);

    // The other replica was never touched.
    const other = replica(await runner.api.status(), 'product-service-2');
    expect(other).toMatchObject({ restarts: 0, routable: true });
  });
});
