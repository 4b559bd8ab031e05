import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildDashboards, panelQueries } from '../grafana/src/dashboards';
import { ensurePrometheusTools, REPO_ROOT, RULES_DIR } from './support/prometheus-tools';

const DASHBOARDS_DIR = join(REPO_ROOT, 'monitoring', 'grafana', 'dashboards');
const RULE_TESTS_DIR = join(REPO_ROOT, 'monitoring', 'prometheus', 'tests');

interface RuleFile {
  groups: Array<{
    name: string;
    rules: Array<{ alert?: string; record?: string; expr: string; labels?: Record<string, string> }>;
  }>;
}
interface RuleTestFile {
  rule_files: string[];
  tests: Array<{ alert_rule_test?: Array<{ alertname: string; exp_alerts: unknown[] }> }>;
}

describe('Grafana dashboards as code', () => {
  const dashboards = buildDashboards();

  it('committed JSON is what the TypeScript generates (run `make dashboards` after editing)', () => {
    const committed = readdirSync(DASHBOARDS_DIR)
      .filter((f) => f.endsWith('.json'))
      .sort();
    expect(committed).toEqual(dashboards.map((d) => d.file).sort());
    for (const d of dashboards) {
      expect(readFileSync(join(DASHBOARDS_DIR, d.file), 'utf8'), `${d.file} is stale`).toBe(d.json);
    }
  });

  it('has the four dashboards, each panel with a Prometheus query from the datasource variable', () => {
    expect(dashboards.map((d) => d.uid).sort()).toEqual([
      'ha-shop-business',
      'ha-shop-chaos',
      'ha-shop-platform',
      'ha-shop-service',
    ]);
    for (const d of dashboards) {
      const json = JSON.parse(d.json) as {
        panels: Array<{
          id: number;
          type: string;
          title: string;
          targets?: Array<{ expr: string }>;
          datasource?: { uid: string };
        }>;
        templating: { list: Array<{ name: string }> };
      };
      expect(json.templating.list.map((v) => v.name)).toContain('datasource');
      const ids = json.panels.map((p) => p.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const p of json.panels.filter((x) => x.type !== 'row')) {
        expect(p.targets?.length, `${d.uid} / ${p.title}`).toBeGreaterThan(0);
        expect(p.datasource?.uid).toBe('${datasource}');
      }
    }
  });

  it('exports the PromQL of every panel, and the per-service dashboard filters by $service', () => {
    const queries = panelQueries();
    const fromJson = dashboards.flatMap((d) =>
      (JSON.parse(d.json) as { panels: Array<{ targets?: Array<{ expr: string }> }> }).panels
        .flatMap((p) => p.targets ?? [])
        .map((t) => t.expr),
    );
    for (const expr of fromJson) expect(queries.map((q) => q.expr)).toContain(expr);
    const service = queries.filter((q) => q.dashboard === 'ha-shop-service');
    for (const q of service) expect(q.expr, q.panel).toContain('$service');
    // Route labels are templates; no query may group by a raw URL label.
    for (const q of queries) expect(q.expr).not.toMatch(/\burl\b|\bpath\b/);
  });
});

describe('Prometheus rules', () => {
  const ruleFiles = readdirSync(RULES_DIR).filter((f) => f.endsWith('.yml'));
  const rules = ruleFiles.flatMap((f) =>
    (parse(readFileSync(join(RULES_DIR, f), 'utf8')) as RuleFile).groups.flatMap((g) => g.rules),
  );

  it('pass promtool check rules and every promtool unit test', () => {
    ensurePrometheusTools();
    const run = (args: string[]) => {
      try {
        return execFileSync('promtool', args, {
          cwd: REPO_ROOT,
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
        });
      } catch (err) {
        const e = err as { stdout?: string; stderr?: string };
        throw new Error(`promtool ${args[0]} ${args[1]} failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
      }
    };
    run(['check', 'rules', ...ruleFiles.map((f) => join(RULES_DIR, f))]);
    const tests = readdirSync(RULE_TESTS_DIR).filter((f) => f.endsWith('.test.yml'));
    expect(run(['test', 'rules', ...tests.map((f) => join(RULE_TESTS_DIR, f))])).not.toMatch(/FAILED/);
  });

  it('every alert has a unit test in which it fires, and a severity', () => {
    const tested = new Set<string>();
    for (const f of readdirSync(RULE_TESTS_DIR).filter((x) => x.endsWith('.test.yml'))) {
      const file = parse(readFileSync(join(RULE_TESTS_DIR, f), 'utf8')) as RuleTestFile;
      for (const t of file.tests)
        for (const a of t.alert_rule_test ?? []) if (a.exp_alerts.length > 0) tested.add(a.alertname);
    }
    const alerts = rules.filter((r) => r.alert);
    expect(alerts.length).toBeGreaterThanOrEqual(12);
    for (const a of alerts) {
      expect(tested.has(a.alert!), `${a.alert} has a firing unit test`).toBe(true);
      expect(['critical', 'warning']).toContain(a.labels?.severity);
    }
    for (const name of [
      'ServiceDown',
      'ReadinessFlapping',
      'HighErrorRatio',
      'LatencyBudgetFastBurn',
      'LatencyBudgetSlowBurn',
      'AvailabilityBudgetFastBurn',
      'AvailabilityBudgetSlowBurn',
      'CircuitBreakerOpen',
      'OutboxLagGrowing',
      'PaymentSuccessRateLow',
    ]) {
      expect(alerts.map((a) => a.alert)).toContain(name);
    }
  });
});
