import { projectConfig } from '../../vitest.shared';

// One process per test file (vitest's default isolation): the tracing tests start a process-wide SDK.
export default projectConfig({ name: 'shop-e2e', dir: __dirname, postgres: true, testTimeout: 120_000 });
