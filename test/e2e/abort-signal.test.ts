// ctx.signal over a real socket: not aborted because the body was read, aborted when the
// client goes away before the reply.
import { Agent, request } from 'undici';
import { describe, expect, it } from 'vitest';
import { contextOf } from '../../src/http/operation-route.js';
import { partOf } from '../../src/operations/operation.js';
import { listen, makeApp } from '../helpers/app.js';
import { chain } from '../helpers/lesson.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the operation context signal', () => {
  it('stays live through a request whose body was read, and aborts when the client disconnects', async () => {
    const app = await makeApp();
    const seen: boolean[] = [];
    app.post('/test/signal', async (req, reply) => {
      const { signal } = contextOf(req, reply);
      await pause(150);
      seen.push(signal.aborted);
      return { aborted: signal.aborted };
    });
    const base = await listen(app);
    // Its own connection pool, closed before the server, so that close() does not wait on keep-alive.
    const agent = new Agent();
    try {
      const res = await request(base + '/test/signal', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}', dispatcher: agent });
      expect(await res.body.json()).toEqual({ aborted: false });

      const controller = new AbortController();
      const gone = request(base + '/test/signal', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}', signal: controller.signal, dispatcher: agent });
      await pause(50);
      controller.abort();
      await expect(gone).rejects.toThrow();
      await pause(200);
      expect(seen).toEqual([false, true]);
    } finally {
      await agent.close();
      await app.close();
    }
  });

  it('aborted tells the same without making a signal; the gradient route makes none', async () => {
    const app = await makeApp();
    const seen: { aborted: boolean | undefined; made: boolean }[] = [];
    const controllers: Record<string, unknown> = {};
    app.post('/test/aborted', async (req, reply) => {
      const ctx = contextOf(req, reply);
      await pause(150);
      seen.push({ aborted: ctx.aborted, made: req.stopController !== null });
      return {};
    });
    app.addHook('onResponse', (req, _reply, done) => { controllers[req.url] = req.stopController; done(); });
    const base = await listen(app);
    const agent = new Agent();
    try {
      const json = { method: 'POST' as const, headers: { 'content-type': 'application/json' }, dispatcher: agent };
      await (await request(base + '/test/aborted', { ...json, body: '{}' })).body.json();
      const controller = new AbortController();
      const gone = request(base + '/test/aborted', { ...json, body: '{}', signal: controller.signal });
      await pause(50);
      controller.abort();
      await expect(gone).rejects.toThrow();
      await pause(200);
      expect(seen).toEqual([{ aborted: false, made: false }, { aborted: true, made: false }]);

      const res = await request(base + '/v1/gradient', { ...json, body: JSON.stringify(chain) });
      expect(res.statusCode).toBe(200);
      await res.body.json();
      expect(controllers['/v1/gradient']).toBeNull();
    } finally {
      await agent.close();
      await app.close();
    }
  });

  it('a part of a request (an RPC call, a chunk) shares its signal, still made on first use', async () => {
    const app = await makeApp();
    let checks: unknown;
    app.post('/test/part', async (req, reply) => {
      const ctx = contextOf(req, reply);
      const part = partOf(ctx, { ifMatch: undefined, meta: {} });
      const before = req.stopController;
      const signal = part.signal;
      checks = { before, same: signal === ctx.signal, aborted: part.aborted, meta: part.meta !== ctx.meta, config: part.config === ctx.config };
      return {};
    });
    try {
      expect((await app.inject({ method: 'POST', url: '/test/part', payload: {} })).statusCode).toBe(200);
      expect(checks).toEqual({ before: null, same: true, aborted: false, meta: true, config: true });
    } finally {
      await app.close();
    }
  });
});
