// Response buffers handed back to the pool (operation-route.ts sendRawJson → pool.recycle) and
// written over by a later response (byte-output.ts offerSpare): a buffer reused while a socket
// still sends it would corrupt a response. Real sockets, large responses (written in several
// pieces), many at once, some clients hanging up halfway: every answer read to the end must be
// byte for byte the event loop's.
import { afterAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { request } from 'undici';
import { createComputePool } from '../../src/compute/pool.js';
import { buildApp } from '../../src/app.js';
import { listen, testConfig } from '../helpers/app.js';

function random(n: number, seed: number): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32 - 0.5) * 2;
  });
}

/** A 60-w-4 network and `count` examples: responses of a few hundred KB to ~7 MB. */
function gradientRequest(seed: number, width: number, count: number) {
  const sizes = [60, width, 4];
  const layers = sizes.slice(1).map((nOut, i) => ({
    weights: Array.from({ length: nOut }, (_, j) => random(sizes[i], seed * 1000 + 100 * i + j)),
    biases: random(nOut, seed * 1000 + 50 + i),
  }));
  const examples = Array.from({ length: count }, (_, e) => ({ input: random(60, seed * 7919 + e), target: random(4, seed * 104729 + e) }));
  return { network: { layers }, examples };
}

/** A client that sends the request, reads the first bytes of the response and closes its socket. */
function hangUpMidResponse(url: string, body: string): Promise<void> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(`POST /v1/gradient HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    });
    socket.once('data', () => socket.destroy());
    socket.once('close', () => resolve());
    socket.once('error', reject);
  });
}

const pool = createComputePool({ threads: 2 });
afterAll(() => pool.close());

describe('recycled response buffers', () => {
  it('never change a response that is still being sent, nor one sent after a client hung up', async () => {
    // buildApp, not makeApp: checking megabytes of responses against the OpenAPI schema would be most of the time here.
    const inline = await buildApp({ config: testConfig(), logger: false });
    const pooled = await buildApp({ config: testConfig({ COMPUTE_INLINE_MAX_WORK: '0' }), logger: false, services: { compute: pool } });
    const url = await listen(pooled);
    // Every fourth response ~7 MB: more than the sockets buffer, so its write stays pending while a slow client reads.
    const bodies = Array.from({ length: 12 }, (_, i) => JSON.stringify(i % 4 === 1 ? gradientRequest(i + 1, 200, 400) : gradientRequest(i + 1, 20 + 15 * (i % 4), 40 + 30 * (i % 3))));
    const expected = await Promise.all(bodies.map(async (payload) => {
      const r = await inline.inject({ method: 'POST', url: '/v1/gradient', headers: { 'content-type': 'application/json' }, payload });
      expect(r.statusCode).toBe(200);
      return r.rawPayload;
    }));
    const post = (body: string) => request(`${url}/v1/gradient`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    for (let round = 0; round < 4; round++) {
      // Some clients read a little and hang up: their buffers come back early, mid-send.
      const quitters = bodies.slice(0, 3).map((body) => hangUpMidResponse(url, body));
      const readers = bodies.map(async (body, i) => {
        const r = await post(body);
        // Half of them read slowly: their responses stay in the server's socket while others finish.
        const chunks: Buffer[] = [];
        for await (const chunk of r.body) {
          chunks.push(chunk as Buffer);
          if (i % 2) await new Promise((done) => setTimeout(done, 2));
        }
        const bytes = Buffer.concat(chunks);
        expect(r.statusCode).toBe(200);
        expect(bytes.equals(expected[i]), `round ${round}, request ${i}: ${bytes.length} bytes against ${expected[i].length}`).toBe(true);
      });
      await Promise.all([...quitters, ...readers]);
    }
    await inline.close();
    await pooled.close();
  }, 120_000);
});
