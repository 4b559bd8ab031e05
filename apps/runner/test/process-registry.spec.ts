import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAlive } from '@ha-shop/os-process';
import { waitFor } from '@ha-shop/testkit';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ProcessRegistry } from '../src/supervisor/process-registry';

// What a runner killed with SIGKILL leaves in its data folder, played with real processes:
// stand-ins whose command lines look like a replica (dist/main.js), like somebody else's
// process, and like a live runner.
const children: ChildProcess[] = [];
function standIn(...args: string[]): ChildProcess {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', ...args], {
    detached: true,
    stdio: 'ignore',
  });
  children.push(child);
  return child;
}

describe("the runner's process registry", () => {
  const dir = mkdtempSync(join(tmpdir(), 'ha-shop-registry-'));
  afterEach(() => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const leave = (runner: number, processes: Record<string, number | undefined>) =>
    writeFileSync(join(dir, 'pids.json'), JSON.stringify({ runner, processes }));

  it('stops the replicas a dead runner left, and nothing that is not one of them', async () => {
    const replica = standIn('apps/product-service/dist/main.js');
    const stranger = standIn('somebody-else.js');
    const dead = standIn('runner');
    dead.kill('SIGKILL');
    await waitFor(() => !isAlive(dead.pid), { what: 'the old runner gone' });
    leave(dead.pid!, { 'product-service-1': replica.pid, other: stranger.pid, postgres: 5432 });

    new ProcessRegistry(dir).claim();

    await waitFor(() => !isAlive(replica.pid), { what: 'the leftover replica stopped', timeoutMs: 5000 });
    expect(isAlive(stranger.pid)).toBe(true);
  });

  it('refuses a data folder a live runner still uses', () => {
    const runner = standIn('apps/runner/dist/demo.js');
    leave(runner.pid!, {});
    expect(() => new ProcessRegistry(dir).claim()).toThrow(`another runner (pid ${runner.pid})`);
    expect(isAlive(runner.pid)).toBe(true);
  });
});
