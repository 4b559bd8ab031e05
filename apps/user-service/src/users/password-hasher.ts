import { Injectable, OnModuleInit } from '@nestjs/common';
import { Algorithm, hash, parseOptions, verify } from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';

// OWASP Password Storage Cheat Sheet, argon2id "m=19456 (19 MiB), t=2, p=1".
// `Algorithm` is a const enum with no runtime value under SWC, hence the literal.
const ARGON2ID = 2 as Algorithm;
export const ARGON2_OPTIONS = {
  algorithm: ARGON2ID,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
  outputLen: 32,
} as const;

/**
 * argon2id hashing. Runs on libuv's thread pool, which also bounds how many 19 MiB
 * hashes can be in flight at once.
 */
@Injectable()
export class PasswordHasher implements OnModuleInit {
  private dummyHash?: Promise<string>;

  onModuleInit(): void {
    void this.dummy();
  }

  hash(password: string): Promise<string> {
    return hash(password, ARGON2_OPTIONS);
  }

  /**
   * Verifies against the stored hash, or against a throwaway hash when there is no
   * user, so "no such email" costs the same time as "wrong password".
   */
  async verify(storedHash: string | undefined, password: string): Promise<boolean> {
    const target = storedHash ?? (await this.dummy());
    let ok: boolean;
    try {
      ok = await verify(target, password);
    } catch {
      ok = false;
    }
    return ok && storedHash !== undefined;
  }

  /** Whether a hash was made with other parameters than today's, so a login should upgrade it. */
  needsRehash(storedHash: string): boolean {
    try {
      const o = parseOptions(storedHash);
      return (
        o.algorithm !== ARGON2_OPTIONS.algorithm ||
        o.memoryCost !== ARGON2_OPTIONS.memoryCost ||
        o.timeCost !== ARGON2_OPTIONS.timeCost ||
        o.parallelism !== ARGON2_OPTIONS.parallelism
      );
    } catch {
      return true;
    }
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= hash(randomBytes(32).toString('base64url'), ARGON2_OPTIONS);
    return this.dummyHash;
  }
}
