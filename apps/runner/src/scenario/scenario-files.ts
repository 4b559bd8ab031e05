import { ChaosScenario, formatReport, parseScenarios } from '@ha-shop/chaos-scenario';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { closeLocalProbes } from './local-probes';
import { RunnerApi } from './runner-api';
import { LocalScenarioReport, runScenarioFile } from './scenario-file-runner';

/**
 * The ChaosScenarios in the given files, in order; a folder stands for its
 * `*.yaml` files sorted by name, without the plain Chaos Mesh twins
 * (`*.chaos-mesh.yaml`), as `make chaos-demo-cluster` takes the library.
 */
export function loadScenarioFiles(
  paths: string[],
  root: string,
): Array<{ source: string; scenario: ChaosScenario }> {
  const files = paths.flatMap((p) =>
    statSync(p).isDirectory()
      ? readdirSync(p)
          .filter((f) => f.endsWith('.yaml') && !f.endsWith('.chaos-mesh.yaml'))
          .sort()
          .map((f) => join(p, f))
      : [p],
  );
  return files.flatMap((file) => {
    const rel = relative(root, file);
    const source = rel && !rel.startsWith('..') ? rel : file;
    return parseScenarios(readFileSync(file, 'utf8'), source).map((scenario) => ({ source, scenario }));
  });
}

export interface ScenarioFilesOptions {
  api: RunnerApi;
  paths: string[];
  root: string;
  users: number;
  report: string;
  log: (line: string) => void;
}

/** Runs each scenario against the runner, prints the operator-style report and writes all as JSON. */
export async function runScenarioFiles(opts: ScenarioFilesOptions): Promise<boolean> {
  const scenarios = loadScenarioFiles(opts.paths, opts.root);
  if (scenarios.length === 0) throw new Error(`no ChaosScenario in ${opts.paths.join(', ')}`);
  const reports: LocalScenarioReport[] = [];
  try {
    for (const { source, scenario } of scenarios) {
      await opts.api.waitFor(RunnerApi.allReady, 180_000, 'every replica to be ready');
      const report = await runScenarioFile({
        api: opts.api,
        scenario,
        source,
        users: opts.users,
        log: opts.log,
      });
      reports.push(report);
      // Written after every scenario, so an interrupted library run keeps what it measured.
      writeFileSync(opts.report, JSON.stringify({ reports }, null, 2) + '\n');
      opts.log('\n' + formatReport(report.scenario) + '\n' + localNotes(report) + '\n');
    }
  } finally {
    await closeLocalProbes();
  }
  const verdicts = reports.map((r) => `${r.scenario.metadata.name}: ${r.scenario.status.verdict ?? '-'}`);
  const pass = reports.every((r) => r.pass);
  opts.log(`${pass ? 'VERDICT: PASS' : 'VERDICT: FAIL'} (${verdicts.join(', ')})`);
  return pass;
}

function localNotes(report: LocalScenarioReport): string {
  const out = [`  on this machine: ${report.local.target}`];
  for (const s of report.local.steps) out.push(`    step ${s.name} (${s.action}) -> ${s.local}`);
  for (const p of report.local.probes)
    out.push(`    probe ${p.name} (${p.type}) -> ${p.local ?? `skipped: ${p.skipped ?? ''}`}`);
  for (const l of report.local.load ?? [])
    out.push(
      `    load ${l.phase}: ${l.requests} requests, ${l.failed} failed (${(l.errorRatio * 100).toFixed(2)} %), p95 ${l.p95Ms} ms`,
    );
  return out.join('\n');
}
