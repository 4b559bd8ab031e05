import { ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@ha-shop/os-process';
import { RULES_DIR } from '../../../../monitoring/test/support/prometheus-tools';

export interface ScrapeTarget {
  service: string;
  url: string;
}

export interface PromQueryResult {
  status: 'success' | 'error';
  error?: string;
  errorType?: string;
  data?: { resultType: string; result: Array<{ metric: Record<string, string>; value?: [number, string] }> };
}

/** A real Prometheus on a free loopback port scraping `targets` every second, with the repo's rules. */
export class LocalPrometheus {
  private constructor(
    readonly url: string,
    private readonly proc: ChildProcess,
    private readonly dir: string,
    private readonly output: string[],
  ) {}

  static async start(targets: ScrapeTarget[]): Promise<LocalPrometheus> {
    const dir = mkdtempSync(join(tmpdir(), 'ha-shop-prometheus-'));
    mkdirSync(join(dir, 'rules'));
    for (const f of readdirSync(RULES_DIR)) cpSync(join(RULES_DIR, f), join(dir, 'rules', f));
    const scrapeConfigs = targets.map((t) => {
      const u = new URL(t.url);
      return [
        `  - job_name: ${JSON.stringify(t.service)}`,
        `    metrics_path: /metrics`,
        `    static_configs:`,
        `      - targets: [${JSON.stringify(u.host)}]`,
        `        labels: { service: ${JSON.stringify(t.service)} }`,
      ].join('\n');
    });
    writeFileSync(
      join(dir, 'prometheus.yml'),
      [
        'global:',
        '  scrape_interval: 1s',
        '  scrape_timeout: 900ms',
        '  evaluation_interval: 1s',
        'rule_files:',
        `  - ${JSON.stringify(join(dir, 'rules', '*.yml'))}`,
        'scrape_configs:',
        ...scrapeConfigs,
        '',
      ].join('\n'),
    );
    const port = await freePort();
    const output: string[] = [];
    const proc = spawn(
      'prometheus',
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    proc.stdout?.on('data', (c: Buffer) => output.push(c.toString()));
    proc.stderr?.on('data', (c: Buffer) => output.push(c.toString()));
    const prom = new LocalPrometheus(`http://127.0.0.1:${port}`, proc, dir, output);
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`prometheus exited: ${output.join('')}`);
      const ready = await fetch(`${prom.url}/-/ready`).then(
        (r) => r.ok,
        () => false,
      );
      if (ready) return prom;
      if (Date.now() > deadline) throw new Error(`prometheus not ready: ${output.join('')}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async query(expr: string): Promise<PromQueryResult> {
    const res = await fetch(`${this.url}/api/v1/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ query: expr }).toString(),
    });
    return (await res.json()) as PromQueryResult;
  }

  async rules(): Promise<
    Array<{
      name: string;
      file: string;
      rules: Array<{ name: string; query: string; health: string; lastError?: string; type: string }>;
    }>
  > {
    const res = await fetch(`${this.url}/api/v1/rules`);
    const body = (await res.json()) as {
      data: { groups: Array<{ name: string; file: string; rules: never[] }> };
    };
    return body.data.groups;
  }

  async targets(): Promise<Array<{ labels: Record<string, string>; health: string; lastError: string }>> {
    const res = await fetch(`${this.url}/api/v1/targets?state=active`);
    const body = (await res.json()) as {
      data: { activeTargets: Array<{ labels: Record<string, string>; health: string; lastError: string }> };
    };
    return body.data.activeTargets;
  }

  get log(): string {
    return this.output.join('');
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode === null) {
      const exited = new Promise((r) => this.proc.once('exit', r));
      this.proc.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (this.proc.exitCode === null) this.proc.kill('SIGKILL');
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
