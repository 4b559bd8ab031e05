import { RunnerEvent } from './event-log';
import { Runner } from './runner';
import { runnerStatus } from './status-api';

type Status = ReturnType<typeof runnerStatus>;

/**
 * What the terminal shows: on a TTY a table redrawn every second under the URLs;
 * otherwise (CI, pipes, log files) one line per runner event.
 */
export class StatusView {
  private timer?: NodeJS.Timeout;
  private unsubscribe?: () => void;

  constructor(
    private readonly runner: Runner,
    private readonly out: NodeJS.WriteStream = process.stdout,
    private readonly header: () => string[] = () => [],
  ) {}

  start(): void {
    if (this.out.isTTY) {
      this.out.write('\x1b[2J');
      this.timer = setInterval(() => this.draw(), 1000);
      this.draw();
    } else {
      for (const line of this.header()) this.out.write(line + '\n');
      this.unsubscribe = this.runner.events.subscribe((e) => this.out.write(formatEvent(e) + '\n'));
    }
  }

  stop(): void {
    clearInterval(this.timer);
    this.unsubscribe?.();
  }

  private draw(): void {
    const status = runnerStatus(this.runner);
    const lines = [...this.header(), '', ...table(status), '', 'recent events:'];
    for (const e of this.runner.events.since(0).slice(-8)) lines.push('  ' + formatEvent(e));
    lines.push('', 'Ctrl-C stops everything. Chaos: npm run chaos -- help');
    // Some terminals (and `script`) report 0 columns.
    const width = this.out.columns > 20 ? this.out.columns : 200;
    // Home, draw, clear the rest: no flicker from a full clear.
    this.out.write('\x1b[H' + lines.map((l) => l.slice(0, width) + '\x1b[K').join('\n') + '\n\x1b[J');
  }
}

export function table(status: Status): string[] {
  const rows: string[][] = [
    ['SERVICE', 'REPLICA', 'PID', 'PORT', 'STATE', 'READY', 'LIVE', 'RESTARTS', 'UPTIME', 'LAST EXIT'],
  ];
  const pg = status.postgres;
  rows.push([
    'postgres',
    '-',
    '-',
    String(pg.port),
    pg.state,
    pg.state === 'running' ? 'yes' : 'no',
    '-',
    String(pg.restarts),
    `${pg.uptimeSeconds}s`,
    '',
  ]);
  for (const svc of status.services) {
    if (svc.state === 'skipped') {
      rows.push([svc.name, '-', '-', '-', 'skipped', '-', '-', '-', '-', svc.reason ?? '']);
      continue;
    }
    for (const r of svc.replicas) rows.push(replicaRow(svc.name, r));
  }
  if (status.storefront) rows.push(replicaRow('storefront', status.storefront));
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) =>
    r
      .map((cell, i) => cell.padEnd(widths[i]))
      .join('  ')
      .trimEnd(),
  );
}

function replicaRow(service: string, r: Status['services'][number]['replicas'][number]): string[] {
  const state = r.ejected ? `${r.state} (ejected)` : r.state;
  return [
    service,
    r.id.replace(`${service}-`, '#'),
    String(r.pid ?? '-'),
    String(r.port),
    state,
    r.ready ? 'yes' : 'no',
    r.live ? 'yes' : 'no',
    String(r.restarts),
    `${r.uptimeSeconds}s`,
    r.lastExit ? `${r.lastExit.reason} (${r.lastExit.at.slice(11, 19)})` : '',
  ];
}

export function formatEvent(e: RunnerEvent): string {
  return `${e.at.slice(11, 23)} ${e.kind.padEnd(25)} ${e.message}`;
}
