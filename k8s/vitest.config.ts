import { resolve } from 'node:path';
import { defineProject, mergeConfig } from 'vitest/config';
import { projectConfig } from '../vitest.shared';

// Charts installed into a real control plane, one per test file, files one at a time:
// installs and rollouts take minutes on two busy cores. Binaries and the third-party
// CRDs are fetched once in globalSetup, which has no timeout.
export default mergeConfig(
  projectConfig({ name: 'k8s', dir: __dirname, testTimeout: 300_000, serial: true }),
  defineProject({
    test: {
      hookTimeout: 300_000,
      globalSetup: [resolve(__dirname, 'test/global-setup.ts')],
    },
  }),
);
