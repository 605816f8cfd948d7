// Rate limiting: 429 + Retry-After per key (per IP when open), shared by replicas through Redis.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, testConfig } from '../helpers/app.js';
import { chain } from '../helpers/lesson.js';
import { startTestRedis, type TestRedis } from '../helpers/redis.js';
import { PROBLEM_BASE } from '../../src/errors.js';

async function hasRpcRoute(): Promise<boolean> {
  const app = await makeApp();
  await app.ready();
  const has = app.hasRoute({ method: 'POST', url: '/rpc' });
  await app.close();
  return has;
}

const rpcMounted = await hasRpcRoute();
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

describe('rate limit (memory)', () => {
  it('is off by default', async () => {
    const app = await makeApp();
    for (let i = 0; i < 30; i++) expect((await app.inject({ method: 'POST', url: '/v1/forward', payload: chain })).statusCode).toBe(200);
    await app.close();
  });

  it('the request after RATE_LIMIT_MAX in a window → 429 problem with Retry-After; health stays open', async () => {
    const app = await makeApp({ env: { RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW_MS: '60000' } });
    for (let i = 0; i < 3; i++) expect((await app.inject({ method: 'POST', url: '/v1/forward', payload: chain })).statusCode).toBe(200);
    const res = await app.inject({ method: 'POST', url: '/v1/forward', payload: chain });
    expect(res.statusCode).toBe(429);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json().type).toBe(`${PROBLEM_BASE}rate-limited`);
    expect(res.json().status).toBe(429);
    const retryAfter = Number(res.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    for (const url of ['/healthz', '/metrics', '/readyz']) expect((await app.inject({ method: 'GET', url })).statusCode).toBe(200);
    await app.close();
  });

  // The /rpc route lands with the rpc branch; until then this is reported as skipped.
  it.skipIf(!rpcMounted)('on /rpc: a JSON-RPC error −32013 with HTTP 200 and Retry-After', async () => {
    const app = await makeApp({ env: { RATE_LIMIT_MAX: '1' } });
    const call = { jsonrpc: '2.0', method: 'forward', params: chain, id: 7 };
    expect((await app.inject({ method: 'POST', url: '/rpc', payload: call })).json().result).toBeDefined();
    const rpc = await app.inject({ method: 'POST', url: '/rpc', payload: call });
    expect(rpc.statusCode).toBe(200);
    expect(rpc.json().error.code).toBe(-32013);
    expect(Number(rpc.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    await app.close();
  });

  it('counts per API key: one key exhausted leaves another untouched', async () => {
    const app = await makeApp({ config: testConfig({ API_KEYS: 'alpha-key,bravo-key', RATE_LIMIT_MAX: '2' }) });
    for (let i = 0; i < 2; i++) expect((await app.inject({ method: 'POST', url: '/v1/forward', headers: bearer('alpha-key'), payload: chain })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/v1/forward', headers: bearer('alpha-key'), payload: chain })).statusCode).toBe(429);
    expect((await app.inject({ method: 'POST', url: '/v1/forward', headers: bearer('bravo-key'), payload: chain })).statusCode).toBe(200);
    await app.close();
  });

  it('a new window starts afresh', async () => {
    const app = await makeApp({ env: { RATE_LIMIT_MAX: '1', RATE_LIMIT_WINDOW_MS: '300' } });
    expect((await app.inject({ method: 'POST', url: '/v1/forward', payload: chain })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/v1/forward', payload: chain })).statusCode).toBe(429);
    await new Promise((r) => setTimeout(r, 450));
    expect((await app.inject({ method: 'POST', url: '/v1/forward', payload: chain })).statusCode).toBe(200);
    await app.close();
  });
});

describe('rate limit shared through Redis', () => {
  let redis: TestRedis;
  const clients: Redis[] = [];
  beforeAll(async () => { redis = await startTestRedis(); });
  afterAll(async () => {
    for (const c of clients) c.disconnect();
    await redis.stop();
  });

  it('two replicas on one Redis enforce one limit per key', async () => {
    const client = () => { const c = new Redis(redis.url, { lazyConnect: false }); clients.push(c); return c; };
    await client().flushall();
    const env = { API_KEYS: 'shared-key,other-key', RATE_LIMIT_MAX: '4', RATE_LIMIT_WINDOW_MS: '60000', STORE: 'redis', REDIS_URL: redis.url };
    const a = await makeApp({ config: testConfig(env), services: { redis: client() } });
    const b = await makeApp({ config: testConfig(env), services: { redis: client() } });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const app = i % 2 === 0 ? a : b;
      statuses.push((await app.inject({ method: 'POST', url: '/v1/forward', headers: bearer('shared-key'), payload: chain })).statusCode);
    }
    // Alone, each replica would have allowed 4; together they allowed 4 in all.
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    const refused = await b.inject({ method: 'POST', url: '/v1/forward', headers: bearer('shared-key'), payload: chain });
    expect(refused.json().type).toBe(`${PROBLEM_BASE}rate-limited`);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((await a.inject({ method: 'POST', url: '/v1/forward', headers: bearer('other-key'), payload: chain })).statusCode).toBe(200);
    await a.close();
    await b.close();
  });
});
