import 'reflect-metadata';
import { runServiceProcess } from '@ha-shop/service-kit';
import { AppModule, SERVICE_NAME } from './app.module';

void runServiceProcess(() => AppModule.forRoot(process.env), {
  name: SERVICE_NAME,
  description: 'Carts, checkout saga and orders',
});
