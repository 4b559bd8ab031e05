import { freePort } from '@ha-shop/os-process';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunnerApi, RunnerStatus } from '../src/scenario/runner-api';
import { eventually, RUNNER_DIST, startRunner, TestRunner } from './support';

const ROOT = join(RUNNER_DIST, '..', '..', '..');

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command (the built chaos CLI, or `npm run chaos`) to completion; killed, with its
 * whole process group, if it takes longer than `timeoutMs`.
 */
function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 30_000) {
  return new Promise<CliResult>((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // gone
      }
      reject(
        new Error(`${command} ${args.join(' ')} still running after ${timeoutMs} ms:\n${stdout}${stderr}`),
      );
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const replica = (s: RunnerStatus, id: string) =>
  s.services.flatMap((svc) => svc.replicas).find((r) => r.id === id)!;

const faultsOf = (s: RunnerStatus, name: string) => {
  const svc = s.services.find((x) => x.name === name);
  return svc && 'faults' in svc ? svc.faults : undefined;
};

describe('npm run chaos (the chaos CLI against a running runner)', () => {
  let runner: TestRunner;
  const cli = (...args: string[]) =>
    run(process.execPath, [join(RUNNER_DIST, 'chaos', 'action-cli.js'), ...args], {
      DEMO_STATUS_URL: runner.statusUrl,
    });

  beforeAll(async () => {
    runner = await startRunner(['--services', 'product-service,user-service']);
  });
  afterAll(async () => {
    await runner?.stop();
  });

  it('status prints the phase, the edge URL and a row per replica, through npm run chaos', async () => {
    const status = await runner.api.status();
    const res = await run('npm', [
      'run',
      '--silent',
      'chaos',
      '--',
      'status',
      '--status-url',
      runner.statusUrl,
    ]);
    expect(res.code, res.stderr).toBe(0);
    const lines = res.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`phase: running   edge: ${runner.apiUrl}`);
    expect(lines[1]).toMatch(
      /^SERVICE\s+REPLICA\s+PID\s+PORT\s+STATE\s+READY\s+LIVE\s+RESTARTS\s+UPTIME\s+LAST EXIT$/,
    );
    expect(lines[2]).toMatch(new RegExp(`^postgres\\s+-\\s+-\\s+${status.postgres.port}\\s+running\\s+yes`));
    for (const svc of status.services) {
      for (const r of svc.replicas) {
        const row = lines.find(
          (l) => l.startsWith(`${svc.name} `) && l.includes(` #${r.id.split('-').pop()} `),
        );
        expect(row, r.id).toMatch(new RegExp(`\\s${r.pid}\\s+${r.port}\\s+running\\s+yes\\s+yes\\s+0\\s`));
      }
    }
    // Only the services asked for: two of them, two replicas each, plus PostgreSQL.
    expect(lines).toHaveLength(3 + 4);
  });

  it('kill <service> SIGKILLs one replica, which the runner restarts (status shows the restart)', async () => {
    await runner.api.waitFor(RunnerApi.allReady, 60_000, 'all ready');
    const before = replica(await runner.api.status(), 'product-service-2');
    const res = await cli('kill', 'product-service', '--replica', '2');
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout.trim()).toBe('kill product-service-2: SIGKILL sent');

    const after = await eventually(
      'product-service-2 restarted and ready',
      async () => {
        const r = replica(await runner.api.status(), 'product-service-2');
        return r.restarts === before.restarts + 1 && r.routable ? r : undefined;
      },
      60_000,
    );
    expect(after.pid).not.toBe(before.pid);
    expect(after.lastExit).toMatchObject({ signal: 'SIGKILL', reason: 'killed by chaos (SIGKILL)' });

    const table = await cli('status');
    expect(table.code, table.stderr).toBe(0);
    const row = table.stdout.split('\n').find((l) => /^product-service\s+#2\s/.test(l));
    expect(row).toMatch(new RegExp(`\\s${after.pid}\\s.*\\s1\\s+\\d+s\\s+killed by chaos \\(SIGKILL\\)`));

    const events = await cli('events');
    expect(events.code, events.stderr).toBe(0);
    expect(events.stdout).toMatch(/chaos\s+kill product-service-2 \(pid \d+\)/);
  });

  it('heal thaws a frozen replica (same pid) and clears injected faults', async () => {
    await runner.api.waitFor(RunnerApi.allReady, 60_000, 'all ready');
    const before = replica(await runner.api.status(), 'product-service-1');

    // Long enough that only heal can thaw it within this test, short of the default liveness kill (5 x 2 s).
    const frozen = await cli('freeze', 'product-service', '--replica', '1', '--seconds', '60');
    expect(frozen.code, frozen.stderr).toBe(0);
    expect(frozen.stdout).toMatch(/^freeze product-service-1: SIGSTOP sent \(until .+\)/);
    const latency = await cli('latency', 'user-service', '50');
    expect(latency.code, latency.stderr).toBe(0);
    expect(latency.stdout).toMatch(/^faults user-service: /);
    let status = await runner.api.status();
    expect(replica(status, 'product-service-1').state).toBe('frozen');
    expect(faultsOf(status, 'user-service')).toEqual({ latencyMs: 50 });

    const healed = await cli('heal');
    expect(healed.code, healed.stderr).toBe(0);
    expect(healed.stdout.trim()).toBe('heal all: thawed product-service-1, cleared faults on user-service');

    status = await runner.api.status();
    expect(faultsOf(status, 'user-service')).toEqual({});
    const after = await eventually(
      'product-service-1 back in rotation',
      async () => {
        const r = replica(await runner.api.status(), 'product-service-1');
        return r.state === 'running' && r.routable ? r : undefined;
      },
      30_000,
    );
    // Thawed, not restarted.
    expect(after.pid).toBe(before.pid);
    expect(after.restarts).toBe(before.restarts);

    const again = await cli('heal');
    expect(again.stdout.trim()).toBe('heal all: nothing to heal');
  });

  it('rejects bad commands with a non-zero exit and a message saying what is wrong', async () => {
    const unknown = await cli('explode', 'product-service');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown action "explode"');
    expect(unknown.stderr).toContain('npm run chaos -- kill <service>');

    const noService = await cli('kill');
    expect(noService.code).toBe(1);
    expect(noService.stderr).toContain('kill needs a service name');

    const badService = await cli('kill', 'nope-service');
    expect(badService.code).toBe(1);
    expect(badService.stderr).toMatch(/runner answered 404: unknown or not running service "nope-service"/);

    const badFlag = await cli('status', '--bogus');
    expect(badFlag.code).toBe(1);
    expect(badFlag.stderr).toContain("Unknown option '--bogus'");

    const noRunner = await cli('status', '--status-url', `http://127.0.0.1:${await freePort()}`);
    expect(noRunner.code).toBe(1);
    expect(noRunner.stderr).toMatch(
      /cannot reach the runner at http:\/\/127\.0\.0\.1:\d+ \(is "make demo" running\?\)/,
    );

    const noAction = await cli();
    expect(noAction.code).toBe(2);
    expect(noAction.stdout).toContain('Chaos against a running "make demo"');

    // None of these touched a replica.
    const status = await runner.api.status();
    for (const svc of status.services) for (const r of svc.replicas) expect(r.state, r.id).toBe('running');
  });
});
