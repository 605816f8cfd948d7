// A session belongs to the API key that created it: every other key gets 404, by REST and by
// JSON-RPC; no key gets 401; and the keys never reach the logs.
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { makeApp, testConfig } from '../helpers/app.js';
import { chain } from '../helpers/lesson.js';
import { PROBLEM_BASE } from '../../src/errors.js';

const KEY_A = 'alpha-secret-key-000111';
const KEY_B = 'bravo-secret-key-222333';
const as = (key: string) => ({ authorization: `Bearer ${key}` });
const createBody = { network: chain.network, examples: chain.examples, optimizer: { type: 'sgd', learningRate: 0.1 } };

const lines: string[] = [];
const logger = pino({ level: 'trace', redact: ['req.headers.authorization', 'headers.authorization'] },
  new Writable({ write(chunk, _e, done) { lines.push(String(chunk)); done(); } }));

let app: FastifyInstance;
let id: string;
app = await makeApp({ config: testConfig({ API_KEYS: `${KEY_A},${KEY_B}` }), logger: logger as never });
await app.ready();
const rpcMounted = app.hasRoute({ method: 'POST', url: '/rpc' });
beforeAll(async () => {
  const created = await app.inject({ method: 'POST', url: '/v1/sessions', headers: as(KEY_A), payload: createBody });
  expect(created.statusCode).toBe(201);
  id = created.json().id;
});
afterAll(async () => { await app.close(); });

describe('session ownership by REST', () => {
  const requests = () => [
    { method: 'GET' as const, url: `/v1/sessions/${id}` },
    { method: 'POST' as const, url: `/v1/sessions/${id}/steps`, payload: { steps: 1 } },
    { method: 'POST' as const, url: `/v1/sessions/${id}/evaluate`, payload: {} },
    { method: 'DELETE' as const, url: `/v1/sessions/${id}` },
  ];

  it('key B gets 404 on get, step, evaluate and delete', async () => {
    for (const r of requests()) {
      const res = await app.inject({ ...r, headers: as(KEY_B) });
      expect(res.statusCode, `${r.method} ${r.url}`).toBe(404);
      expect(res.json().type).toBe(`${PROBLEM_BASE}session-not-found`);
    }
  });

  it('no key gets 401 on each', async () => {
    for (const r of requests()) {
      const res = await app.inject(r);
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer');
    }
  });

  it('key A still sees its session, unchanged by B', async () => {
    const res = await app.inject({ method: 'GET', url: `/v1/sessions/${id}`, headers: as(KEY_A) });
    expect(res.statusCode).toBe(200);
    expect(res.json().step).toBe(0);
  });

  it("an idempotency key of A used by B is not B's: B creates its own session", async () => {
    const headers = { ...as(KEY_A), 'idempotency-key': 'same-key-1' };
    const first = await app.inject({ method: 'POST', url: '/v1/sessions', headers, payload: createBody });
    expect(first.statusCode).toBe(201);
    const other = await app.inject({ method: 'POST', url: '/v1/sessions', headers: { ...as(KEY_B), 'idempotency-key': 'same-key-1' }, payload: createBody });
    expect(other.statusCode).toBe(201);
    expect(other.headers['idempotent-replayed']).toBeUndefined();
    expect(other.json().id).not.toBe(first.json().id);
  });
});

describe('session ownership by JSON-RPC', () => {
  // Skipped until the /rpc route is mounted (rpc branch).
  it.skipIf(!rpcMounted)('key B gets −32004 on every session method; no key gets −32001', async () => {
    for (const method of ['sessions.get', 'sessions.step', 'sessions.evaluate', 'sessions.delete']) {
      const call = { jsonrpc: '2.0', method, params: { id }, id: 1 };
      const res = await app.inject({ method: 'POST', url: '/rpc', headers: as(KEY_B), payload: call });
      expect(res.statusCode).toBe(200);
      expect(res.json().error.code, method).toBe(-32004);
      const anonymous = await app.inject({ method: 'POST', url: '/rpc', payload: call });
      expect(anonymous.json().error.code).toBe(-32001);
    }
    const mine = await app.inject({ method: 'POST', url: '/rpc', headers: as(KEY_A), payload: { jsonrpc: '2.0', method: 'sessions.get', params: { id }, id: 2 } });
    expect(mine.json().result.id).toBe(id);
  });
});

describe('logs', () => {
  it('never contain an API key', () => {
    const text = lines.join('');
    expect(text).toContain('request completed');
    expect(text).not.toContain(KEY_A);
    expect(text).not.toContain(KEY_B);
  });
});
