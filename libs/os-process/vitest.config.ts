import { projectConfig } from '../../vitest.shared';

export default projectConfig({ name: 'os-process', dir: __dirname, postgres: false });
