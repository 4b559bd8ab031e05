import { projectConfig } from '../../vitest.shared';

export default projectConfig({ name: 'checkout-service', dir: __dirname, postgres: true });
