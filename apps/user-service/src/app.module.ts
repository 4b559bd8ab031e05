import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@ha-shop/auth';
import { DatabaseModule } from '@ha-shop/database';
import { EventsModule } from '@ha-shop/events';
import { ServiceCoreModule } from '@ha-shop/service-kit';
import { AddressesModule } from './addresses/addresses.module';
import { UserEnv } from './config/user.env';
import { KeysModule } from './keys/keys.module';
import { SigningKeyStore } from './keys/signing-key.store';
import { SCHEMA, SERVICE_NAME } from './schema';
import { SessionsModule } from './sessions/sessions.module';
import { UsersModule } from './users/users.module';

@Module({})
export class AppModule {
  static forRoot(env: Record<string, string | undefined>): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceCoreModule.forRoot({ name: SERVICE_NAME, envClass: UserEnv, env }),
        DatabaseModule.forRoot({
          applicationName: SERVICE_NAME,
          ...SCHEMA,
        }),
        // The keys live here, so tokens are verified in-process instead of over JWKS_URL.
        AuthModule.forRoot({ keySource: SigningKeyStore }),
        EventsModule.forRoot({ source: SERVICE_NAME }),
        KeysModule,
        UsersModule,
        AddressesModule,
        SessionsModule,
      ],
    };
  }
}
