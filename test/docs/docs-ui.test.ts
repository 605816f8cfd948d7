// GET /docs works with no internet: the page and every script, stylesheet and icon it
// references are served by the service itself, and the spec it loads is ours.
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, makeApp } from '../helpers/app.js';

let app: Awaited<ReturnType<typeof makeApp>>;
let base: string;

beforeAll(async () => {
  app = await makeApp();
  base = await listen(app);
});
afterAll(async () => {
  await app.close();
});

async function get(url: string) {
  const res = await request(url, { maxRedirections: 0 } as never);
  const body = await res.body.text();
  return { status: res.statusCode, type: String(res.headers['content-type'] ?? ''), body };
}

/** src/href of every <script>, <link> and <img> in the page. */
function referencedAssets(html: string): string[] {
  return [...html.matchAll(/<(?:script|link|img)\b[^>]*\b(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
}

describe('GET /docs', () => {
  for (const path of ['/docs', '/docs/']) {
    it(`${path}: the page and every asset it references come from the service`, async () => {
      const page = await get(base + path);
      expect(page.status).toBe(200);
      expect(page.type).toContain('text/html');
      const assets = referencedAssets(page.body);
      expect(assets.length).toBeGreaterThanOrEqual(5);
      expect(assets.some((a) => a.endsWith('swagger-ui-bundle.js'))).toBe(true);
      expect(assets.some((a) => a.endsWith('swagger-ui.css'))).toBe(true);
      for (const asset of assets) {
        const url = new URL(asset, base + path);
        expect(url.origin, asset).toBe(base);
        const res = await get(url.href);
        expect(res.status, url.href).toBe(200);
        expect(res.body.length, url.href).toBeGreaterThan(0);
      }
    });
  }

  it('loads the spec from the service (never a CDN, never validator.swagger.io)', async () => {
    const init = await get(`${base}/docs/static/swagger-initializer.js`);
    expect(init.status).toBe(200);
    expect(init.body).toContain("resolveUrl('./json')");
    expect(init.body).toContain('"validatorUrl":null');
    // Only code comments may mention a web address; no string the script uses does.
    const code = init.body.replace(/^\s*\/\/.*$/gm, '');
    expect(code).not.toMatch(/https?:\/\//);
    const spec = await get(`${base}/docs/json`);
    expect(spec.status).toBe(200);
    expect(JSON.parse(spec.body).paths['/v1/gradient']).toBeDefined();
  });
});
