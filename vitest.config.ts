import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      'apps/*/vitest.config.ts',
      'monitoring/vitest.config.ts',
      'libs/*/vitest.config.ts',
      'operator*/vitest.config.ts',
      'k8s*/vitest.config.ts',
      'bench/vitest.config.ts',
    ],
    // 2 cores: more workers only add contention with the PostgreSQL they talk to.
    maxWorkers: 2,
    minWorkers: 1,
  },
});
