import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { BaseEnv, validateEnv } from './env';
import { ProductionSecretsWarning } from './secrets-warning';

/**
 * Validated configuration as a typed provider. The env class itself is the DI token,
 * so `constructor(private readonly env: ProductEnv)` just works. `ConfigService`
 * is still registered (backed by the same validated object) for libraries that expect it.
 */
@Module({})
export class ServiceConfigModule {
  static forRoot<T extends BaseEnv>(
    cls: new () => T,
    env: Record<string, string | undefined>,
  ): DynamicModule {
    const validated = validateEnv(cls, env);
    return {
      module: ServiceConfigModule,
      global: true,
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          ignoreEnvVars: true,
          skipProcessEnv: true,
          load: [() => ({ ...validated })],
        }),
      ],
      providers: [
        { provide: cls, useValue: validated },
        { provide: BaseEnv, useValue: validated },
        ProductionSecretsWarning,
      ],
      exports: [cls, BaseEnv],
    };
  }
}
