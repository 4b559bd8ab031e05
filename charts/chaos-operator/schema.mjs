// Writes values.schema.json (node charts/chaos-operator/schema.mjs); `--check` fails if the
// committed file differs. The workload keys come from the library's schema pieces, so a key
// the templates do not read is refused at install, as for the shop's charts.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { dnsName, int, obj, workloadSchema } from '../schema/workload-schema.mjs';

const file = join(dirname(fileURLToPath(import.meta.url)), 'values.schema.json');
const schema = workloadSchema('chaos-operator values', {
  targetNamespaces: { type: 'array', items: dnsName, uniqueItems: true },
  leaderElection: obj(
    {
      leaseName: dnsName,
      leaseDurationSeconds: int(2, 600),
      renewDeadlineSeconds: int(1, 600),
      retryPeriodSeconds: int(1, 60),
    },
    { required: ['leaseName', 'leaseDurationSeconds', 'renewDeadlineSeconds', 'retryPeriodSeconds'] },
  ),
});
const text = await prettier.format(JSON.stringify(schema), { parser: 'json', printWidth: 110 });
if (process.argv.includes('--check')) {
  if (readFileSync(file, 'utf8') !== text) {
    console.error(`${file} is stale: run node charts/chaos-operator/schema.mjs`);
    process.exit(1);
  }
} else writeFileSync(file, text);
