import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BaseEnv, HEALTH_DATA_SOURCE } from '@ha-shop/service-kit';
import { DataSource, EntitySchema, MixedList } from 'typeorm';
import { dataSourceOptions, ensureDatabase, migrateWithLock } from './data-source';

export interface DatabaseModuleOptions {
  applicationName: string;
  entities: Array<(new () => unknown) | EntitySchema>;
  migrations: MixedList<string | (new () => unknown)>;
  poolSize?: number;
}

/**
 * TypeORM for a service: its own database, schema only through migrations, and
 * migrations applied at start (under a lock) unless DB_MIGRATE_ON_START=false.
 */
@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseModuleOptions): DynamicModule {
    // useFactory sees the validated env; dataSourceFactory runs after it and only sees options.
    let migrateOnStart = true;
    return {
      module: DatabaseModule,
      global: true,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [BaseEnv],
          useFactory: (env: BaseEnv) => {
            migrateOnStart = env.DB_MIGRATE_ON_START;
            return {
              ...dataSourceOptions({ ...options, url: env.DATABASE_URL }),
              // Startup waits for the database a while (it may be starting too), then gives up loudly.
              retryAttempts: 20,
              retryDelay: 500,
              autoLoadEntities: false,
            };
          },
          dataSourceFactory: async (opts) => {
            if (!opts) throw new Error('missing data source options');
            const env = opts as { url?: string };
            if (env.url) await ensureDatabase(env.url);
            const ds = await new DataSource(opts).initialize();
            if (migrateOnStart) await migrateWithLock(ds);
            return ds;
          },
        }),
      ],
      providers: [{ provide: HEALTH_DATA_SOURCE, useExisting: DataSource }],
      exports: [HEALTH_DATA_SOURCE],
    };
  }
}
