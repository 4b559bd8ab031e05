import 'reflect-metadata';
import { runMigrateCommand } from '@ha-shop/database';
import { SCHEMA, SERVICE_NAME } from './schema';

void runMigrateCommand(SERVICE_NAME, SCHEMA);
