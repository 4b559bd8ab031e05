import { projectConfig } from '../../vitest.shared';

export default projectConfig({ name: 'product-service', dir: __dirname, postgres: true });
