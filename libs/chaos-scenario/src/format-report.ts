import { ChaosScenario } from './types';

/** A plain-text report of a finished (or running) scenario, as `make chaos-demo-cluster` prints it. */
export function formatReport(scenario: Pick<ChaosScenario, 'metadata' | 'status'>): string {
  const s = scenario.status ?? {};
  const out = [
    `scenario ${scenario.metadata.namespace ?? ''}/${scenario.metadata.name ?? ''}: ${s.phase ?? 'Pending'}` +
      (s.verdict ? `, verdict ${s.verdict} (${s.reason ?? ''})` : ''),
  ];
  if (s.message) out.push(`  ${s.message}`);
  for (const step of s.steps ?? []) {
    const ttr = step.timeToRecoverySeconds === undefined ? '-' : `${step.timeToRecoverySeconds} s`;
    const ratio = step.errorRatio === undefined ? '-' : `${(step.errorRatio * 100).toFixed(1)} %`;
    out.push(
      `  step ${step.name} (${step.action}): ${step.phase}; recovery ${ttr}; probe errors ${ratio}` +
        (step.targets?.length ? `; targets ${step.targets.join(', ')}` : ''),
    );
  }
  for (const p of s.probes ?? []) {
    out.push(
      `  probe ${p.name} (${p.mode}): before ${p.before ?? '-'}, after ${p.after ?? '-'}, ${p.failures}/${p.runs} failed during the steps`,
    );
  }
  if (s.timeToRecoverySeconds !== undefined) out.push(`  time to recovery: ${s.timeToRecoverySeconds} s`);
  if (s.errorRatio !== undefined) out.push(`  probe error ratio: ${s.errorRatio}`);
  return out.join('\n');
}
