// Over 250 lines: every page journey shares one browser and one running shop behind the storefront.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startRunner, type TestRunner } from '../../runner/test/support';
import { launchChromium } from '@ha-shop/testkit';
import { screenshot, seriousA11yViolations } from './support/browser';
import { addTeaProduct, readAdmin, type Admin } from './support/shop-data';

const CARD_OK = '4242 4242 4242 4242';
const CARD_DECLINED = '4000 0000 0000 0002';

/**
 * The storefront in Debian's Chromium against `make demo`'s runner (started here, with the
 * built storefront supervised like the services). One runner for the whole file: starting
 * one costs half a minute. The degradation test stops product-service and runs last.
 */
describe('storefront in a real browser', () => {
  let runner: TestRunner;
  let browser: Browser;
  let base: string;
  let admin: Admin;
  let product: Awaited<ReturnType<typeof addTeaProduct>>;
  const contexts: BrowserContext[] = [];

  const newPage = async (): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    return page;
  };
  const expectAccessible = async (page: Page) => expect(await seriousA11yViolations(page)).toEqual([]);

  /** `option` as the page words it, e.g. 'size: 250g'; waits for this variant's confirmation. */
  const addVariant = async (page: Page, option: string) => {
    await page.getByLabel(option).check();
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `Added ${option} to your cart` })
      .waitFor();
  };

  const fillAddress = async (page: Page) => {
    await page.getByLabel('Full name').fill('Grace Hopper');
    await page.getByLabel('Street and number').fill('1 Harbour Street');
    await page.getByLabel('City').fill('Arlington');
    await page.getByLabel('Postal code').fill('22201');
    await page.getByLabel('Country code').fill('US');
  };
  const fillCard = async (page: Page, number: string) => {
    await page.getByLabel('Card number').fill(number);
    await page.getByLabel('Expiry (MM/YY)').fill(`12/${(new Date().getUTCFullYear() + 2) % 100}`);
    await page.getByLabel('Security code').fill('123');
  };

  beforeAll(async () => {
    // Liveness failures are not what these tests are about: a SIGSTOPped product-service
    // must stay stopped (not be killed and restarted) while the catalog is checked.
    runner = await startRunner(['--liveness-failures', '100'], { storefront: true });
    base = runner.storefrontUrl!;
    await runner.api.waitFor((s) => s.storefront?.ready === true, 120_000, 'the storefront to be ready');
    admin = readAdmin(runner.dataDir);
    product = await addTeaProduct(runner.apiUrl, admin);
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await runner?.stop();
  });

  it('a guest finds a product by a misspelled search, adds two variants, registers at checkout, pays and sees the order', async () => {
    const page = await newPage();
    await page.goto(base);
    await page.getByRole('heading', { name: 'Featured' }).waitFor();
    await screenshot(page, 'home');
    await expectAccessible(page);

    await page.getByRole('searchbox', { name: 'Search products' }).fill('lapsang suchong');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByRole('heading', { name: /Results for/ }).waitFor();
    await screenshot(page, 'search');
    await expectAccessible(page);
    await page
      .getByRole('link', { name: /Smoky Lapsang Souchong/ })
      .first()
      .click();

    await page.getByRole('heading', { name: 'Smoky Lapsang Souchong' }).waitFor();
    await expectAccessible(page);
    await addVariant(page, 'size: 100g');
    await addVariant(page, 'size: 250g');
    await screenshot(page, 'product');

    await page.goto(`${base}/cart`);
    const lines = page.getByTestId('cart-line');
    expect(await lines.count()).toBe(2);
    expect(await page.getByTestId('cart-subtotal').textContent()).toContain('44.00');
    await screenshot(page, 'cart');
    await expectAccessible(page);

    await page.getByRole('link', { name: 'Go to checkout' }).click();
    await page.getByRole('heading', { name: 'Checkout' }).waitFor();
    await expectAccessible(page);
    const email = `grace.${Date.now()}@example.test`;
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByLabel('Create an account with this email').check();
    await page.getByLabel('Your name (for the account)').fill('Grace Hopper');
    await page.getByLabel('Password (for the account)').fill('correct horse battery staple');
    await fillAddress(page);
    await fillCard(page, CARD_OK);
    await screenshot(page, 'checkout');
    await page.getByRole('button', { name: 'Place order' }).click();

    await page.getByTestId('order-confirmed').waitFor();
    expect(await page.getByTestId('order-status').textContent()).toBe('Paid');
    const orderId = (await page.getByTestId('order-id').textContent())!;
    await screenshot(page, 'confirmation');
    await expectAccessible(page);

    // Registered during checkout: signed in, and the order is in the history.
    await page.getByRole('link', { name: 'Orders', exact: true }).click();
    await page.getByRole('heading', { name: 'Your orders' }).waitFor();
    const row = page.getByTestId('order-row').filter({ hasText: orderId.slice(0, 8) });
    expect(await row.textContent()).toContain('Paid');
    expect(await row.textContent()).toContain('44.00');
    await screenshot(page, 'orders');
    await expectAccessible(page);
  });

  it('a declined card shows the decline and keeps the cart', async () => {
    const page = await newPage();
    await page.goto(`${base}/products/${product.slug}`);
    await addVariant(page, 'size: 250g');
    await page.goto(`${base}/checkout`);
    await page.getByLabel('Email', { exact: true }).fill(`alan.${Date.now()}@example.test`);
    await fillAddress(page);
    await fillCard(page, CARD_DECLINED);
    await page.getByRole('button', { name: 'Place order' }).click();

    const alert = page.getByTestId('checkout-declined');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/declined/i);
    await screenshot(page, 'checkout-declined');
    await expectAccessible(page);

    await page.goto(`${base}/cart`);
    const lines = page.getByTestId('cart-line');
    expect(await lines.count()).toBe(1);
    expect(await lines.first().textContent()).toContain(product.variants[1].sku);
  });

  it('with checkout-service failing, checkout asks to retry and the cart stays', async () => {
    const page = await newPage();
    await page.goto(`${base}/products/${product.slug}`);
    await addVariant(page, 'size: 100g');
    await page.goto(`${base}/checkout`);
    await page.getByLabel('Email', { exact: true }).fill(`ada.${Date.now()}@example.test`);
    await fillAddress(page);
    await fillCard(page, CARD_OK);
    await runner.api.chaos('faults', { service: 'checkout-service', errorRate: 1 });
    try {
      await page.getByRole('button', { name: 'Place order' }).click();
      const notice = page.getByTestId('checkout-unavailable');
      await notice.waitFor();
      expect(await notice.textContent()).toMatch(/temporarily unavailable.*cart is kept.*try again/);
    } finally {
      await runner.api.chaos('heal');
    }
    // Once checkout answers again (the storefront's breaker may still be half-open), the cart is there.
    const line = await eventually('the cart to show again', async () => {
      await page.goto(`${base}/cart`);
      const lines = page.getByTestId('cart-line');
      return (await lines.count()) === 1 ? lines.first().textContent() : undefined;
    });
    expect(line).toContain(product.variants[0].sku);
  });

  it('/architecture is for admins and shows a killed replica going down and coming back', async () => {
    const guest = await newPage();
    await guest.goto(`${base}/architecture`);
    await guest.getByRole('heading', { name: 'Sign in' }).waitFor();
    await expectAccessible(guest);

    const page = await newPage();
    await page.goto(`${base}/login?next=/architecture`);
    await page.getByLabel('Email', { exact: true }).fill(admin.email);
    await page.getByLabel('Password').fill(admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Live map' }).waitFor();
    const replica = page.getByTestId('replica-product-service-1');
    await page.locator('[data-testid="replica-product-service-1"][data-ready="true"]').waitFor();
    expect(await page.getByTestId('ready-product-service').textContent()).toBe('2/2 ready');
    expect(await page.getByTestId('kpi-tiles').textContent()).toContain('Orders paid');
    await screenshot(page, 'architecture');
    await expectAccessible(page);

    const before = Number(await page.getByTestId('restarts-product-service-1').textContent());
    await runner.api.chaos('kill', { service: 'product-service', replica: 1 });
    // The page refreshes itself: no reload from here on.
    await page
      .locator('[data-testid="replica-product-service-1"][data-ready="false"]')
      .waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('ready-product-service').textContent()).toBe('1/2 ready');
    await page
      .locator('[data-testid="replica-product-service-1"][data-ready="true"]')
      .waitFor({ timeout: 90_000 });
    expect(Number(await page.getByTestId('restarts-product-service-1').textContent())).toBe(before + 1);
    expect(await replica.textContent()).toContain('ready');
    await page.getByTestId('ready-product-service').filter({ hasText: '2/2 ready' }).waitFor();
    expect(await page.getByTestId('timeline').textContent()).toContain('kill product-service-1');

    // KPIs come from analytics (the journey above paid an order); with analytics answering
    // nothing but errors the tiles say so, and the rest of the page stays.
    const tiles = page.getByTestId('kpi-tiles');
    expect(await tiles.textContent()).not.toContain('unavailable');
    await runner.api.chaos('faults', { service: 'analytics-service', errorRate: 1 });
    try {
      await tiles.filter({ hasText: 'unavailable' }).waitFor({ timeout: 30_000 });
      expect(await page.getByTestId('ready-product-service').textContent()).toBe('2/2 ready');
    } finally {
      await runner.api.chaos('heal');
    }
  });

  it('with product-service stopped the catalog still renders, from its last good data, with a notice', async () => {
    const page = await newPage();
    await page.goto(`${base}/products`);
    await page.getByRole('list', { name: 'Products' }).waitFor();
    const names = await page.getByRole('list', { name: 'Products' }).getByRole('link').allTextContents();
    expect(names.length).toBeGreaterThan(0);
    expect(await page.getByTestId('degraded-notice').count()).toBe(0);

    // Both replicas SIGSTOPped: no product-service process answers anything.
    const replicas = (await runner.api.status()).services.find((s) => s.name === 'product-service')!.replicas;
    for (const r of replicas) {
      await runner.api.chaos('freeze', {
        service: 'product-service',
        replica: Number(r.id.split('-').pop()),
        seconds: 120,
      });
    }
    try {
      const res = await page.goto(`${base}/products`);
      expect(res?.status()).toBe(200);
      await page.getByTestId('degraded-notice').waitFor();
      expect(await page.getByTestId('degraded-notice').textContent()).toContain('temporarily unavailable');
      expect(await page.getByRole('list', { name: 'Products' }).getByRole('link').allTextContents()).toEqual(
        names,
      );
      await screenshot(page, 'catalog-degraded');
      await expectAccessible(page);

      // A page never fetched before has no saved copy: a friendly message, not an error page.
      const unseen = await page.goto(`${base}/products?category=tea`);
      expect(unseen?.status()).toBe(200);
      expect(await page.getByTestId('degraded-notice').textContent()).toContain('temporarily unavailable');
    } finally {
      await runner.api.chaos('heal');
    }
  });
});
