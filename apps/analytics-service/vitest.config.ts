import { projectConfig } from '../../vitest.shared';

export default projectConfig({
  name: 'analytics-service',
  dir: __dirname,
  postgres: true,
  testTimeout: 60_000,
});
