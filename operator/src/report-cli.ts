import { ChaosScenario, formatReport } from '@ha-shop/chaos-scenario';

// `kubectl get chaosscenario X -o json | node dist/report-cli.js`: the report in plain text.
let text = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d: string) => (text += d));
process.stdin.on('end', () => {
  const parsed = JSON.parse(text) as ChaosScenario | { items: ChaosScenario[] };
  const items = 'items' in parsed ? parsed.items : [parsed];
  process.stdout.write(`${items.map(formatReport).join('\n\n')}\n`);
});
