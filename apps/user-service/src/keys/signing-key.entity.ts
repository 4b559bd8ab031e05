import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { JWK } from 'jose';

export type SigningKeyState = 'current' | 'previous' | 'retired';

/** An ES256 key pair. `current` signs; `current` and `previous` are published in the JWKS. */
@Entity({ name: 'signing_key' })
export class SigningKeyEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  kid: string;

  @Column({ type: 'varchar', length: 10 })
  alg: string;

  @Column({ name: 'public_jwk', type: 'jsonb' })
  publicJwk: JWK;

  /** PKCS#8 PEM, or its AES-256-GCM envelope when JWT_KEY_ENCRYPTION_SECRET is set. */
  @Column({ name: 'private_key', type: 'text', select: false })
  privateKey: string;

  @Column({ type: 'varchar', length: 10 })
  state: SigningKeyState;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'rotated_at', type: 'timestamptz', nullable: true })
  rotatedAt: Date | null;
}
