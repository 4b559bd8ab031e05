export { defineService } from './service-app.module';
export type { ServiceApp, ServiceDefinition } from './service-app.module';
