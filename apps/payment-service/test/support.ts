import { randomBytes, randomUUID } from 'node:crypto';
import { RunningService, TEST_CARDS } from '@ha-shop/service-kit';
import {
  apiClient,
  ApiResponse,
  bootService,
  createTestDatabase,
  sql,
  testEnv,
  TestIssuer,
} from '@ha-shop/testkit';
import { AppModule } from '../src/app.module';

export interface PaymentService {
  svc: RunningService;
  db: string;
  internalToken: string;
  api: PaymentsApi;
  close(): Promise<void>;
}

/** Boots payment-service in-process on a fresh database, with internal-token protection on. */
export async function startPaymentService(extra: Record<string, string> = {}): Promise<PaymentService> {
  const db = await createTestDatabase('pay');
  const issuer = await TestIssuer.start();
  const internalToken = randomBytes(16).toString('hex');
  const env = testEnv({
    DATABASE_URL: db,
    JWKS_URL: issuer.jwksUrl,
    INTERNAL_TOKEN: internalToken,
    ...extra,
  });
  const svc = await bootService(AppModule.forRoot(env), 'payment-service');
  return {
    svc,
    db,
    internalToken,
    api: new PaymentsApi(svc.url, internalToken),
    close: async () => {
      await svc.shutdown();
      await issuer.close();
    },
  };
}

/** The calls checkout-service makes, as an internal caller. */
export class PaymentsApi {
  readonly raw: ReturnType<typeof apiClient>;

  constructor(
    readonly url: string,
    private readonly internalToken: string,
  ) {
    this.raw = apiClient(url);
  }

  /** `key: null` sends no Idempotency-Key header. */
  headers(key: string | null = null, extra: Record<string, string> = {}): Record<string, string> {
    return {
      'x-internal-token': this.internalToken,
      ...(key !== null ? { 'idempotency-key': key } : {}),
      ...extra,
    };
  }

  /** Charges with a fresh Idempotency-Key unless one is given (`null`: none). */
  pay(body: unknown, key: string | null = randomUUID()): Promise<ApiResponse> {
    return this.raw.post('/payments', body, { headers: this.headers(key) });
  }

  refund(paymentId: string, body: unknown, key: string | null = randomUUID()): Promise<ApiResponse> {
    return this.raw.post(`/payments/${paymentId}/refund`, body, { headers: this.headers(key) });
  }

  get(path: string): Promise<ApiResponse> {
    return this.raw.get(path, { headers: this.headers() });
  }
}

export const NEXT_YEAR = new Date().getUTCFullYear() + 1;

export interface PaymentRequest {
  orderId: string;
  amount: number;
  currency: string;
  card: { number: string; expMonth: number; expYear: number; cvc: string };
  customerId?: string;
  /** Tests also send fields of the wrong type or unknown fields. */
  [field: string]: unknown;
}

/** A valid charge of 25.99 EUR with the always-good Visa card; overrides may make it invalid. */
export function paymentBody(
  overrides: Record<string, unknown> = {},
  card: Record<string, unknown> = {},
): PaymentRequest {
  return {
    orderId: randomUUID(),
    amount: 2599,
    currency: 'EUR',
    card: { number: TEST_CARDS.visa, expMonth: 12, expYear: NEXT_YEAR, cvc: '123', ...card },
    ...overrides,
  } as PaymentRequest;
}

export async function countRows(
  db: string,
  table: 'payment' | 'refund' | 'idempotency_key' | 'outbox_event',
  where = 'true',
  params: unknown[] = [],
) {
  const [row] = await sql<{ n: number }>(
    db,
    `SELECT count(*)::int AS n FROM ${table} WHERE ${where}`,
    params,
  );
  return row.n;
}
