import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { launchChromium } from '@ha-shop/testkit';

/** Git-ignored (apps/runner/.gitignore); the README's demo section points here. */
export const SCREENSHOTS = resolve(__dirname, '..', 'test-output', 'screenshots');

/**
 * Prometheus' own graph page (Debian ships the classic UI) for `exprs` over the last
 * `range`, photographed by Debian's headless chromium. Returns the PNG's path.
 */
export async function screenshotGraph(prometheusUrl: string, exprs: string[], name: string, range = '5m') {
  const params = new URLSearchParams();
  exprs.forEach((expr, i) => {
    params.set(`g${i}.expr`, expr);
    params.set(`g${i}.tab`, '0');
    params.set(`g${i}.range_input`, range);
  });
  const browser = await launchChromium();
  try {
    // Tall enough for three graphs: a full-page shot would paint the fixed navbar mid-page.
    const page = await browser.newPage({ viewport: { width: 1400, height: 2300 } });
    await page.goto(`${prometheusUrl}/graph?${params.toString()}`, { waitUntil: 'networkidle' });
    // One drawn line per graph before the picture is taken.
    await page
      .locator('.graph_area svg path')
      .nth(exprs.length - 1)
      .waitFor({ state: 'attached', timeout: 30_000 });
    mkdirSync(SCREENSHOTS, { recursive: true });
    const path = join(SCREENSHOTS, `${name}.png`);
    await page.screenshot({ path });
    return path;
  } finally {
    await browser.close();
  }
}
