// The app's half of a graceful shutdown: once draining, readiness fails and new requests get a
// 503 problem with Connection: close (JSON-RPC error on /rpc).
import { connect, type Socket } from 'node:net';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { listen, makeApp } from '../helpers/app.js';
import { chain } from '../helpers/lesson.js';
import { PROBLEM_BASE } from '../../src/errors.js';

describe('drain', () => {
  it('readiness fails at once and new requests get a 503 problem with Connection: close', async () => {
    const app = await makeApp();
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    app.drain.start();
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json().type).toBe(`${PROBLEM_BASE}service-unavailable`);
    const res = await app.inject({ method: 'POST', url: '/v1/gradient', payload: chain });
    expect(res.statusCode).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers.connection).toBe('close');
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    const rpc = await app.inject({ method: 'POST', url: '/rpc', payload: { jsonrpc: '2.0', method: 'gradient', params: chain, id: 3 } });
    expect(rpc.statusCode).toBe(200);
    expect(rpc.json().error.code).toBe(-32003);
    await app.close();
  });

  it('requests running when it begins finish, with Connection: close, and their connections close after them (a stream too)', async () => {
    const app = await makeApp();
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    app.get('/test/slow', async () => { await gate; return { done: true }; });
    app.get('/test/stream', async (_request, reply) => {
      async function* chunks() { yield 'first,'; await gate; yield 'last'; }
      return reply.type('text/plain').send(Readable.from(chunks()));
    });
    const base = new URL(await listen(app));
    // Raw keep-alive connections: what the server sends, and whether it closes them.
    const open = (path: string) => new Promise<{ socket: Socket; text: () => string; closed: Promise<void> }>((resolve) => {
      let text = '';
      const socket = connect(Number(base.port), base.hostname, () => {
        socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n`);
        resolve({ socket, text: () => text, closed: new Promise((r) => socket.once('close', () => r())) });
      });
      socket.setEncoding('utf8');
      socket.on('data', (d: string) => { text += d; });
    });
    try {
      const slow = await open('/test/slow');
      const stream = await open('/test/stream');
      const started = Date.now();
      while (!stream.text().includes('first,')) {
        if (Date.now() - started > 5000) throw new Error('the stream did not start');
        await new Promise((r) => setTimeout(r, 10));
      }
      expect(stream.text()).toMatch(/connection: keep-alive/i); // its headers went out before the drain
      app.drain.start();
      release();
      const closedBy = (c: Promise<void>) => Promise.race([c.then(() => 'closed'), new Promise((r) => setTimeout(() => r('open'), 3000))]);
      expect(await closedBy(slow.closed)).toBe('closed');
      expect(await closedBy(stream.closed)).toBe('closed');
      expect(slow.text()).toMatch(/^HTTP\/1\.1 200/);
      expect(slow.text()).toMatch(/\r\nconnection: close\r\n/i);
      expect(slow.text()).toContain('{"done":true}');
      expect(stream.text()).toContain('last');
    } finally {
      await app.close();
    }
  });
});
