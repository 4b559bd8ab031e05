import type { ServiceSchema } from '@ha-shop/database';
import { OUTBOX_ENTITIES, OUTBOX_MIGRATIONS } from '@ha-shop/events';
import { AddressEntity } from './addresses/address.entity';
import { SigningKeyEntity } from './keys/signing-key.entity';
import { UserSchema1731200000000 } from './migrations/1731200000000-user-schema';
import { RefreshTokenEntity, RefreshTokenFamilyEntity } from './sessions/refresh-token.entity';
import { UserEntity } from './users/user.entity';

export const SERVICE_NAME = 'user-service';

export const SCHEMA: ServiceSchema = {
  entities: [
    UserEntity,
    AddressEntity,
    RefreshTokenFamilyEntity,
    RefreshTokenEntity,
    SigningKeyEntity,
    ...OUTBOX_ENTITIES,
  ],
  migrations: [...OUTBOX_MIGRATIONS, UserSchema1731200000000],
};
