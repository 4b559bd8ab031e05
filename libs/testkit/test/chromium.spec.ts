import { describe, expect, it } from 'vitest';
import { launchChromium } from '../src';

describe('launchChromium', () => {
  it('opens Debian chromium headless and renders a page', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.setContent('<title>ha-shop</title><p id="x">rendered</p>');
      expect(await page.title()).toBe('ha-shop');
      expect(await page.textContent('#x')).toBe('rendered');
    } finally {
      await browser.close();
    }
  });
});
