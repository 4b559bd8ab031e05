import { describe, expect, it } from 'vitest';
import { ChaosScenarioSpec, Executor, runScenario, targetAppName } from '../src';

// A stand-in for the local runner's supervisor: three replicas of one service
// in memory; a killed replica comes back Ready after a short restart.
class Replicas implements Executor {
  ready = new Map<string, string>([
    ['r0', 'uid-0'],
    ['r1', 'uid-1'],
    ['r2', 'uid-2'],
  ]);
  healthy = true;
  cleanups = 0;
  events: string[] = [];
  private generation = 0;

  async observe() {
    return { readyPods: [...this.ready].map(([name, uid]) => ({ name, uid })), desiredReplicas: 3 };
  }
  async probe(p: { name: string }) {
    return { name: p.name, ok: this.healthy, message: this.healthy ? 'HTTP 200' : 'HTTP 503' };
  }
  async inject(_i: number, step: { action: string; targets?: string[] }) {
    if (step.action !== 'pod-delete') return { skipped: `${step.action} has no local equivalent` };
    for (const name of step.targets ?? []) {
      this.ready.delete(name);
      setTimeout(() => this.ready.set(`${name}-restarted`, `uid-new-${++this.generation}`), 100);
    }
    return { message: `killed ${step.targets?.join(', ')}` };
  }
  async revert() {
    return true;
  }
  async cleanup() {
    this.cleanups++;
    return true;
  }
  event(reason: string) {
    this.events.push(reason);
  }
}

const spec = (extra: Partial<ChaosScenarioSpec> = {}): ChaosScenarioSpec => ({
  target: { namespace: 'local', selector: { matchLabels: { 'app.kubernetes.io/name': 'product-service' } } },
  steadyState: {
    probes: [{ name: 'up', type: 'http', mode: 'Continuous', interval: '20ms', http: { url: 'http://x' } }],
  },
  steps: [
    { name: 'kill', action: 'pod-delete', mode: 'one' },
    { name: 'slow', action: 'network-delay', mode: 'all', duration: '1s', network: { latency: '100ms' } },
  ],
  abort: { maxConsecutiveProbeFailures: 3 },
  ...extra,
});

describe('runScenario (one machine)', () => {
  it('runs the steps it can, reports the others as skipped, and measures the recovery', async () => {
    const exec = new Replicas();
    const s = spec();
    expect(targetAppName(s.target)).toBe('product-service');
    const status = await runScenario(s, exec, { tickMs: 10 });
    expect(status).toMatchObject({ phase: 'Completed', verdict: 'Passed', reason: 'AllStepsRecovered' });
    expect(status.message).toContain('1 of 2 steps skipped');
    const [kill, slow] = status.steps!;
    expect(kill).toMatchObject({ phase: 'Recovered' });
    expect(kill.timeToRecoverySeconds).toBeGreaterThan(0);
    expect(slow).toMatchObject({ phase: 'Skipped', message: 'network-delay has no local equivalent' });
    expect(exec.cleanups).toBe(1);
    expect(exec.events).toContain('VerdictPassed');
  });

  it('aborts and cleans up when the probes keep failing', async () => {
    const exec = new Replicas();
    const s = spec({ steps: [{ name: 'kill', action: 'pod-delete', mode: 'one', duration: '10s' }] });
    const run = runScenario(s, exec, { tickMs: 10 });
    setTimeout(() => (exec.healthy = false), 50);
    const status = await run;
    expect(status).toMatchObject({ verdict: 'Aborted', reason: 'ProbeFailures' });
    expect(exec.cleanups).toBe(1);
  });

  it('reports a run in which nothing could be injected as Aborted, not Passed', async () => {
    const s = spec({
      steps: [
        { name: 'slow', action: 'network-delay', mode: 'all', duration: '1s', network: { latency: '1s' } },
      ],
    });
    const status = await runScenario(s, new Replicas(), { tickMs: 10 });
    expect(status).toMatchObject({ verdict: 'Aborted', reason: 'NothingInjected' });
  });
});
