import { projectConfig } from '../../vitest.shared';

export default projectConfig({ name: 'service-kit', dir: __dirname });
