// The methods other branches add to the operation table work through /rpc with no RPC code of
// their own: each block runs once its methods are in the table, and matches its REST route.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROBLEM_BASE } from '../../src/errors.js';
import { operations } from '../../src/operations/index.js';
import { makeApp } from '../helpers/app.js';
import { chain, net232 } from '../helpers/lesson.js';
import { postRpc } from '../helpers/rpc.js';

let app: FastifyInstance;
beforeAll(async () => { app = await makeApp(); });
afterAll(async () => { await app.close(); });

let nextId = 0;
async function rpc(method: string, params: object) {
  const reply = await postRpc(app, { jsonrpc: '2.0', method, params, id: ++nextId });
  expect(reply.status).toBe(200);
  expect(reply.body.id).toBe(nextId);
  return reply.body;
}

describe.skipIf(!operations.has('sessions.create'))('sessions.* through /rpc', () => {
  const create = { ...net232, optimizer: { type: 'sgd', learningRate: 0.5 }, seed: 1 };

  it('create, step, get, evaluate, delete: the REST bodies as results, the session errors as codes', async () => {
    const created = await rpc('sessions.create', create);
    const id: string = created.result.id;
    expect(created.result.step).toBe(0);

    const stepped = await rpc('sessions.step', { id, steps: 2 });
    expect(stepped.result.step).toBe(2);
    expect(stepped.result.costs).toHaveLength(2);

    const view = await rpc('sessions.get', { id });
    const rest = await app.inject({ method: 'GET', url: `/v1/sessions/${id}` });
    expect(view.result).toEqual(rest.json());

    const evaluated = await rpc('sessions.evaluate', { id });
    const restEvaluated = await app.inject({ method: 'POST', url: `/v1/sessions/${id}/evaluate`, payload: {} });
    expect(evaluated.result).toEqual(restEvaluated.json());

    expect(await rpc('sessions.delete', { id })).toEqual({ jsonrpc: '2.0', result: null, id: nextId });
    const gone = await rpc('sessions.get', { id });
    expect(gone.error.code).toBe(-32004);
    expect(gone.error.data.type).toBe(PROBLEM_BASE + 'session-not-found');
  });

  it('a batch of steps on one session applies each, in order', async () => {
    const { result: { id } } = await rpc('sessions.create', create);
    const calls = [1, 2, 3].map((n) => ({ jsonrpc: '2.0', method: 'sessions.step', params: { id, steps: 1 }, id: n }));
    const reply = await postRpc(app, calls);
    expect(reply.body.map((r: { result: { step: number } }) => r.result.step)).toEqual([1, 2, 3]);
  });

  it('session params are validated like REST: the id is required', async () => {
    const reply = await rpc('sessions.step', { steps: 1 });
    expect(reply.error.code).toBe(-32602);
    expect(reply.error.data.errors).toContainEqual({ path: '/id', message: 'is required' });
  });
});

describe.skipIf(!operations.has('gradient.check'))('gradient.check and gradient.compare through /rpc', () => {
  it('gradient.check: the REST body as result', async () => {
    const rest = await app.inject({ method: 'POST', url: '/v1/gradient/check', payload: chain });
    const reply = await rpc('gradient.check', chain);
    expect(reply.result).toEqual(rest.json());
    expect(reply.result.passed).toBe(true);
  });

  it('gradient.compare: the REST body as result', async () => {
    const params = { ...chain, submitted: { cost: 0.33 } };
    const rest = await app.inject({ method: 'POST', url: '/v1/gradient/compare', payload: params });
    const reply = await rpc('gradient.compare', params);
    expect(reply.result).toEqual(rest.json());
  });
});
