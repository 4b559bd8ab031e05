import { projectConfig } from '../../vitest.shared';

export default projectConfig({ name: 'payment-service', dir: __dirname, postgres: true });
