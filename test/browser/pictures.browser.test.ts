// The pictures in a real browser: headless Chromium loads each SVG the service serves as an
// <img>, takes a screenshot, and the screenshot's pixels (read back through a canvas) must not
// be blank: many pixels away from the background, and the colours that carry meaning present.
import { type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chain, net232 } from '../helpers/lesson.js';
import { type BrowserOnService, openBrowserOnService } from '../helpers/browser.js';

let browser: BrowserOnService;
let base: string;
let context: BrowserContext;
let app: BrowserOnService['app'];

beforeAll(async () => {
  browser = await openBrowserOnService();
  ({ base, context, app } = browser);
});

afterAll(async () => {
  await browser?.close();
});

interface PixelStats { width: number; height: number; differentFromCorner: number; colours: number; blue: number; red: number }

/** Screenshot of the <img>, decoded in the page through a canvas. */
async function screenshotStats(page: Page): Promise<PixelStats> {
  const png = await page.locator('img#picture').screenshot();
  expect(png.length).toBeGreaterThan(1000);
  return page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const g = canvas.getContext('2d')!;
    g.drawImage(img, 0, 0);
    const { data } = g.getImageData(0, 0, canvas.width, canvas.height);
    const [r0, g0, b0] = [data[0], data[1], data[2]];
    const colours = new Set<number>();
    let differentFromCorner = 0;
    let blue = 0;
    let red = 0;
    for (let i = 0; i < data.length; i += 4) {
      const [r, gr, b] = [data[i], data[i + 1], data[i + 2]];
      colours.add((r << 16) | (gr << 8) | b);
      if (Math.abs(r - r0) + Math.abs(gr - g0) + Math.abs(b - b0) > 30) differentFromCorner++;
      if (b > 150 && b - r > 60 && b - gr > 20) blue++;
      if (r > 150 && r - b > 60 && r - gr > 60) red++;
    }
    return { width: canvas.width, height: canvas.height, differentFromCorner, colours: colours.size, blue, red };
  }, png.toString('base64'));
}

/** Shows the SVG at `url` (GET) or the answer to a POST of `body` as an <img>. */
async function showPicture(url: string, body?: object): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${base}/healthz`);
  await page.evaluate(async ({ url, body }) => {
    const response = await fetch(url, body
      ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }
      : {});
    if (!response.ok || response.headers.get('content-type') !== 'image/svg+xml') throw new Error(`${response.status} ${response.headers.get('content-type')}`);
    const blob = await response.blob();
    document.body.style.margin = '0';
    const img = document.createElement('img');
    img.id = 'picture';
    img.src = URL.createObjectURL(blob);
    document.body.appendChild(img);
    await img.decode();
  }, { url: `${base}${url}`, body });
  return page;
}

describe('pictures in headless Chromium', () => {
  it('the 2-3-2 network diagram is not blank and shows both weight signs', async () => {
    const page = await showPicture('/v1/diagram', net232);
    const stats = await screenshotStats(page);
    expect(stats.width).toBeGreaterThan(300);
    expect(stats.differentFromCorner / (stats.width * stats.height)).toBeGreaterThan(0.02);
    expect(stats.colours).toBeGreaterThan(20);
    expect(stats.blue).toBeGreaterThan(100);
    expect(stats.red).toBeGreaterThan(100);
    await page.close();
  });

  it('the lesson chain diagram is not blank', async () => {
    const page = await showPicture('/v1/diagram', chain);
    const stats = await screenshotStats(page);
    expect(stats.differentFromCorner / (stats.width * stats.height)).toBeGreaterThan(0.02);
    expect(stats.blue).toBeGreaterThan(100); // w⁽³⁾ = 0.8 carries the largest |∂C/∂w|: a thick blue line
    await page.close();
  });

  it('a session\'s cost curve (linear and log) and its network are not blank', async () => {
    const created = await app.inject({ method: 'POST', url: '/v1/sessions', payload: { ...net232, optimizer: { type: 'sgd', learningRate: 1.5 } } });
    const { id } = created.json();
    expect((await app.inject({ method: 'POST', url: `/v1/sessions/${id}/steps`, payload: { steps: 200, includeNetwork: false } })).statusCode).toBe(200);
    for (const scale of ['linear', 'log']) {
      const page = await showPicture(`/v1/sessions/${id}/cost.svg?scale=${scale}`);
      const stats = await screenshotStats(page);
      expect(stats.differentFromCorner / (stats.width * stats.height), scale).toBeGreaterThan(0.01);
      expect(stats.blue, scale).toBeGreaterThan(200); // the curve
      expect(stats.red, scale).toBeGreaterThan(20); // the last point and its label
      await page.close();
    }
    const page = await showPicture(`/v1/sessions/${id}/diagram.svg?example=1`);
    const stats = await screenshotStats(page);
    expect(stats.differentFromCorner / (stats.width * stats.height)).toBeGreaterThan(0.02);
    expect(stats.blue).toBeGreaterThan(100);
    expect(stats.red).toBeGreaterThan(100);
    await page.close();
  });
});
