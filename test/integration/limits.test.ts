// Every configured limit just under (accepted) and just over (413 naming the limit and its value).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { makeApp } from '../helpers/app.js';
import { PROBLEM_BASE } from '../../src/errors.js';

/** A sigmoid network of the given sizes n_0…n_L with small distinct weights. */
function network(sizes: number[]) {
  return {
    layers: sizes.slice(1).map((n, i) => ({
      weights: Array.from({ length: n }, (_, j) => Array.from({ length: sizes[i] }, (_, k) => 0.01 * (j - k))),
      biases: Array.from({ length: n }, () => 0.1),
    })),
  };
}

const examples = (count: number, nIn: number, nOut: number) =>
  Array.from({ length: count }, (_, e) => ({ input: Array(nIn).fill(e * 0.1), target: Array(nOut).fill(0.5) }));

const gradientRequest = (sizes: number[], count = 1) =>
  ({ network: network(sizes), examples: examples(count, sizes[0], sizes[sizes.length - 1]) });

function expectLimit(res: { statusCode: number; headers: Record<string, unknown>; json(): any }, limit: string, max: number, path: string) {
  expect(res.statusCode).toBe(413);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const problem = res.json();
  expect(problem.type).toBe(`${PROBLEM_BASE}limit-exceeded`);
  expect(problem.status).toBe(413);
  expect(problem.limit).toBe(limit);
  expect(problem.max).toBe(max);
  expect(problem.errors[0].path).toBe(path);
  expect(problem.detail).toContain(limit);
}

describe('configured limits', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await makeApp({ env: { MAX_LAYERS: '3', MAX_WIDTH: '6', MAX_PARAMETERS: '60', MAX_EXAMPLES: '4', MAX_WORK_UNITS: '150' } });
  });
  afterAll(async () => { await app.close(); });
  const post = (url: string, payload: unknown) => app.inject({ method: 'POST', url, payload: payload as object });

  it('maxLayers: 3 layers pass, 4 are refused', async () => {
    expect((await post('/v1/gradient', gradientRequest([1, 1, 1, 1]))).statusCode).toBe(200);
    expectLimit(await post('/v1/gradient', gradientRequest([1, 1, 1, 1, 1])), 'maxLayers', 3, '/network');
  });

  it('maxWidth: a layer of 6 passes, 7 is refused (the input layer counts too)', async () => {
    expect((await post('/v1/forward', gradientRequest([6, 2]))).statusCode).toBe(200);
    expectLimit(await post('/v1/forward', gradientRequest([2, 7, 1])), 'maxWidth', 6, '/network');
    expectLimit(await post('/v1/forward', gradientRequest([7, 1])), 'maxWidth', 6, '/network');
  });

  it('maxParameters: 5-5-5 (30+30 = 60) passes, 5-5-6 (30+36 = 66) is refused', async () => {
    expect((await post('/v1/gradient', gradientRequest([5, 5, 5]))).statusCode).toBe(200);
    const res = await post('/v1/gradient', gradientRequest([5, 5, 6]));
    expectLimit(res, 'maxParameters', 60, '/network');
    expect(res.json().value).toBe(66);
  });

  it('maxExamples: 4 pass, 5 are refused', async () => {
    expect((await post('/v1/gradient', gradientRequest([1, 1], 4))).statusCode).toBe(200);
    expectLimit(await post('/v1/gradient', gradientRequest([1, 1], 5)), 'maxExamples', 4, '/examples');
  });

  it('maxWorkUnits: parameters × examples = 150 passes, 180 is refused before any work', async () => {
    // 4-4-2 has 20 + 10 = 30 parameters: × 5 examples = 150, × 6 = 180 (an app with the default maxExamples).
    const app2 = await makeApp({ env: { MAX_WORK_UNITS: '150' } });
    try {
      const ok = await app2.inject({ method: 'POST', url: '/v1/gradient', payload: gradientRequest([4, 4, 2], 5) });
      expect(ok.statusCode).toBe(200);
      const over = await app2.inject({ method: 'POST', url: '/v1/gradient', payload: gradientRequest([4, 4, 2], 6) });
      expectLimit(over, 'maxWorkUnits', 150, '/examples');
      expect(over.json().value).toBe(180);
    } finally {
      await app2.close();
    }
  });
});

