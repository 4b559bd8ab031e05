import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboxService } from '@ha-shop/events';
import type { RunningService } from '@ha-shop/service-kit';
import { freePort } from '@ha-shop/os-process';
import { createTestDatabase, sampleOrderEvent, sql, TestIssuer, waitFor } from '@ha-shop/testkit';
import { startProducer } from './support/producer';

const MAIN = resolve(__dirname, '../dist/main.js');
const INTERNAL_TOKEN = 'kill-test-token';
const EVENTS = 300;

/**
 * The crash case, not a graceful stop: analytics runs as a real process and is SIGKILLed
 * while it is working through the feed, then started again on the same database.
 */
describe('analytics killed mid-stream', () => {
  let issuer: TestIssuer;
  let producer: { service: RunningService; outbox: OutboxService };
  let analyticsDb: string;
  let child: ChildProcess | undefined;

  const applied = async () =>
    Number((await sql(analyticsDb, 'SELECT count(*)::int AS n FROM processed_event'))[0].n);
  const placed = async () =>
    Number(
      (
        await sql(
          analyticsDb,
          "SELECT coalesce(sum(value), 0)::int AS n FROM kpi_minute WHERE metric = 'orders_placed'",
        )
      )[0].n,
    );

  const startAnalytics = async () => {
    const port = await freePort();
    child = spawn(process.execPath, [MAIN], {
      env: {
        ...process.env,
        NODE_ENV: 'test',
        HOST: '127.0.0.1',
        PORT: String(port),
        LOG_LEVEL: 'warn',
        DATABASE_URL: analyticsDb,
        JWKS_URL: issuer.jwksUrl,
        INTERNAL_TOKEN,
        FEED_SOURCES: `checkout-service=${producer.service.url}`,
        FEED_POLL_INTERVAL_MS: '50',
        // One event per transaction, so the kill lands between many small commits.
        FEED_BATCH_SIZE: '1',
      },
      stdio: 'ignore',
    });
    return child;
  };

  beforeAll(async () => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build first (make build)`);
    issuer = await TestIssuer.start();
    analyticsDb = await createTestDatabase('analytics');
    producer = await startProducer('checkout-service', {
      DATABASE_URL: await createTestDatabase('producer'),
      JWKS_URL: issuer.jwksUrl,
      INTERNAL_TOKEN,
    });
    for (let i = 0; i < EVENTS / 10; i++) {
      await producer.outbox.appendStandalone(
        ...Array.from({ length: 10 }, () => sampleOrderEvent('order.placed', 100)),
      );
    }
  });

  afterAll(async () => {
    child?.kill('SIGKILL');
    await producer?.service.shutdown();
    await issuer?.close();
  });

  it('applies every event exactly once after a SIGKILL and a restart', async () => {
    const first = await startAnalytics();
    const atKill = await waitFor(
      async () => {
        const n = await applied().catch(() => 0);
        return n >= 20 ? n : undefined;
      },
      { what: 'analytics to apply some events', timeoutMs: 30_000, intervalMs: 20 },
    );
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const afterKill = await applied();
    expect(afterKill).toBeLessThan(EVENTS);

    await startAnalytics();
    await waitFor(async () => ((await applied()) === EVENTS ? true : undefined), {
      what: `all ${EVENTS} events applied`,
      timeoutMs: 60_000,
    });
    expect(await placed()).toBe(EVENTS);
    const [cursor] = await sql(analyticsDb, 'SELECT last_seq::text AS seq FROM feed_cursor');
    expect(cursor.seq).toBe(await producer.outbox.headSeq());
    expect(atKill).toBeGreaterThanOrEqual(20);
  });
});
