// npm run pictures: renders the README's example pictures into docs/images/ through the service
// itself (inject, no network): the lesson's chain and the 2-3-2 network, before and after
// training in a session. Deterministic (the session id comes from a fixed Idempotency-Key), so a
// test can hold the committed files to what this renders.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { chain, net232 } from '../test/helpers/lesson.js';

export const PICTURES_DIR = join('docs', 'images');

/** File name → SVG document. */
export async function renderPictures(): Promise<Map<string, string>> {
  const app = await buildApp({ config: loadConfig({ LOG_LEVEL: 'silent' }), logger: false });
  const pictures = new Map<string, string>();
  const svg = async (method: 'GET' | 'POST', url: string, payload?: object, headers: Record<string, string> = {}) => {
    const res = await app.inject({ method, url, payload, headers });
    if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
    return res.body;
  };
  try {
    pictures.set('lesson-chain-diagram.svg', await svg('POST', '/v1/diagram', chain));
    pictures.set('network-2-3-2-diagram.svg', await svg('POST', '/v1/diagram', { ...net232, example: 0 }));
    const created = JSON.parse(await svg('POST', '/v1/sessions', { ...net232, optimizer: { type: 'sgd', learningRate: 1.5 } },
      { 'idempotency-key': 'readme-pictures' }));
    await svg('POST', `/v1/sessions/${created.id}/steps`, { steps: 400, includeNetwork: false });
    pictures.set('network-2-3-2-cost.svg', await svg('GET', `/v1/sessions/${created.id}/cost.svg`));
    pictures.set('network-2-3-2-cost-log.svg', await svg('GET', `/v1/sessions/${created.id}/cost.svg?scale=log`));
    pictures.set('network-2-3-2-trained-diagram.svg', await svg('GET', `/v1/sessions/${created.id}/diagram.svg`));
  } finally {
    await app.close();
  }
  return pictures;
}

const invokedDirectly = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (invokedDirectly) {
  /** The repository root: two levels above dist/scripts/. */
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const dir = join(root, PICTURES_DIR);
  mkdirSync(dir, { recursive: true });
  for (const [name, svg] of await renderPictures()) {
    writeFileSync(join(dir, name), svg);
    console.log(`wrote ${join(PICTURES_DIR, name)}`);
  }
}
