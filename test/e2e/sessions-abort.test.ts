// A client that goes away during a long step request: the steps stop before the commit and
// nothing is committed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { request } from 'undici';
import { listen, makeApp } from '../helpers/app.js';
import { bitsOf, xor } from '../helpers/sessions.js';

describe('client disconnect during a long step request', () => {
  let app: FastifyInstance;
  let base: string;
  beforeAll(async () => { app = await makeApp(); base = await listen(app); });
  afterAll(async () => { await app?.close(); });

  const json = { 'content-type': 'application/json' };

  it('commits nothing, and the session stays usable', async () => {
    // How long the request takes when nobody leaves: the abort is only proven after that much.
    const ref = (await (await request(`${base}/v1/sessions`, { method: 'POST', headers: json, body: JSON.stringify(xor) })).body.json()) as { id: string };
    const t0 = Date.now();
    const full = await request(`${base}/v1/sessions/${ref.id}/steps`, { method: 'POST', headers: json, body: JSON.stringify({ steps: 30_000, includeNetwork: false }) });
    expect(full.statusCode).toBe(200);
    await full.body.dump();
    const duration = Date.now() - t0;

    const created = await request(`${base}/v1/sessions`, { method: 'POST', headers: json, body: JSON.stringify(xor) });
    const session = (await created.body.json()) as { id: string; network: object };
    const controller = new AbortController();
    const long = request(`${base}/v1/sessions/${session.id}/steps`, {
      method: 'POST', headers: json, body: JSON.stringify({ steps: 30_000 }), signal: controller.signal,
    }).catch((err: Error) => err);
    await new Promise((r) => setTimeout(r, Math.min(200, duration / 4)));
    controller.abort();
    expect(await long).toBeInstanceOf(Error);
    // Long enough for the request to have committed, had it not stopped.
    await new Promise((r) => setTimeout(r, 2 * duration + 300));
    const view = (await (await request(`${base}/v1/sessions/${session.id}`)).body.json()) as { step: number; network: never };
    expect(view.step).toBe(0);
    expect(bitsOf(view.network)).toEqual(bitsOf(session.network as never));
    const next = await request(`${base}/v1/sessions/${session.id}/steps`, { method: 'POST', headers: json, body: '{}' });
    expect(next.statusCode).toBe(200);
    expect(((await next.body.json()) as { step: number }).step).toBe(1);
  });
});
