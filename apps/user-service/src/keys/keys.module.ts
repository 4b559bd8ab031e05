import { Module } from '@nestjs/common';
import { KEY_SOURCE } from '@ha-shop/auth';
import { AccessTokenIssuer } from './access-token.issuer';
import { JwksController } from './jwks.controller';
import { SigningKeyStore } from './signing-key.store';

/**
 * The store itself is registered by AuthModule.forRoot({ keySource: SigningKeyStore });
 * aliasing KEY_SOURCE here makes signing and verification share that one instance.
 */
@Module({
  controllers: [JwksController],
  providers: [{ provide: SigningKeyStore, useExisting: KEY_SOURCE }, AccessTokenIssuer],
  exports: [SigningKeyStore, AccessTokenIssuer],
})
export class KeysModule {}
