import { resolve } from 'node:path';
import { defineProject, mergeConfig } from 'vitest/config';
// The shared vitest preset lives at the workspace root, outside every project.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { projectConfig } from '../vitest.shared';

// One real control plane per test file, files one at a time: each file's
// control plane and operators get both cores. Hooks get minutes because the
// control plane and the Chaos Mesh CRDs install in them.
export default mergeConfig(
  projectConfig({ name: 'operator', dir: __dirname, testTimeout: 180_000, serial: true }),
  defineProject({
    test: {
      hookTimeout: 240_000,
      globalSetup: [resolve(__dirname, 'test/global-setup.ts')],
    },
  }),
);
