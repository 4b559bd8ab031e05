import { defineProject, mergeConfig } from 'vitest/config';
import { projectConfig } from '../../vitest.shared';

// Each file starts PostgreSQL and real service processes (node apps/<svc>/dist/main.js): one file
// at a time, and generous limits because two cores are shared with whatever else runs.
export default mergeConfig(
  projectConfig({ name: 'shop-failure-e2e', dir: __dirname, serial: true, testTimeout: 180_000 }),
  defineProject({ test: { hookTimeout: 180_000 } }),
);
