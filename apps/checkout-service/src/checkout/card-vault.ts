import { Injectable, Logger } from '@nestjs/common';
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { CheckoutEnv } from '../config/checkout.env';
import type { SealedCard } from '../orders/pending-payment.repository';

export interface CardDetails {
  number: string;
  expMonth: number;
  expYear: number;
  /** Only in memory for the request's own attempt; a sealed (parked) card never has it. */
  cvc?: string;
}

/**
 * Encrypts the card of an order whose charge is parked (payment-service unreachable), so
 * the retry worker can charge it later, without the CVC (PCI DSS 3.3.1: never stored after
 * authorisation; the retry is a merchant-initiated charge of a stored card). AES-256-GCM with the order id as associated data:
 * a row copied onto another order does not decrypt. The key comes from PAYMENT_DATA_KEY;
 * `keyId` (a hash prefix of the key) lets a replica skip rows it cannot open.
 */
@Injectable()
export class CardVault {
  private readonly logger = new Logger(CardVault.name);
  private readonly key: Buffer;
  readonly keyId: string;

  constructor(env: CheckoutEnv) {
    if (env.PAYMENT_DATA_KEY) {
      this.key = decodeKey(env.PAYMENT_DATA_KEY);
    } else {
      this.key = randomBytes(32);
      // Only reachable outside production: CheckoutEnv refuses to start there without the key.
      this.logger.warn(
        'INSECURE: PAYMENT_DATA_KEY is not set: using a per-process key, so payments parked during an outage cannot survive a restart',
      );
    }
    this.keyId = createHash('sha256').update(this.key).digest('hex').slice(0, 16);
  }

  seal(orderId: string, card: CardDetails): SealedCard {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(orderId));
    const stored: CardDetails = { number: card.number, expMonth: card.expMonth, expYear: card.expYear };
    const plain = Buffer.from(JSON.stringify(stored));
    const ciphertext = Buffer.concat([cipher.update(plain), cipher.final()]);
    plain.fill(0);
    return { keyId: this.keyId, iv, tag: cipher.getAuthTag(), ciphertext };
  }

  /** Undefined when no card is stored, or it was sealed with another key (another replica's, or before a restart). */
  open(orderId: string, sealed: Partial<Record<keyof SealedCard, unknown>>): CardDetails | undefined {
    if (sealed.keyId !== this.keyId || !(sealed.iv instanceof Buffer)) return undefined;
    if (!(sealed.tag instanceof Buffer) || !(sealed.ciphertext instanceof Buffer)) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, sealed.iv);
      decipher.setAAD(Buffer.from(orderId));
      decipher.setAuthTag(sealed.tag);
      const plain = Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]);
      return JSON.parse(plain.toString('utf8')) as CardDetails;
    } catch {
      return undefined;
    }
  }
}

function decodeKey(value: string): Buffer {
  const key = /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
  if (key.length !== 32) throw new Error('PAYMENT_DATA_KEY must decode to 32 bytes');
  return key;
}
