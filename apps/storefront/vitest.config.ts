import { resolve } from 'node:path';
import { defineProject, mergeConfig } from 'vitest/config';
import { projectConfig } from '../../vitest.shared';

// One file starts one whole runner (PostgreSQL, every service, the built storefront) and a
// Chromium: one file at a time, minutes for hooks on two shared cores.
export default mergeConfig(
  projectConfig({ name: 'storefront', dir: __dirname, serial: true, testTimeout: 300_000 }),
  defineProject({
    test: { hookTimeout: 600_000, globalSetup: [resolve(__dirname, 'test/support/global-setup.ts')] },
  }),
);
