import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { KeySource } from '@ha-shop/auth';
import { PeriodicTask } from '@ha-shop/service-kit';
import { createLocalJWKSet, type JSONWebKeySet, type JWK, type JWTVerifyGetKey } from 'jose';
import { createPrivateKey, KeyObject } from 'node:crypto';
import { DataSource } from 'typeorm';
import { UserEnv } from '../config/user.env';
import { KeyMaterial, materialFromPem, openPrivateKey, SIGNING_ALG } from './key-material';
import { ensureCurrentKey, loadPublishedKeys } from './signing-keys.repository';

// An unknown kid may mean another replica rotated; re-read, but not more often than this.
const UNKNOWN_KID_RELOAD_GAP_MS = 5000;

/**
 * The service's signing keys, kept in its own database so every replica signs with the
 * same key and tokens survive restarts. It is also the KeySource the shared AuthGuard
 * verifies with, so user-service checks its own tokens in-process.
 */
@Injectable()
export class SigningKeyStore implements KeySource, OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(SigningKeyStore.name);
  private envKey?: KeyMaterial;
  private signing?: { kid: string; key: KeyObject };
  private published: JWK[] = [];
  private keySet: JWTVerifyGetKey = createLocalJWKSet({ keys: [] });
  private lastLoad = 0;
  private readonly reloads: PeriodicTask;

  constructor(
    private readonly dataSource: DataSource,
    private readonly env: UserEnv,
  ) {
    this.reloads = new PeriodicTask({
      name: 'signing key reload',
      everyMs: env.SIGNING_KEY_RELOAD_SECONDS * 1000,
      run: () => this.reload(),
      onError: (err) => this.logger.warn({ err }, 'signing key reload failed'),
    });
  }

  async onModuleInit(): Promise<void> {
    if (this.env.JWT_PRIVATE_KEY_PEM) {
      this.envKey = await materialFromPem(this.env.JWT_PRIVATE_KEY_PEM, this.env.JWT_KEY_ID);
    } else if (await ensureCurrentKey(this.dataSource, this.env.JWT_KEY_ENCRYPTION_SECRET)) {
      this.logger.log('generated the first signing key');
    }
    await this.reload();
    this.logger.log(`signing with key ${this.signing?.kid}; publishing ${this.published.length} key(s)`);
    this.reloads.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.reloads.stop();
  }

  /** The key new access tokens are signed with. */
  currentSigningKey(): { kid: string; key: KeyObject } {
    if (!this.signing) throw new Error('no signing key loaded');
    return this.signing;
  }

  /** Public keys only: current first, then the previous one (tokens it signed are still live). */
  jwks(): JSONWebKeySet {
    return { keys: this.published };
  }

  getKey: JWTVerifyGetKey = async (header, token) => {
    try {
      return await this.keySet(header, token);
    } catch (err) {
      const unknownKid = (err as { code?: string }).code === 'ERR_JWKS_NO_MATCHING_KEY';
      if (!unknownKid || Date.now() - this.lastLoad < UNKNOWN_KID_RELOAD_GAP_MS) throw err;
      await this.reload().catch(() => undefined);
      return this.keySet(header, token);
    }
  };

  async reload(): Promise<void> {
    const stored = await loadPublishedKeys(this.dataSource);
    const jwks: JWK[] = this.envKey ? [this.envKey.publicJwk] : [];
    for (const k of stored) {
      if (!jwks.some((j) => j.kid === k.kid))
        jwks.push({ ...k.publicJwk, kid: k.kid, alg: SIGNING_ALG, use: 'sig' });
    }
    if (this.envKey) {
      this.signing = { kid: this.envKey.kid, key: this.envKey.privateKey };
    } else {
      const current = stored.find((k) => k.state === 'current');
      if (!current?.privateKey) throw new Error('no current signing key in the database');
      if (this.signing?.kid !== current.kid) {
        const pem = openPrivateKey(current.privateKey, current.kid, this.env.JWT_KEY_ENCRYPTION_SECRET);
        this.signing = { kid: current.kid, key: createPrivateKey(pem) };
      }
    }
    this.published = jwks;
    this.keySet = createLocalJWKSet({ keys: jwks });
    this.lastLoad = Date.now();
  }
}
