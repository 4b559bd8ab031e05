import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { BaseEnv } from '@ha-shop/service-kit';
import { AuthGuard, TOKEN_VERIFIER } from './auth.guard';
import { KeySource, RemoteKeySource } from './key-source';
import { TokenVerifier } from './token-verifier';

export const KEY_SOURCE = Symbol('KEY_SOURCE');

/**
 * Token verification for a service. By default keys come from JWKS_URL; user-service,
 * which owns the keys, passes its own in-process key source instead.
 */
@Module({})
export class AuthModule {
  static forRoot(options: { keySource?: new (...args: never[]) => KeySource } = {}): DynamicModule {
    const keySourceProvider = options.keySource
      ? { provide: KEY_SOURCE, useExisting: options.keySource }
      : {
          provide: KEY_SOURCE,
          inject: [BaseEnv],
          useFactory: (env: BaseEnv) => {
            if (!env.JWKS_URL) throw new Error('JWKS_URL is required to verify access tokens');
            return new RemoteKeySource(env.JWKS_URL);
          },
        };
    return {
      module: AuthModule,
      global: true,
      providers: [
        ...(options.keySource ? [options.keySource] : []),
        keySourceProvider,
        {
          provide: TOKEN_VERIFIER,
          inject: [KEY_SOURCE, BaseEnv],
          useFactory: (keys: KeySource, env: BaseEnv) =>
            new TokenVerifier(keys, env.JWT_ISSUER, env.JWT_AUDIENCE),
        },
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
      exports: [TOKEN_VERIFIER, KEY_SOURCE],
    };
  }
}
