import { ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '../config';
import { DEFAULT_TARGETS, FULL, runChaosScenario, SHORT, ScenarioTimings } from './demo-script';
import { formatReport } from '../scenario/report';
import { RunnerApi } from '../scenario/runner-api';
import { runScenarioFiles } from '../scenario/scenario-files';

const USAGE = `make chaos-demo [CHAOS_DEMO_ARGS="..."]   (node apps/runner/dist/chaos/demo-cli.js)

Runs load against the shop and breaks one thing per phase: baseline, kill a product-service
replica, freeze a checkout-service replica, payment outage, PostgreSQL restart, heal. Prints
per phase requests, failures, p95/p99, recovery time and lost orders, then a verdict (exit 0 = pass).

With --scenario, runs ChaosScenario files (chaos.ha-shop.dev/v1alpha1, the operator's format) instead:
each action mapped to its local equivalent, the report in the operator's status fields.

Uses the running "make demo" if its status API answers, otherwise starts one and stops it after.
  --scenario PATH       a ChaosScenario file or a folder of them (repeatable), e.g. chaos-experiments/
  --short               short phases (about a minute in all), as the tests use
  --phase-seconds S     length of each phase (default 20; short 8)
  --users N             concurrent virtual users (default 8; short 4; with --scenario 4, 0 for none)
  --max-recovery-seconds S   recovery target per phase (default 10)
  --status-url URL      runner status API (default http://127.0.0.1:8079)
  --data-dir DIR        the runner's data folder (default .data)
  --report FILE         also write the report as JSON (default <data-dir>/chaos-demo-report.json)
  --                    anything after this goes to the runner it starts (e.g. -- --replicas 3)
`;

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const split = argv.indexOf('--');
  const runnerArgs = split >= 0 ? argv.slice(split + 1) : [];
  const { values } = parseArgs({
    args: split >= 0 ? argv.slice(0, split) : argv,
    options: {
      short: { type: 'boolean' },
      scenario: { type: 'string', multiple: true },
      'phase-seconds': { type: 'string' },
      users: { type: 'string' },
      'max-recovery-seconds': { type: 'string' },
      'status-url': { type: 'string' },
      'data-dir': { type: 'string' },
      report: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const scenarios = (values.scenario ?? []).map((p) => resolve(REPO_ROOT, p));
  const timings: ScenarioTimings = { ...(values.short ? SHORT : FULL) };
  if (values['phase-seconds']) timings.phaseMs = Number(values['phase-seconds']) * 1000;
  if (values.users) timings.users = Number(values.users);
  const scenarioUsers = values.users === undefined ? 4 : Number(values.users);
  if (!(scenarioUsers >= 0 && scenarioUsers <= 200)) throw new Error('bad --users');
  if (!scenarios.length && (!(timings.phaseMs >= 1000) || !(timings.users >= 1 && timings.users <= 200)))
    throw new Error('bad --phase-seconds or --users');
  const dataDir = resolve(REPO_ROOT, values['data-dir'] ?? '.data');
  const api = new RunnerApi((values['status-url'] ?? 'http://127.0.0.1:8079').replace(/\/$/, ''));

  let runner: ChildProcess | undefined;
  if (!(await api.reachable())) {
    console.log('chaos-demo: no runner answers; starting "make demo" for this run...');
    runner = spawn(
      process.execPath,
      [join(__dirname, '..', 'demo.js'), '--quiet', '--data-dir', dataDir, ...runnerArgs],
      {
        stdio: 'inherit',
      },
    );
    await api.waitFor((s) => s.phase === 'running', 300_000, 'the runner to start');
  }
  try {
    if (scenarios.length) {
      return (await runScenarioFiles({
        api,
        paths: scenarios,
        root: REPO_ROOT,
        users: scenarioUsers,
        report: values.report ?? join(dataDir, 'chaos-scenario-report.json'),
        log: (l) => console.log(l),
      }))
        ? 0
        : 1;
    }
    const status = await api.status();
    const baseUrl = status.urls.api;
    if (!baseUrl) throw new Error('the runner reports no edge URL');
    console.log(
      `chaos-demo: load on ${baseUrl}, ${timings.users} users, phases of ${timings.phaseMs / 1000} s`,
    );
    const targets = { ...DEFAULT_TARGETS };
    if (values['max-recovery-seconds']) targets.maxRecoveryMs = Number(values['max-recovery-seconds']) * 1000;
    if (!(targets.maxRecoveryMs > 0)) throw new Error('bad --max-recovery-seconds');
    const report = await runChaosScenario({
      api,
      baseUrl,
      dataDir,
      timings,
      targets,
      log: (l) => console.log(l),
    });
    writeFileSync(
      values.report ?? join(dataDir, 'chaos-demo-report.json'),
      JSON.stringify(report, null, 2) + '\n',
    );
    console.log('\n' + formatReport(report));
    return report.pass ? 0 : 1;
  } finally {
    if (runner?.pid) {
      const exited = new Promise((r) => runner!.once('exit', r));
      runner.kill('SIGTERM');
      await exited;
    }
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`chaos-demo: ${(err as Error).message}`);
    process.exit(2);
  },
);
