// The interactive docs work in a real browser with no internet: headless Chromium opens /docs,
// runs "Try it out" on POST /v1/gradient with the pre-filled lesson example, and sees a 200
// whose cost is the lesson's C₀ = (a⁽³⁾ − y)², computed here independently.
import { type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserOnService, openBrowserOnService } from '../helpers/browser.js';

let browser: BrowserOnService;
let base: string;
let context: BrowserContext;

beforeAll(async () => {
  browser = await openBrowserOnService();
  ({ base, context } = browser);
});

afterAll(async () => {
  await browser?.close();
});

/** The lesson's chain by hand: a⁽ˡ⁾ = σ(w⁽ˡ⁾a⁽ˡ⁻¹⁾ + b⁽ˡ⁾), C₀ = (a⁽³⁾ − 0)². */
function lessonCost(): number {
  const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
  const a1 = sigmoid(0.5 * 1.0 + 0.1);
  const a2 = sigmoid(-0.3 * a1 + 0.2);
  const a3 = sigmoid(0.8 * a2 - 0.1);
  return (a3 - 0) ** 2;
}

describe('/docs in headless Chromium', () => {
  it('runs "Try it out" on POST /v1/gradient and shows a 200 with the lesson\'s cost', async () => {
    const page = await context.newPage();
    const outside: string[] = [];
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(base + '/')) return route.continue();
      outside.push(url);
      return route.abort();
    });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));

    await page.goto(`${base}/docs`, { waitUntil: 'load' });
    const operation = page.locator('#operations-compute-gradient');
    await operation.locator('.opblock-summary').first().click();
    await operation.getByRole('button', { name: 'Try it out' }).click();
    // The body is pre-filled with the documented example: the 1-1-1-1 chain.
    const body = operation.locator('textarea.body-param__text');
    expect(JSON.parse(await body.inputValue()).network.layers).toHaveLength(3);
    await operation.getByRole('button', { name: 'Execute' }).click();

    const live = operation.locator('.live-responses-table .response');
    await expect.poll(async () => (await live.locator('.response-col_status').first().textContent())?.trim(), { timeout: 60_000 }).toBe('200');
    const shown = await live.locator('.response-col_description pre').first().textContent();
    const response = JSON.parse(shown ?? '');
    expect(response.cost).toBeCloseTo(lessonCost(), 14);
    expect(response.parameterCount).toBe(6);
    expect(outside).toEqual([]);
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
