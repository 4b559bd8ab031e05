import { resolve } from 'node:path';
import { defineProject, mergeConfig } from 'vitest/config';
import { projectConfig } from '../../vitest.shared';

// Each file starts a whole runner (PostgreSQL and every service as real processes):
// one file at a time, and minutes for hooks because two cores are shared with other suites.
// globalSetup installs Prometheus and builds Jaeger (minutes, once) before any file runs.
export default mergeConfig(
  projectConfig({ name: 'runner', dir: __dirname, serial: true, testTimeout: 300_000 }),
  defineProject({
    test: { hookTimeout: 300_000, globalSetup: [resolve(__dirname, 'test/global-setup.ts')] },
  }),
);
