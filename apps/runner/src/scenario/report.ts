import { ScenarioReport } from '../chaos/demo-script';

/** The human-readable report `make chaos-demo` prints. */
export function formatReport(report: ScenarioReport): string {
  const head = [
    'phase',
    'requests',
    'failed',
    'error %',
    'idem. err %',
    'retried',
    'p95 ms',
    'p99 ms',
    'recovery',
    'orders',
    'lost',
  ];
  const rows = report.phases.map((p) =>
    p.skipped
      ? [p.phase, '-', '-', '-', '-', '-', '-', '-', '-', '-', `skipped: ${p.skipped}`]
      : [
          p.phase,
          String(p.requests),
          String(p.failed),
          pct(p.errorRatio),
          pct(p.idempotentErrorRatio),
          String(p.retried),
          String(p.p95Ms),
          String(p.p99Ms),
          p.recoveryMs === null ? '-' : `${(p.recoveryMs / 1000).toFixed(1)} s`,
          String(p.ordersAccepted),
          String(p.ordersLost),
        ],
  );
  const all = [head, ...rows];
  const widths = head.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (r: string[]) =>
    r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const out = [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line), ''];
  for (const p of report.phases) out.push(`${p.phase.padEnd(17)} ${p.title}`);
  out.push('');
  for (const p of report.phases) {
    if (p.failures.length === 0) continue;
    out.push(
      `${p.phase}: first failures: ${p.failures.map((f) => `${f.route} -> ${f.status || f.error}`).join('; ')}`,
    );
  }
  const statuses = Object.entries(report.orders.byStatus)
    .map(([s, n]) => `${s} ${n}`)
    .join(', ');
  out.push(
    `orders: ${report.orders.accepted} accepted by the shop, ${report.orders.lost} lost; now ${statuses || 'none'}`,
  );
  out.push('', 'verdict:');
  for (const c of report.checks) out.push(`  ${c.pass ? 'PASS' : 'FAIL'}  ${c.name}: ${c.detail}`);
  out.push('', report.pass ? 'VERDICT: PASS - the shop stayed up while its parts failed.' : 'VERDICT: FAIL');
  return out.join('\n');
}

function pct(ratio: number): string {
  return (ratio * 100).toFixed(2);
}
