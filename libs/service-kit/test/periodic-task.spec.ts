import { setTimeout as sleep } from 'node:timers/promises';
import { waitFor } from '@ha-shop/testkit';
import { describe, expect, it } from 'vitest';
import { PeriodicTask } from '../src';

/** A pass that waits until released, so a test decides when it ends. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, opened };
}

describe('PeriodicTask', () => {
  it('runs on its interval, one pass at a time: ticks during a pass are skipped, not stacked', async () => {
    let started = 0;
    let concurrent = 0;
    let most = 0;
    const first = gate();
    const task = new PeriodicTask({
      name: 'test pass',
      everyMs: 10,
      run: async () => {
        started++;
        concurrent++;
        most = Math.max(most, concurrent);
        if (started === 1) await first.opened;
        concurrent--;
      },
      onError: () => undefined,
    });
    task.start();
    await waitFor(() => started === 1, { intervalMs: 5, what: 'the first pass' });
    // Ticks come every 10 ms while the first pass is held: none of them starts another.
    await sleep(100);
    expect(started).toBe(1);
    first.open();
    await waitFor(() => started > 2, { intervalMs: 5, what: 'passes after the first' });
    await task.stop();
    expect(most).toBe(1);
  });

  it('runNow joins the running pass instead of starting a second one', async () => {
    let started = 0;
    const pass = gate();
    const task = new PeriodicTask({
      name: 'test pass',
      everyMs: 60_000,
      run: async () => {
        started++;
        await pass.opened;
      },
      onError: () => undefined,
    });
    const a = task.runNow();
    const b = task.runNow();
    expect(b).toBe(a);
    pass.open();
    await Promise.all([a, b]);
    expect(started).toBe(1);
  });

  it('reports a failed pass and keeps going', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const task = new PeriodicTask({
      name: 'test pass',
      everyMs: 60_000,
      run: async () => {
        calls++;
        if (calls === 1) throw new Error('database away');
      },
      onError: (err) => errors.push(err),
    });
    await expect(task.runNow()).resolves.toBeUndefined();
    await task.runNow();
    expect(calls).toBe(2);
    expect(errors).toHaveLength(1);
    expect((errors[0] as Error).message).toBe('database away');
  });

  it('stop aborts the running pass, waits for it, and runs nothing after', async () => {
    let sawAbort = false;
    let finished = false;
    let calls = 0;
    const task = new PeriodicTask({
      name: 'test pass',
      everyMs: 10,
      run: async (signal) => {
        calls++;
        await new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }));
        sawAbort = signal.aborted;
        await sleep(30);
        finished = true;
      },
      onError: () => undefined,
    });
    task.start();
    await waitFor(() => calls === 1, { intervalMs: 5, what: 'the first pass' });
    await task.stop();
    expect(sawAbort).toBe(true);
    expect(finished).toBe(true);
    const after = calls;
    await task.runNow();
    await sleep(50);
    expect(calls).toBe(after);
  });
});
