// All five services in-process, each on its own database, wired exactly as in production:
// tokens from user-service's JWKS, internal calls with the internal token, analytics pulling
// every producer's feed. Only HTTP is used to talk to them afterwards.
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { RunningService } from '@ha-shop/service-kit';
import { apiClient, ApiClient, bootService, createTestDatabase, testEnv } from '@ha-shop/testkit';
import { AppModule as AnalyticsApp } from '../../analytics-service/src/app.module';
import { AppModule as CheckoutApp } from '../../checkout-service/src/app.module';
import { AppModule as PaymentApp } from '../../payment-service/src/app.module';
import { AppModule as ProductApp } from '../../product-service/src/app.module';
import { AppModule as UserApp } from '../../user-service/src/app.module';
import { createAdmin } from '../../user-service/src/users/admin-bootstrap';

export interface FiveServices {
  users: ApiClient;
  products: ApiClient;
  checkout: ApiClient;
  analytics: ApiClient;
  admin: { email: string; password: string };
  /** Each service's own address (an edge in front of them routes here). */
  urls: Record<
    'user-service' | 'product-service' | 'checkout-service' | 'payment-service' | 'analytics-service',
    string
  >;
  close(): Promise<void>;
}

export async function startFiveServices(): Promise<FiveServices> {
  const internal = { INTERNAL_TOKEN: randomBytes(16).toString('hex') };
  const dbs = await Promise.all(
    ['users', 'products', 'payments', 'checkout', 'analytics'].map((n) => createTestDatabase(n)),
  );
  const [userDb, productDb, paymentDb, checkoutDb, analyticsDb] = dbs;
  const started: RunningService[] = [];
  const boot = async (module: unknown, name: string) => {
    const svc = await bootService(module, name);
    started.push(svc);
    return svc;
  };

  const user = await boot(UserApp.forRoot(testEnv({ ...internal, DATABASE_URL: userDb })), 'user-service');
  const jwks = { JWKS_URL: `${user.url}/.well-known/jwks.json` };
  const [product, payment] = await Promise.all([
    boot(ProductApp.forRoot(testEnv({ ...internal, ...jwks, DATABASE_URL: productDb })), 'product-service'),
    boot(PaymentApp.forRoot(testEnv({ ...internal, ...jwks, DATABASE_URL: paymentDb })), 'payment-service'),
  ]);
  const checkout = await boot(
    CheckoutApp.forRoot(
      testEnv({
        ...internal,
        ...jwks,
        DATABASE_URL: checkoutDb,
        PRODUCT_SERVICE_URL: product.url,
        PAYMENT_SERVICE_URL: payment.url,
        PAYMENT_DATA_KEY: randomBytes(32).toString('base64'),
      }),
    ),
    'checkout-service',
  );
  const feeds = [
    `user-service=${user.url}`,
    `product-service=${product.url}`,
    `checkout-service=${checkout.url}`,
    `payment-service=${payment.url}`,
  ];
  const analytics = await boot(
    AnalyticsApp.forRoot(
      testEnv({
        ...internal,
        ...jwks,
        DATABASE_URL: analyticsDb,
        FEED_SOURCES: feeds.join(','),
        FEED_POLL_INTERVAL_MS: '100',
      }),
    ),
    'analytics-service',
  );

  // The admin account is created the way operators do it (there is no HTTP route for that).
  const admin = { email: 'admin@shop.test', password: randomBytes(12).toString('base64url') };
  await createAdmin(user.app.get(DataSource), admin.email, admin.password);

  return {
    users: apiClient(user.url),
    products: apiClient(product.url),
    checkout: apiClient(checkout.url),
    analytics: apiClient(analytics.url),
    admin,
    urls: {
      'user-service': user.url,
      'product-service': product.url,
      'checkout-service': checkout.url,
      'payment-service': payment.url,
      'analytics-service': analytics.url,
    },
    async close() {
      for (const svc of started.reverse()) await svc.shutdown().catch(() => undefined);
    },
  };
}
