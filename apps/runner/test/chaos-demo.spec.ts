import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScenarioReport } from '../src/scenario/chaos-scenario';
import { RUNNER_DIST, startRunner, TestRunner } from './support';

describe('make chaos-demo (short variant)', () => {
  let runner: TestRunner;

  beforeAll(async () => {
    runner = await startRunner();
  });
  afterAll(async () => {
    await runner?.stop();
  });

  it('runs every phase under load and passes its verdict: no failed idempotent request, no lost order, quick recovery', async () => {
    const reportFile = join(runner.dataDir, 'report.json');
    const child = spawn(
      process.execPath,
      [
        join(RUNNER_DIST, 'chaos-demo.js'),
        '--short',
        '--status-url',
        runner.statusUrl,
        '--data-dir',
        runner.dataDir,
        '--report',
        reportFile,
        // The demo's target is 10 s; other suites may share the two cores with this one.
        '--max-recovery-seconds',
        '20',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    expect(code, output).toBe(0);
    expect(output).toContain('VERDICT: PASS');

    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as ScenarioReport;
    expect(report.pass).toBe(true);
    expect(report.phases.map((p) => p.phase)).toEqual([
      'baseline',
      'kill-product',
      'freeze-checkout',
      'payment-outage',
      'database-restart',
      'heal',
    ]);
    expect(report.orders.accepted).toBeGreaterThan(0);
    expect(report.orders.lost).toBe(0);
    for (const phase of report.phases) {
      expect(phase.requests, phase.phase).toBeGreaterThan(0);
      expect(phase.idempotentFailed, phase.phase).toBe(0);
    }
  });
});
