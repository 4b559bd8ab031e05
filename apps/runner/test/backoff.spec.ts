import { describe, expect, it } from 'vitest';
import { BackoffPolicy } from '../src/supervisor/backoff';
import { parseConfig } from '../src/config';

describe('restart backoff', () => {
  it('doubles from 250 ms, caps at 30 s, and starts over after a run of 30 s or more', () => {
    const backoff = new BackoffPolicy();
    const quick = () => backoff.next(1000);
    expect([quick(), quick(), quick(), quick()]).toEqual([250, 500, 1000, 2000]);
    for (let i = 0; i < 10; i++) quick();
    expect(quick()).toBe(30_000);
    expect(backoff.next(31_000)).toBe(250);
    expect(quick()).toBe(500);
  });
});

describe('runner options', () => {
  it('defaults to 2 replicas on the documented ports, overridable by flags and env', () => {
    const defaults = parseConfig([], {});
    expect(defaults).toMatchObject({
      replicas: 2,
      edgePort: 8080,
      statusPort: 8079,
      basePort: 8100,
      storefront: true,
    });
    expect(parseConfig(['--replicas', '3', '--edge-port', '9090'], {})).toMatchObject({
      replicas: 3,
      edgePort: 9090,
    });
    expect(parseConfig([], { DEMO_REPLICAS: '4' })).toMatchObject({ replicas: 4 });
    expect(() => parseConfig(['--replicas', '0'], {})).toThrow();
    expect(() => parseConfig(['--services', 'nope'], {})).toThrow(/unknown service/);
  });

  it('probes readiness every 1 s and kills after 5 failed liveness probes 2 s apart unless told otherwise', () => {
    expect(parseConfig([], {})).toMatchObject({
      probeIntervalMs: 1000,
      livenessPeriodMs: 2000,
      livenessFailureThreshold: 5,
    });
    expect(
      parseConfig(
        ['--probe-interval-ms', '300', '--liveness-period-ms', '500', '--liveness-failures', '3'],
        {},
      ),
    ).toMatchObject({ probeIntervalMs: 300, livenessPeriodMs: 500, livenessFailureThreshold: 3 });
    expect(
      parseConfig([], {
        DEMO_PROBE_INTERVAL_MS: '400',
        DEMO_LIVENESS_PERIOD_MS: '700',
        DEMO_LIVENESS_FAILURES: '2',
      }),
    ).toMatchObject({ probeIntervalMs: 400, livenessPeriodMs: 700, livenessFailureThreshold: 2 });
    expect(() => parseConfig(['--liveness-failures', '0'], {})).toThrow(/1\.\.100/);
    expect(() => parseConfig(['--liveness-period-ms', 'soon'], {})).toThrow(/integer/);
  });
});
