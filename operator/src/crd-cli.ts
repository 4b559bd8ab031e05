import { crdYaml } from '@ha-shop/chaos-scenario';
import { writeFileSync } from 'node:fs';

// Writes the generated CRD to each path given (`make operator-crd`), or prints it.
const outputs = process.argv.slice(2);
for (const out of outputs) writeFileSync(out, crdYaml());
if (outputs.length === 0) process.stdout.write(crdYaml());
