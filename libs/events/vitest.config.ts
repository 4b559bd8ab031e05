import { projectConfig } from '../../vitest.shared';

export default projectConfig({ name: 'events', dir: __dirname, postgres: true });
