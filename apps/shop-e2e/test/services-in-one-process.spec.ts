import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseExposition, sampleValue } from '@ha-shop/testkit';
import { seedSku, Shop, startShop } from './support/shop';

// Tests boot several services in one process; metrics must neither throw "already
// registered" at boot nor appear twice in an exposition.
describe('several real services in one process', () => {
  let shop: Shop;

  beforeAll(async () => {
    shop = await startShop({ testIssuer: true });
  });
  afterAll(() => shop?.close());

  it('boot and each serve a valid /metrics', async () => {
    await seedSku(shop);
    const all = [shop.product, shop.payment, shop.checkout, shop.user!, shop.analytics!];
    for (const s of all) {
      const res = await fetch(`${s.svc.url}/metrics`);
      expect(res.status).toBe(200);
      const text = await res.text();
      const families = [...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]);
      expect(new Set(families).size, 'each metric family once').toBe(families.length);
      const samples = parseExposition(text);
      for (const name of [
        'product-service',
        'payment-service',
        'checkout-service',
        'user-service',
        'analytics-service',
      ]) {
        expect(sampleValue(samples, 'ha_shop_service_info', { service: name })).toBe(1);
      }
      // Five pools registered, summed: each service's pool counts.
      expect(sampleValue(samples, 'db_pool_max_connections')).toBeGreaterThanOrEqual(5);
      expect(
        sampleValue(samples, 'http_server_request_duration_seconds_count', {
          route: '/admin/products',
          method: 'POST',
        }),
      ).toBe(1);
    }
  });
});
