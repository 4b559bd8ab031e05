import { projectConfig } from '../../vitest.shared';

export default projectConfig({ name: 'auth', dir: __dirname, postgres: false });
