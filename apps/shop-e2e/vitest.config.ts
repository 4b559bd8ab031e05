import { projectConfig } from '../../vitest.shared';

export default projectConfig({ name: 'shop-e2e', dir: __dirname, postgres: true, testTimeout: 60_000 });
