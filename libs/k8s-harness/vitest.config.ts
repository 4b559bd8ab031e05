import { resolve } from 'node:path';
import { defineProject, mergeConfig } from 'vitest/config';
import { projectConfig } from '../../vitest.shared';

// One real control plane per test file. Start takes seconds, but the two
// cores are shared with other suites, so hooks get minutes; a first-time
// binary build happens in globalSetup, which has no timeout.
export default mergeConfig(
  projectConfig({ name: 'k8s-harness', dir: __dirname, testTimeout: 120_000, serial: true }),
  defineProject({
    test: {
      hookTimeout: 240_000,
      globalSetup: [resolve(__dirname, 'test/global-setup.ts')],
    },
  }),
);
