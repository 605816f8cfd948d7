// The app's half of a graceful shutdown: once draining, readiness fails and new requests get a
// 503 problem with Connection: close (JSON-RPC error on /rpc).
import { describe, expect, it } from 'vitest';
import { makeApp } from '../helpers/app.js';
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
});
