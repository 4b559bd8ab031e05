import { projectConfig } from '../vitest.shared';

// promtool over every rule file and unit test takes tens of seconds on two busy cores.
export default projectConfig({ name: 'monitoring', dir: __dirname, testTimeout: 120_000 });
