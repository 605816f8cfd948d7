// API keys: Bearer on /v1/* and /rpc, checked before the body is read; open routes stay open;
// keys never reach the logs.
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { makeApp, testConfig } from '../helpers/app.js';
import { chain } from '../helpers/lesson.js';
import { PROBLEM_BASE } from '../../src/errors.js';
import { loadConfig } from '../../src/config.js';
import { principalOf } from '../../src/http/auth.js';
import { createHash } from 'node:crypto';

const KEY_A = 'key-alpha-0123456789abcdef';
const KEY_B = 'key-bravo-fedcba9876543210';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } });
  const logger = pino({ level: 'trace', redact: ['req.headers.authorization', 'headers.authorization'] }, stream);
  return { logger, text: () => lines.join('') };
}

describe('API keys', () => {
  let app: FastifyInstance;
  const logs = capture();
  beforeAll(async () => {
    app = await makeApp({ config: testConfig({ API_KEYS: `${KEY_A}, ${KEY_B}` }), logger: logs.logger as never });
    await app.ready();
  });
  afterAll(async () => { await app.close(); });

  it('no key → 401 problem with WWW-Authenticate: Bearer', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/gradient', payload: chain });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json().type).toBe(`${PROBLEM_BASE}unauthorized`);
    expect(res.json().status).toBe(401);
  });

  it('a wrong key, a key of another length, a non-Bearer scheme → 401', async () => {
    for (const authorization of [`Bearer ${KEY_A}x`, 'Bearer k', `Basic ${KEY_A}`, KEY_A, 'Bearer ', `Bearer ${KEY_A.toUpperCase()}`]) {
      const res = await app.inject({ method: 'POST', url: '/v1/gradient', headers: { authorization }, payload: chain });
      expect(res.statusCode, authorization).toBe(401);
      expect(res.json().type).toBe(`${PROBLEM_BASE}unauthorized`);
    }
  });

  it('either configured key is accepted', async () => {
    for (const key of [KEY_A, KEY_B]) {
      const res = await app.inject({ method: 'POST', url: '/v1/gradient', headers: { authorization: `Bearer ${key}` }, payload: chain });
      expect(res.statusCode).toBe(200);
    }
  });

  it('is checked before the body is read: an unauthorized malformed or oversized body is a 401, not a 400/413', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/gradient', headers: { 'content-type': 'application/json' }, payload: '{not json' });
    expect(res.statusCode).toBe(401);
    const small = await makeApp({ config: testConfig({ API_KEYS: KEY_A, MAX_BODY_BYTES: '100' }) });
    const big = await small.inject({ method: 'POST', url: '/v1/gradient', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ pad: 'x'.repeat(1000) }) });
    expect(big.statusCode).toBe(401);
    await small.close();
  });

  it('/rpc answers a JSON-RPC error −32001 with HTTP 200 and WWW-Authenticate', async () => {
    const res = await app.inject({ method: 'POST', url: '/rpc', payload: { jsonrpc: '2.0', method: 'gradient', params: chain, id: 1 } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(res.json().error.code).toBe(-32001);
    expect(res.json().jsonrpc).toBe('2.0');
  });

  it('health, readiness, metrics, docs and the OpenAPI document stay open', async () => {
    for (const url of ['/healthz', '/readyz', '/metrics', '/openapi.json', '/docs/']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
    }
    // /v1/info is under /v1: protected.
    expect((await app.inject({ method: 'GET', url: '/v1/info' })).statusCode).toBe(401);
  });

  it('the principal is the first 16 hex digits of sha256(key), never the key', () => {
    const expected = createHash('sha256').update(KEY_A).digest('hex').slice(0, 16);
    expect(principalOf(KEY_A)).toBe(expected);
    expect(principalOf(KEY_A)).not.toBe(principalOf(KEY_B));
  });

  it('no key appears in the logs', async () => {
    await app.inject({ method: 'POST', url: '/v1/gradient', headers: { authorization: `Bearer ${KEY_A}` }, payload: chain });
    await app.inject({ method: 'POST', url: '/v1/gradient', headers: { authorization: `Bearer ${KEY_B}zz` }, payload: chain });
    const text = logs.text();
    expect(text.length).toBeGreaterThan(0);
    expect(text).toContain('"statusCode":401'); // the requests were logged
    expect(text).not.toContain(KEY_A);
    expect(text).not.toContain(KEY_B);
  });
});

describe('without API keys', () => {
  it('runs open and says so once at start-up', async () => {
    const logs = capture();
    const app = await makeApp({ config: testConfig(), logger: logs.logger as never });
    const res = await app.inject({ method: 'POST', url: '/v1/gradient', payload: chain });
    expect(res.statusCode).toBe(200);
    await app.inject({ method: 'POST', url: '/v1/gradient', payload: chain });
    const warnings = logs.text().split('\n').filter((line) => line.includes('API_KEYS is not set'));
    expect(warnings).toHaveLength(1);
    await app.close();
  });

  it('API_KEYS_FILE: one key per line (or comma-separated), merged with API_KEYS', () => {
    const config = loadConfig({ API_KEYS: 'one', API_KEYS_FILE: '/keys' }, () => 'two\nthree, four\n\n');
    expect(config.apiKeys).toEqual(['one', 'two', 'three', 'four']);
  });
});
