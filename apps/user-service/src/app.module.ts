import { defineService } from '@ha-shop/service-host';
import { AddressesModule } from './addresses/addresses.module';
import { UserEnv } from './config/user.env';
import { KeysModule } from './keys/keys.module';
import { SigningKeyStore } from './keys/signing-key.store';
import { SCHEMA, SERVICE_NAME } from './schema';
import { SessionsModule } from './sessions/sessions.module';
import { UsersModule } from './users/users.module';

export const AppModule = defineService({
  name: SERVICE_NAME,
  envClass: UserEnv,
  schema: SCHEMA,
  // The keys live here, so tokens are verified in-process instead of over JWKS_URL.
  keySource: SigningKeyStore,
  events: true,
  modules: [KeysModule, UsersModule, AddressesModule, SessionsModule],
});
