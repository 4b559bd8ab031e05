import { projectConfig } from '../../vitest.shared';

export default projectConfig({ name: 'testkit', dir: __dirname });
