// Two server processes sharing one Redis: concurrent steps from both are applied one after
// another, an idempotency key executes once, and a process killed mid-request leaves a
// fully committed session.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startTestRedis, type TestRedis } from '../helpers/redis.js';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';
import { waitFor } from '../helpers/wait-for.js';
import { bitsOf, xor } from '../helpers/sessions.js';

async function call(base: string, method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await request(base + path, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text, json: () => JSON.parse(text) };
}

/** A server process, once its session store answers. */
async function replica(name: string, env: Record<string, string>): Promise<ServerProcess> {
  const server = await startServerProcess({ ...env, REPLICA_NAME: name, LOG_LEVEL: 'warn' });
  await waitFor(`${server.base}/readyz`, 15_000, server.output);
  return server;
}

describe('two replicas sharing one Redis', () => {
  let redis: TestRedis;
  let a: ServerProcess;
  let b: ServerProcess;
  const body = { ...xor, optimizer: { type: 'sgd', learningRate: 1 } };

  beforeAll(async () => {
    redis = await startTestRedis();
    const env = { STORE: 'redis', REDIS_URL: redis.url };
    [a, b] = await Promise.all([replica('replica-a', env), replica('replica-b', env)]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await redis?.stop();
  });

  it('50 concurrent one-step requests over both → step 50, bits of 50 sequential steps', async () => {
    const racing = (await call(a.base, 'POST', '/v1/sessions', body)).json();
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) =>
      call(i % 2 ? a.base : b.base, 'POST', `/v1/sessions/${racing.id}/steps`, { includeNetwork: false })));
    results.forEach((r) => expect(r.status, r.text).toBe(200));
    expect(new Set(results.map((r) => r.headers['x-served-by']))).toEqual(new Set(['replica-a', 'replica-b']));
    expect(results.map((r) => r.json().step).sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));

    const sequential = (await call(b.base, 'POST', '/v1/sessions', body)).json();
    for (let i = 0; i < 50; i++) {
      expect((await call(i % 2 ? a.base : b.base, 'POST', `/v1/sessions/${sequential.id}/steps`, { includeNetwork: false })).status).toBe(200);
    }
    const raced = (await call(a.base, 'GET', `/v1/sessions/${racing.id}`)).json();
    const seq = (await call(b.base, 'GET', `/v1/sessions/${sequential.id}`)).json();
    expect(raced.step).toBe(50);
    expect(bitsOf(raced.network)).toEqual(bitsOf(seq.network));
    expect(raced.costHistory).toEqual(seq.costHistory);
  });

  it('20 simultaneous requests with one Idempotency-Key over both → exactly one execution', async () => {
    const session = (await call(a.base, 'POST', '/v1/sessions', body)).json();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) =>
      call(i % 2 ? a.base : b.base, 'POST', `/v1/sessions/${session.id}/steps`, { steps: 3 }, { 'idempotency-key': 'one-and-only' })));
    const executed = results.filter((r) => r.status === 200 && r.headers['idempotent-replayed'] === undefined);
    expect(executed).toHaveLength(1);
    for (const r of results) {
      if (r.status === 200) expect(r.text).toBe(executed[0].text);
      else expect([r.status, r.json().type]).toEqual([409, 'https://gradient-service.dev/problems/conflict']);
    }
    // Later retries, on either replica, replay.
    const retry = await call(b.base, 'POST', `/v1/sessions/${session.id}/steps`, { steps: 3 }, { 'idempotency-key': 'one-and-only' });
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.text).toBe(executed[0].text);
    expect((await call(a.base, 'GET', `/v1/sessions/${session.id}`)).json().step).toBe(3);
  });

  it('kill -9 during a long step request leaves the session at a fully committed state', async () => {
    // Five million steps: seconds of training however fast the machine, killed after 400 ms.
    const doomed = await replica('doomed', { STORE: 'redis', REDIS_URL: redis.url, MAX_STEPS_PER_REQUEST: '5000000' });
    const session = (await call(a.base, 'POST', '/v1/sessions', body)).json();
    await call(a.base, 'POST', `/v1/sessions/${session.id}/steps`, { steps: 5, includeNetwork: false });
    const before = (await call(a.base, 'GET', `/v1/sessions/${session.id}`)).json();
    const long = call(doomed.base, 'POST', `/v1/sessions/${session.id}/steps`, { steps: 5_000_000, includeNetwork: false }).then(
      (r) => ({ status: r.status }), (err: Error) => ({ error: err.message }));
    await new Promise((r) => setTimeout(r, 400));
    await doomed.stop('SIGKILL');
    expect(await long).toHaveProperty('error');
    const after = await call(b.base, 'GET', `/v1/sessions/${session.id}`);
    expect(after.status).toBe(200);
    expect(after.json().step).toBe(5);
    expect(bitsOf(after.json().network)).toEqual(bitsOf(before.network));
    expect(after.headers.etag).toBe('"v2"');
    // And it trains on.
    const next = await call(b.base, 'POST', `/v1/sessions/${session.id}/steps`, {});
    expect(next.status).toBe(200);
    expect(next.json().step).toBe(6);
  });
});
