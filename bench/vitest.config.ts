import { resolve } from 'node:path';
import { defineProject, mergeConfig } from 'vitest/config';
import { projectConfig } from '../vitest.shared';

// The smoke starts the whole shop as real processes: one file, minutes allowed on two shared cores.
// globalSetup builds k6 for the shoppers scenario (minutes, once) before the smoke starts.
export default mergeConfig(
  projectConfig({ name: 'bench', dir: __dirname, serial: true, testTimeout: 600_000 }),
  defineProject({ test: { globalSetup: [resolve(__dirname, 'test/global-setup.ts')] } }),
);