describe('maxBodyBytes', () => {
  it('a body of exactly the limit passes; one byte more is a 413 naming the limit', async () => {
    const body = JSON.stringify(gradientRequest([1, 1]));
    const limit = body.length + 10;
    const app = await makeApp({ env: { MAX_BODY_BYTES: String(limit) } });
    try {
      const exact = body + ' '.repeat(limit - body.length);
      const ok = await app.inject({ method: 'POST', url: '/v1/gradient', headers: { 'content-type': 'application/json' }, payload: exact });
      expect(ok.statusCode).toBe(200);
      const res = await app.inject({ method: 'POST', url: '/v1/gradient', headers: { 'content-type': 'application/json' }, payload: exact + ' ' });
      expect(res.statusCode).toBe(413);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      const problem = res.json();
      expect(problem.type).toBe(`${PROBLEM_BASE}payload-too-large`);
      expect(problem.status).toBe(413);
      expect(problem.limit).toBe('maxBodyBytes');
      expect(problem.max).toBe(limit);
      expect(problem.errors[0].path).toBe('');
      // On /rpc too, a body above the limit is a 413 problem (API.md §5), not a JSON-RPC error.
      const rpc = await app.inject({ method: 'POST', url: '/rpc', headers: { 'content-type': 'application/json' }, payload: exact + ' ' });
      expect(rpc.statusCode).toBe(413);
      expect(rpc.json().type).toBe(`${PROBLEM_BASE}payload-too-large`);
    } finally {
      await app.close();
    }
  });
});

describe('limit configuration', () => {
  it('refuses a limit that is not a positive integer', async () => {
    await expect(makeApp({ env: { MAX_LAYERS: '0' } })).rejects.toThrow(/MAX_LAYERS/);
    await expect(makeApp({ env: { MAX_WIDTH: '1.5' } })).rejects.toThrow(/MAX_WIDTH/);
    await expect(makeApp({ env: { RATE_LIMIT_MAX: '-1' } })).rejects.toThrow(/RATE_LIMIT_MAX/);
    await expect(makeApp({ env: { OVERLOAD_MAX_EVENT_LOOP_UTILIZATION: '2' } })).rejects.toThrow(/OVERLOAD_MAX_EVENT_LOOP_UTILIZATION/);
  });
});

describe('session limits', () => {
  const createBody = { network: network([1, 1]), examples: examples(2, 1, 1), optimizer: { type: 'sgd', learningRate: 0.1 } };

  it('maxStepsPerRequest: 5 steps pass, 6 are refused and nothing is applied', async () => {
    const app = await makeApp({ env: { MAX_STEPS_PER_REQUEST: '5' } });
    try {
      const id = (await app.inject({ method: 'POST', url: '/v1/sessions', payload: createBody })).json().id;
      const ok = await app.inject({ method: 'POST', url: `/v1/sessions/${id}/steps`, payload: { steps: 5 } });
      expect(ok.statusCode).toBe(200);
      expect(ok.json().step).toBe(5);
      expectLimit(await app.inject({ method: 'POST', url: `/v1/sessions/${id}/steps`, payload: { steps: 6 } }), 'maxStepsPerRequest', 5, '/steps');
      expect((await app.inject({ method: 'GET', url: `/v1/sessions/${id}` })).json().step).toBe(5);
    } finally {
      await app.close();
    }
  });

  it('maxSessions: 3 sessions are held, the 4th is refused until one is deleted', async () => {
    const app = await makeApp({ env: { MAX_SESSIONS: '3' } });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await app.inject({ method: 'POST', url: '/v1/sessions', payload: createBody });
        expect(res.statusCode).toBe(201);
        ids.push(res.json().id);
      }
      expectLimit(await app.inject({ method: 'POST', url: '/v1/sessions', payload: createBody }), 'maxSessions', 3, '');
      expect((await app.inject({ method: 'DELETE', url: `/v1/sessions/${ids[0]}` })).statusCode).toBe(204);
      expect((await app.inject({ method: 'POST', url: '/v1/sessions', payload: createBody })).statusCode).toBe(201);
    } finally {
      await app.close();
    }
  });
});
