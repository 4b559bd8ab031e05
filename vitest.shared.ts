// One place that knows how a project's tests are compiled and wired, so each
// project's vitest.config.ts stays a two-liner.
import { resolve } from 'node:path';
import swc from 'unplugin-swc';
import { defineProject, type UserWorkspaceConfig } from 'vitest/config';

const root = __dirname;

export interface ProjectOptions {
  /** Project name shown by vitest (`--project <name>`). */
  name: string;
  /** The project folder (pass `__dirname`). */
  dir: string;
  /** Start one embedded PostgreSQL for this project's test run. */
  postgres?: boolean;
  /** Per-test timeout; integration and failure tests need more than unit tests. */
  testTimeout?: number;
  /** Run test files one at a time (tests that start real processes or bind fixed ports). */
  serial?: boolean;
}

export function projectConfig(opts: ProjectOptions): UserWorkspaceConfig {
  return defineProject({
    // swc instead of esbuild: NestJS and TypeORM need emitDecoratorMetadata.
    plugins: [swc.vite({ swcrc: false, ...swcOptions() })],
    resolve: {
      alias: [{ find: /^@ha-shop\/([a-z0-9-]+)$/, replacement: resolve(root, 'libs/$1/src/index.ts') }],
    },
    test: {
      name: opts.name,
      root: opts.dir,
      include: ['test/**/*.spec.ts', 'src/**/*.spec.ts'],
      environment: 'node',
      // Generous: a test that waits on real processes must not fail because the machine is busy.
      testTimeout: opts.testTimeout ?? 60_000,
      hookTimeout: 120_000,
      globalSetup: opts.postgres ? [resolve(root, 'libs/testkit/src/postgres.global-setup.ts')] : [],
      pool: 'forks',
      poolOptions: { forks: { singleFork: opts.serial ?? false } },
    },
  });
}

function swcOptions() {
  return {
    jsc: {
      parser: { syntax: 'typescript' as const, decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2022' as const,
      keepClassNames: true,
    },
    module: { type: 'es6' as const },
  };
}
