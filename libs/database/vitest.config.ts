import { projectConfig } from '../../vitest.shared';

export default projectConfig({ name: 'database', dir: __dirname, postgres: true });
