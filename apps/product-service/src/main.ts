import 'reflect-metadata';
import { runServiceProcess } from '@ha-shop/service-kit';
import { AppModule, SERVICE_NAME } from './app.module';

void runServiceProcess(() => AppModule.forRoot(process.env), {
  name: SERVICE_NAME,
  description: 'Catalog, search, stock and reservations of ha-shop',
});
