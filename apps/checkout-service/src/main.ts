import 'reflect-metadata';
import { runServiceProcess } from '@ha-shop/service-kit';
import { AppModule } from './app.module';
import { SERVICE_NAME } from './schema';

void runServiceProcess(() => AppModule.forRoot(process.env), {
  name: SERVICE_NAME,
  description: 'Carts, checkout saga and orders',
});
