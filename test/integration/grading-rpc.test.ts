// gradient.check and gradient.compare through JSON-RPC: the REST body, verbatim, as `result`;
// a bad submission envelope is −32602 with the same pointers; a bad shape inside is graded.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp } from '../helpers/app.js';
import { chain, net232 } from '../helpers/lesson.js';
import { postRpc } from '../helpers/rpc.js';

let app: FastifyInstance;
beforeAll(async () => { app = await makeApp(); });
afterAll(async () => { await app.close(); });

const submitted = { cost: 0.33, gradient: [0, 0, 0.036, 0.056, 0.14, 'x'], examples: [{ layers: [{ z: [0.6] }, { z: [1, 2] }, {}] }] };
const cases: [string, string, object][] = [
  ['gradient.check', '/v1/gradient/check', chain],
  ['gradient.check', '/v1/gradient/check', { ...net232, cost: 'mse', epsilon: 1e-5, tolerance: 1e-6 }],
  ['gradient.compare', '/v1/gradient/compare', { ...chain, submitted }],
  ['gradient.compare', '/v1/gradient/compare', { ...chain, submitted, reveal: false, format: 'gradescope' }],
  ['gradient.compare', '/v1/gradient/compare', { ...chain, submitted, maxMismatches: 1, format: 'prairielearn' }],
];

describe('grading over JSON-RPC', () => {
  it.each(cases)('%s gives the bytes of %s', async (method, url, params) => {
    const rest = await app.inject({ method: 'POST', url, payload: params });
    expect(rest.statusCode).toBe(200);
    const rpc = await postRpc(app, { jsonrpc: '2.0', method, params, id: 3 });
    expect(rpc.status).toBe(200);
    expect(rpc.text).toBe(`{"jsonrpc":"2.0","result":${rest.body},"id":3}`);
  });

  it('a submission that is not an object is −32602 with the REST pointers', async () => {
    const rpc = await postRpc(app, { jsonrpc: '2.0', method: 'gradient.compare', params: { ...chain, submitted: [1] }, id: 1 });
    expect(rpc.body.error.code).toBe(-32602);
    expect(rpc.body.error.data.errors.map((e: { path: string }) => e.path)).toContain('/submitted');
  });

  it('rpc.discover lists both methods', async () => {
    const rpc = await postRpc(app, { jsonrpc: '2.0', method: 'rpc.discover', id: 1 });
    const names = rpc.body.result.methods.map((m: { name: string }) => m.name);
    expect(names).toEqual(expect.arrayContaining(['gradient.check', 'gradient.compare']));
  });
});
