// ctx.signal over a real socket: not aborted because the body was read, aborted when the
// client goes away before the reply.
import { Agent, request } from 'undici';
import { describe, expect, it } from 'vitest';
import { contextOf } from '../../src/http/operation-route.js';
import { listen, makeApp } from '../helpers/app.js';

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
});
