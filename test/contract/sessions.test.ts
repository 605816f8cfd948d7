// The whole session behaviour (API.md §4), run against the memory store and a real Redis.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chain } from '../helpers/lesson.js';
import {
  type NetworkJson, type StoreHarness, applyGradient, bitsOf, parametersOf, storeHarnesses, xor,
} from '../helpers/sessions.js';

const PROBLEM = 'https://gradient-service.dev/problems/';

type Headers = Record<string, string>;
const post = (app: FastifyInstance, url: string, payload: unknown, headers: Headers = {}) =>
  app.inject({ method: 'POST', url, payload: payload as object, headers });
const get = (app: FastifyInstance, url: string) => app.inject({ method: 'GET', url });
const del = (app: FastifyInstance, url: string) => app.inject({ method: 'DELETE', url });

function expectProblem(res: LightMyRequestResponse, status: number, code: string, path?: string) {
  expect(res.statusCode).toBe(status);
  expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  const body = res.json();
  expect(body.type).toBe(PROBLEM + code);
  expect(body.status).toBe(status);
  if (path !== undefined) expect(body.errors.map((e: { path: string }) => e.path)).toContain(path);
}

async function createSession(app: FastifyInstance, body: object, headers: Headers = {}): Promise<{ id: string; etag: string; body: any }> {
  const res = await post(app, '/v1/sessions', body, headers);
  expect(res.statusCode, res.body).toBe(201);
  return { id: res.json().id, etag: String(res.headers.etag), body: res.json() };
}

/** n hand-applied /v1/gradient updates: W ← W − η∇W, b ← b − η∇b. Returns the costs too. */
async function handTrain(app: FastifyInstance, start: NetworkJson, examples: object[], eta: number, n: number, extra: object = {}) {
  let net = start;
  const costs: number[] = [];
  for (let i = 0; i < n; i++) {
    const res = await post(app, '/v1/gradient', { network: net, examples, ...extra });
    expect(res.statusCode, res.body).toBe(200);
    costs.push(res.json().cost);
    net = applyGradient(net, res.json().gradient, eta);
  }
  return { net, costs };
}

describe.each(storeHarnesses)('sessions on the %s store', (_name, makeHarness) => {
  let harness: StoreHarness;
  let a: FastifyInstance;
  let b: FastifyInstance;

  beforeAll(async () => {
    harness = await makeHarness();
    [a, b] = await harness.replicas();
  });
  afterAll(async () => { await harness?.close(); });

  describe('training matches hand-applied /v1/gradient updates bit for bit', () => {
    it('the 1-1-1-1 chain: 25 steps in one request', async () => {
      const eta = 0.5;
      const { id, body } = await createSession(a, { network: chain.network, examples: chain.examples, optimizer: { type: 'sgd', learningRate: eta } });
      expect(body.step).toBe(0);
      const res = await post(a, `/v1/sessions/${id}/steps`, { steps: 25 });
      expect(res.statusCode, res.body).toBe(200);
      const hand = await handTrain(a, chain.network, chain.examples, eta, 25);
      expect(res.json().step).toBe(25);
      expect(res.json().costs).toEqual(hand.costs);
      expect(bitsOf(res.json().network)).toEqual(bitsOf(hand.net));
      expect(hand.costs[24]).toBeLessThan(hand.costs[0]);
      // The stored session (through the store and back) holds the same bits.
      const view = (await get(b, `/v1/sessions/${id}`)).json();
      expect(bitsOf(view.network)).toEqual(bitsOf(hand.net));
      expect(view.costHistory).toEqual(hand.costs);
      expect(view.lastCost).toBe(hand.costs[24]);
    });

    it('a 2-3-1 XOR network: 40 one-step requests, the cost falls', async () => {
      const eta = 2;
      const { id } = await createSession(a, { ...xor, optimizer: { type: 'sgd', learningRate: eta } });
      const costs: number[] = [];
      let last: any;
      for (let i = 0; i < 40; i++) {
        const res = await post(i % 2 ? a : b, `/v1/sessions/${id}/steps`, {});
        expect(res.statusCode, res.body).toBe(200);
        last = res.json();
        costs.push(...last.costs);
      }
      const hand = await handTrain(a, xor.network, xor.examples, eta, 40);
      expect(last.step).toBe(40);
      expect(costs).toEqual(hand.costs);
      expect(bitsOf(last.network)).toEqual(bitsOf(hand.net));
      expect(costs[39]).toBeLessThan(costs[0]);
    });

    it('XOR trains to a low cost over many steps, and the steps of one request equal the steps of many', async () => {
      const one = await createSession(a, { ...xor, optimizer: { type: 'sgd', learningRate: 2 } });
      const many = await createSession(a, { ...xor, optimizer: { type: 'sgd', learningRate: 2 } });
      const r1 = await post(a, `/v1/sessions/${one.id}/steps`, { steps: 3000 });
      for (let i = 0; i < 3; i++) expect((await post(b, `/v1/sessions/${many.id}/steps`, { steps: 1000, includeNetwork: false })).statusCode).toBe(200);
      const view = (await get(a, `/v1/sessions/${many.id}`)).json();
      expect(view.step).toBe(3000);
      expect(bitsOf(view.network)).toEqual(bitsOf(r1.json().network));
      expect(r1.json().costs[2999]).toBeLessThan(0.05);
      expect(view.costHistory).toHaveLength(1000);
      expect(view.costHistory).toEqual(r1.json().costs.slice(-1000));
    });

    it('momentum: v ← μv − η∇, θ ← θ + v, by hand', async () => {
      const eta = 0.5;
      const mu = 0.9;
      const { id } = await createSession(a, { ...xor, optimizer: { type: 'sgd', learningRate: eta, momentum: mu } });
      const res = await post(a, `/v1/sessions/${id}/steps`, { steps: 2 });
      await post(b, `/v1/sessions/${id}/steps`, { steps: 3 });
      const view = (await get(a, `/v1/sessions/${id}`)).json();
      let net: NetworkJson = xor.network;
      let v: { weights: number[][]; biases: number[] }[] | undefined;
      for (let i = 0; i < 5; i++) {
        const g = (await post(a, '/v1/gradient', { network: net, examples: xor.examples })).json().gradient;
        v = g.layers.map((gl: any, l: number) => ({
          weights: gl.weights.map((row: number[], j: number) => row.map((x, k) => mu * (v ? v[l].weights[j][k] : 0) - eta * x)),
          biases: gl.biases.map((x: number, j: number) => mu * (v ? v[l].biases[j] : 0) - eta * x),
        }));
        net = { layers: net.layers.map((l, i2) => ({
          ...l,
          weights: l.weights.map((row, j) => row.map((w, k) => w + v![i2].weights[j][k])),
          biases: l.biases.map((x, j) => x + v![i2].biases[j]),
        })) };
      }
      expect(res.statusCode).toBe(200);
      expect(view.step).toBe(5);
      expect(bitsOf(view.network)).toEqual(bitsOf(net));
    });

    it('learningRate overrides η for one request only', async () => {
      const { id } = await createSession(a, { ...xor, optimizer: { type: 'sgd', learningRate: 1 } });
      await post(a, `/v1/sessions/${id}/steps`, { learningRate: 0.25 });
      const res = await post(a, `/v1/sessions/${id}/steps`, {});
      const first = await handTrain(a, xor.network, xor.examples, 0.25, 1);
      const second = await handTrain(a, first.net, xor.examples, 1, 1);
      expect(bitsOf(res.json().network)).toEqual(bitsOf(second.net));
    });

    it('a request\'s own examples are the batch of its steps', async () => {
      const { id } = await createSession(a, { network: xor.network, optimizer: { type: 'sgd', learningRate: 1 } });
      const batch = xor.examples.slice(1, 3);
      const res = await post(a, `/v1/sessions/${id}/steps`, { steps: 3, examples: batch });
      const hand = await handTrain(a, xor.network, batch, 1, 3);
      expect(bitsOf(res.json().network)).toEqual(bitsOf(hand.net));
    });

    it('mini-batches: each epoch visits every kept example exactly once, reproducibly', async () => {
      const body = { ...xor, optimizer: { type: 'sgd', learningRate: 1 }, batchSize: 2, seed: 7 };
      const s1 = await createSession(a, body);
      const s2 = await createSession(b, body);
      const r1 = await post(a, `/v1/sessions/${s1.id}/steps`, { steps: 6 });
      for (let i = 0; i < 6; i++) await post(i % 2 ? a : b, `/v1/sessions/${s2.id}/steps`, {});
      const v2 = (await get(a, `/v1/sessions/${s2.id}`)).json();
      expect(bitsOf(v2.network)).toEqual(bitsOf(r1.json().network));
      expect(v2.batchSize).toBe(2);
      // Identify each step's batch independently: the one ordered pair whose hand-applied
      // /v1/gradient update reproduces the session's next parameters bit for bit.
      const s3 = await createSession(a, body);
      let net: NetworkJson = xor.network;
      const visited: number[][] = [];
      for (let step = 0; step < 6; step++) {
        const next = (await post(a, `/v1/sessions/${s3.id}/steps`, {})).json().network;
        const matches: number[][] = [];
        for (let i = 0; i < 4; i++) {
          for (let j = 0; j < 4; j++) {
            if (i === j) continue;
            const g = (await post(a, '/v1/gradient', { network: net, examples: [xor.examples[i], xor.examples[j]] })).json().gradient;
            if (JSON.stringify(bitsOf(applyGradient(net, g, 1))) === JSON.stringify(bitsOf(next))) matches.push([i, j]);
          }
        }
        expect(matches.length, `step ${step + 1}`).toBeGreaterThan(0);
        visited.push(matches[0]);
        net = next;
      }
      for (let epoch = 0; epoch < 3; epoch++) {
        expect([...visited[2 * epoch], ...visited[2 * epoch + 1]].sort()).toEqual([0, 1, 2, 3]);
      }
      expect(bitsOf(net)).toEqual(bitsOf(r1.json().network));
    });

    it('an architecture with a seed gives the same parameters every time, on every replica', async () => {
      const body = { architecture: { sizes: [3, 4, 2], activation: ['tanh', 'sigmoid'], init: 'he', seed: 1234 } };
      const s1 = await createSession(a, body);
      const s2 = await createSession(b, body);
      expect(bitsOf(s1.body.network)).toEqual(bitsOf(s2.body.network));
      const layers = s1.body.network.layers;
      expect(layers.map((l: any) => [l.weights.length, l.weights[0].length, l.activation])).toEqual([[4, 3, 'tanh'], [2, 4, 'sigmoid']]);
      expect(layers[0].biases).toEqual([0, 0, 0, 0]);
      const other = await createSession(a, { architecture: { ...body.architecture, seed: 1235 } });
      expect(parametersOf(other.body.network)).not.toEqual(parametersOf(s1.body.network));
      const zeros = await createSession(a, { architecture: { sizes: [2, 2], init: 'zeros' } });
      expect(zeros.body.network.layers[0].weights).toEqual([[0, 0], [0, 0]]);
    });
  });

  describe('the view, ETag and Location', () => {
    it('201 carries Location, ETag and the view; GET returns the same view', async () => {
      const res = await post(a, '/v1/sessions', { ...chain, ttlSeconds: 60, cost: 'half_quadratic' });
      expect(res.statusCode).toBe(201);
      const view = res.json();
      expect(res.headers.location).toBe(`/v1/sessions/${view.id}`);
      expect(res.headers.etag).toBe('"v1"');
      expect(view).toMatchObject({ step: 0, costHistory: [], cost: 'half_quadratic', reduction: 'mean', exampleCount: 1, ttlSeconds: 60 });
      expect(view.optimizer).toEqual({ type: 'sgd', learningRate: 0.1, momentum: 0 });
      expect(Date.parse(view.expiresAt) - Date.parse(view.updatedAt)).toBe(60_000);
      const again = await get(b, res.headers.location as string);
      expect(again.statusCode).toBe(200);
      expect(again.headers.etag).toBe('"v1"');
      expect(again.json()).toEqual(view);
      const stepped = await post(a, `${res.headers.location}/steps`, {});
      expect(stepped.headers.etag).toBe('"v2"');
      expect((await get(b, res.headers.location as string)).headers.etag).toBe('"v2"');
    });
  });

  describe('If-Match', () => {
    it('ten racers with one ETag: one 200, nine 412', async () => {
      const { id, etag } = await createSession(a, xor);
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) =>
        post(i % 2 ? a : b, `/v1/sessions/${id}/steps`, {}, { 'if-match': etag })));
      const statuses = results.map((r) => r.statusCode).sort();
      expect(statuses).toEqual([200, ...Array(9).fill(412)]);
      results.filter((r) => r.statusCode === 412).forEach((r) => {
        expectProblem(r, 412, 'precondition-failed', '/headers/if-match');
        expect(r.json().etag).toBe('"v2"'); // the current version, to read or retry with
      });
      expect((await get(a, `/v1/sessions/${id}`)).json().step).toBe(1);
    });

    it('a current ETag (or *) is accepted', async () => {
      const { id, etag } = await createSession(a, xor);
      expect((await post(a, `/v1/sessions/${id}/steps`, {}, { 'if-match': etag })).statusCode).toBe(200);
      expect((await post(a, `/v1/sessions/${id}/steps`, {}, { 'if-match': '"v2"' })).statusCode).toBe(200);
      expect((await post(a, `/v1/sessions/${id}/steps`, {}, { 'if-match': '*' })).statusCode).toBe(200);
    });
  });

  describe('Idempotency-Key', () => {
    it('a replayed step returns the first response, marked, and steps once', async () => {
      const { id } = await createSession(a, xor);
      const first = await post(a, `/v1/sessions/${id}/steps`, { steps: 2 }, { 'idempotency-key': 'step-1' });
      const replay = await post(b, `/v1/sessions/${id}/steps`, { steps: 2 }, { 'idempotency-key': 'step-1' });
      expect(first.statusCode).toBe(200);
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      expect(replay.statusCode).toBe(200);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.body).toBe(first.body);
      expect(replay.headers.etag).toBe(first.headers.etag);
      expect((await get(a, `/v1/sessions/${id}`)).json().step).toBe(2);
    });

    it('the same key with another body → 422 idempotency-key-reused', async () => {
      const { id } = await createSession(a, xor);
      await post(a, `/v1/sessions/${id}/steps`, { steps: 1 }, { 'idempotency-key': 'k' });
      const res = await post(b, `/v1/sessions/${id}/steps`, { steps: 2 }, { 'idempotency-key': 'k' });
      expectProblem(res, 422, 'idempotency-key-reused', '/headers/idempotency-key');
      expect((await get(a, `/v1/sessions/${id}`)).json().step).toBe(1);
    });

    it('a replayed create returns the same session; the same key with another body → 422', async () => {
      const key = `create-${Math.random()}`;
      const first = await post(a, '/v1/sessions', xor, { 'idempotency-key': key });
      const replay = await post(b, '/v1/sessions', xor, { 'idempotency-key': key });
      expect(first.statusCode).toBe(201);
      expect(replay.statusCode).toBe(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.headers.location).toBe(first.headers.location);
      expect(replay.body).toBe(first.body);
      expectProblem(await post(a, '/v1/sessions', chain, { 'idempotency-key': key }), 422, 'idempotency-key-reused', '/headers/idempotency-key');
    });

    it('20 simultaneous requests with one key: exactly one execution', async () => {
      const { id } = await createSession(a, xor);
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) =>
        post(i % 2 ? a : b, `/v1/sessions/${id}/steps`, { steps: 1 }, { 'idempotency-key': 'once' })));
      const executed = results.filter((r) => r.statusCode === 200 && r.headers['idempotent-replayed'] === undefined);
      expect(executed).toHaveLength(1);
      for (const r of results) {
        if (r.statusCode === 200) expect(r.body).toBe(executed[0].body);
        else expectProblem(r, 409, 'conflict');
      }
      expect((await get(a, `/v1/sessions/${id}`)).json().step).toBe(1);
    });

    it('the same key while the first request still runs → 409 conflict with Retry-After', async () => {
      const { id } = await createSession(a, xor);
      const first = post(a, `/v1/sessions/${id}/steps`, { steps: 100_000, includeNetwork: false }, { 'idempotency-key': 'slow' });
      // 100,000 steps (the most a request may ask): long enough on a fast machine to be still running.
      await new Promise((r) => setTimeout(r, 10));
      const second = await post(b, `/v1/sessions/${id}/steps`, { steps: 100_000, includeNetwork: false }, { 'idempotency-key': 'slow' });
      expectProblem(second, 409, 'conflict');
      expect(second.headers['retry-after']).toBe('1');
      expect((await first).statusCode).toBe(200);
      const replay = await post(b, `/v1/sessions/${id}/steps`, { steps: 100_000, includeNetwork: false }, { 'idempotency-key': 'slow' });
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect((await get(a, `/v1/sessions/${id}`)).json().step).toBe(100_000);
    });

    it('a request that failed frees its key for a corrected retry', async () => {
      const { id } = await createSession(a, xor);
      expectProblem(await post(a, `/v1/sessions/${id}/steps`, { examples: [{ input: [1], target: [0] }] }, { 'idempotency-key': 'fix' }), 422, 'shape-mismatch', '/examples/0/input');
      // Same key, same (bad) body: runs again and fails the same way; nothing was stored.
      expectProblem(await post(a, `/v1/sessions/${id}/steps`, { examples: [{ input: [1], target: [0] }] }, { 'idempotency-key': 'fix' }), 422, 'shape-mismatch');
      expect((await get(a, `/v1/sessions/${id}`)).json().step).toBe(0);
    });

    it('keys are scoped to the caller: another principal never sees the replay', async () => {
      const { getSession } = await import('../../src/operations/sessions.js');
      const { id } = await createSession(a, xor);
      const ctx = { config: a.config, services: a.services, principal: 'someone-else', log: a.log, signal: new AbortController().signal, meta: {} };
      await expect(Promise.resolve().then(() => getSession.run({ id }, ctx))).rejects.toMatchObject({ code: 'session-not-found' });
    });
  });

  describe('API keys (API_KEYS set)', () => {
    const as = (key: string) => ({ authorization: `Bearer ${key}` });

    it('a session is invisible (404) to every other key; idempotency keys are per API key', async () => {
      const [p, q] = await harness.replicas({ API_KEYS: 'key-a,key-b' });
      const created = await post(p, '/v1/sessions', xor, as('key-a'));
      expect(created.statusCode).toBe(201);
      const url = created.headers.location as string;
      const otherGet = await q.inject({ method: 'GET', url, headers: as('key-b') });
      expectProblem(otherGet, 404, 'session-not-found');
      expectProblem(await post(q, `${url}/steps`, {}, as('key-b')), 404, 'session-not-found');
      expectProblem(await post(q, `${url}/evaluate`, {}, as('key-b')), 404, 'session-not-found');
      expectProblem(await q.inject({ method: 'DELETE', url, headers: as('key-b') }), 404, 'session-not-found');
      expect((await q.inject({ method: 'GET', url, headers: as('key-a') })).json().step).toBe(0);

      const one = await post(p, '/v1/sessions', xor, { ...as('key-a'), 'idempotency-key': 'shared' });
      const two = await post(q, '/v1/sessions', chain, { ...as('key-b'), 'idempotency-key': 'shared' });
      expect([one.statusCode, two.statusCode]).toEqual([201, 201]);
      expect(two.headers['idempotent-replayed']).toBeUndefined();
      expect(two.json().id).not.toBe(one.json().id);
    });
  });

  describe('concurrency', () => {
    it('concurrent one-step requests on both replicas: none lost, bits as sequential steps', async () => {
      const body = { ...xor, optimizer: { type: 'sgd', learningRate: 1 } };
      const racing = await createSession(a, body);
      const results = await Promise.all(Array.from({ length: 30 }, (_, i) => post(i % 2 ? a : b, `/v1/sessions/${racing.id}/steps`, { includeNetwork: false })));
      results.forEach((r) => expect(r.statusCode, r.body).toBe(200));
      expect(results.map((r) => r.json().step).sort((x, y) => x - y)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
      const sequential = await createSession(a, body);
      const ref = await post(a, `/v1/sessions/${sequential.id}/steps`, { steps: 30 });
      const view = (await get(b, `/v1/sessions/${racing.id}`)).json();
      expect(view.step).toBe(30);
      expect(bitsOf(view.network)).toEqual(bitsOf(ref.json().network));
    });

    // xor with a hidden layer of 64: wide enough that 40 000 steps outlast the waits below many
    // times over (xor's own took under 100 ms once each step's arrays came from an arena).
    const hidden = Array.from({ length: 64 }, (_, j) => [((j * 7) % 11) / 11 - 0.45, ((j * 7 + 3) % 11) / 11 - 0.45]);
    const slowXor = { ...xor, network: { layers: [
      { weights: hidden, biases: hidden.map(() => 0.01) },
      { weights: [hidden.map((_, k) => (k % 5) / 10 - 0.2)], biases: [0] },
    ] } };

    it('a long step request does not block other requests', async () => {
      const { id } = await createSession(a, slowXor);
      let done = false;
      const long = post(a, `/v1/sessions/${id}/steps`, { steps: 60_000, includeNetwork: false }).then((r) => { done = true; return r; });
      await new Promise((r) => setTimeout(r, 50));
      const t0 = Date.now();
      const health = await a.inject({ method: 'GET', url: '/healthz' });
      expect(health.statusCode).toBe(200);
      expect(Date.now() - t0).toBeLessThan(500);
      expect(done).toBe(false);
      expect((await long).json().step).toBe(60_000);
    });

    it('deleting during in-flight steps: 404 for the steps, no resurrection', async () => {
      const { id } = await createSession(a, slowXor);
      const inflight = post(a, `/v1/sessions/${id}/steps`, { steps: 40_000, includeNetwork: false });
      await new Promise((r) => setTimeout(r, 100));
      expect((await del(b, `/v1/sessions/${id}`)).statusCode).toBe(204);
      expectProblem(await inflight, 404, 'session-not-found');
      expectProblem(await get(a, `/v1/sessions/${id}`), 404, 'session-not-found');
      expectProblem(await get(b, `/v1/sessions/${id}`), 404, 'session-not-found');
    });
  });

  describe('lifetime', () => {
    it('DELETE → 204 with no body, then 404 everywhere', async () => {
      const { id } = await createSession(a, xor);
      const res = await del(a, `/v1/sessions/${id}`);
      expect(res.statusCode).toBe(204);
      expect(res.body).toBe('');
      expectProblem(await del(a, `/v1/sessions/${id}`), 404, 'session-not-found');
      expectProblem(await post(b, `/v1/sessions/${id}/steps`, {}), 404, 'session-not-found');
      expectProblem(await post(b, `/v1/sessions/${id}/evaluate`, {}), 404, 'session-not-found');
    });

    it('DELETE with Content-Type: application/json and no body (clients that always send the header) → 204', async () => {
      const { id } = await createSession(a, xor);
      const res = await a.inject({ method: 'DELETE', url: `/v1/sessions/${id}`, headers: { 'content-type': 'application/json' } });
      expect(res.statusCode, res.body).toBe(204);
      expect(res.body).toBe('');
      expectProblem(await a.inject({ method: 'DELETE', url: `/v1/sessions/${id}`, headers: { 'content-type': 'application/json' } }), 404, 'session-not-found');
    });

    it('expires after ttlSeconds without writes', async () => {
      const { id } = await createSession(a, { ...xor, ttlSeconds: 1 });
      expect((await get(b, `/v1/sessions/${id}`)).statusCode).toBe(200);
      await new Promise((r) => setTimeout(r, 1300));
      expectProblem(await get(b, `/v1/sessions/${id}`), 404, 'session-not-found');
      expectProblem(await post(a, `/v1/sessions/${id}/steps`, {}), 404, 'session-not-found');
    });

    it('every write renews the TTL', async () => {
      const { id } = await createSession(a, { ...xor, ttlSeconds: 2 });
      await new Promise((r) => setTimeout(r, 1200));
      const stepped = await post(b, `/v1/sessions/${id}/steps`, { includeNetwork: false });
      expect(stepped.statusCode).toBe(200);
      await new Promise((r) => setTimeout(r, 1200));
      const view = await get(a, `/v1/sessions/${id}`);
      expect(view.statusCode).toBe(200);
      expect(Date.parse(view.json().expiresAt) - Date.parse(view.json().updatedAt)).toBe(2000);
    });

    it('unknown ids are 404 on every route', async () => {
      for (const id of ['nope', 'AAAAAAAAAAAAAAAAAAAAAA', '..%2F..', 'x'.repeat(90), '%7Bid%7D']) {
        expectProblem(await get(a, `/v1/sessions/${id}`), 404, 'session-not-found');
        expectProblem(await post(a, `/v1/sessions/${id}/steps`, {}), 404, 'session-not-found');
        expectProblem(await post(a, `/v1/sessions/${id}/evaluate`, {}), 404, 'session-not-found');
        expectProblem(await del(a, `/v1/sessions/${id}`), 404, 'session-not-found');
      }
    });
  });

  describe('evaluate', () => {
    it('is the /v1/gradient response at the current parameters, and steps nothing', async () => {
      const { id } = await createSession(a, { ...xor, optimizer: { type: 'sgd', learningRate: 1 } });
      const stepped = (await post(a, `/v1/sessions/${id}/steps`, { steps: 3 })).json();
      const res = await post(b, `/v1/sessions/${id}/evaluate`, { include: { exampleGradients: true } });
      const expected = await post(a, '/v1/gradient', { network: stepped.network, examples: xor.examples, include: { exampleGradients: true } });
      expect(res.statusCode).toBe(200);
      expect(res.body).toBe(expected.body);
      const other = await post(b, `/v1/sessions/${id}/evaluate`, { examples: [xor.examples[0]] });
      expect(other.body).toBe((await post(a, '/v1/gradient', { network: stepped.network, examples: [xor.examples[0]] })).body);
      expect((await get(a, `/v1/sessions/${id}`)).json().step).toBe(3);
    });
  });

  describe('bad input', () => {
    it('both or neither of network and architecture → 400', async () => {
      expectProblem(await post(a, '/v1/sessions', { ...xor, architecture: { sizes: [2, 1] } }), 400, 'invalid-request', '/architecture');
      expectProblem(await post(a, '/v1/sessions', { examples: xor.examples }), 400, 'invalid-request', '/network');
    });

    it('schema violations name the field', async () => {
      expectProblem(await post(a, '/v1/sessions', { ...xor, optimizer: { type: 'sgd', learningRate: '0.1' } }), 400, 'invalid-request', '/optimizer/learningRate');
      expectProblem(await post(a, '/v1/sessions', { ...xor, ttlSeconds: 0 }), 400, 'invalid-request', '/ttlSeconds');
      expectProblem(await post(a, '/v1/sessions', { ...xor, unknown: 1 }), 400, 'invalid-request', '/unknown');
      expectProblem(await post(a, '/v1/sessions', { architecture: { sizes: [2] } }), 400, 'invalid-request', '/architecture/sizes');
      const { id } = await createSession(a, xor);
      expectProblem(await post(a, `/v1/sessions/${id}/steps`, { steps: 0 }), 400, 'invalid-request', '/steps');
      expectProblem(await post(a, `/v1/sessions/${id}/steps`, { steps: '2' }), 400, 'invalid-request', '/steps');
      expectProblem(await post(a, `/v1/sessions/${id}/steps`, { id: 'other' }), 400, 'invalid-request', '/id');
    });

    it('shapes that disagree → 422 with the pointer', async () => {
      expectProblem(await post(a, '/v1/sessions', { network: xor.network, examples: [{ input: [1, 2, 3], target: [0] }] }), 422, 'shape-mismatch', '/examples/0/input');
      expectProblem(await post(a, '/v1/sessions', { architecture: { sizes: [2, 3, 1], activation: ['tanh'] } }), 422, 'shape-mismatch', '/architecture/activation');
      expectProblem(await post(a, '/v1/sessions', { network: { layers: [{ weights: [[1, 2]], biases: [0, 0] }] } }), 422, 'shape-mismatch', '/network/layers/0/biases');
    });

    it('limits → 413 limit-exceeded', async () => {
      expectProblem(await post(a, '/v1/sessions', { ...xor, ttlSeconds: 10 ** 9 }), 413, 'limit-exceeded', '/ttlSeconds');
      const { id } = await createSession(a, xor);
      expectProblem(await post(a, `/v1/sessions/${id}/steps`, { steps: 100_001 }), 413, 'limit-exceeded', '/steps');
    });

    it('a session that keeps no examples needs them in the request', async () => {
      const { id } = await createSession(a, { network: xor.network });
      expectProblem(await post(a, `/v1/sessions/${id}/steps`, {}), 400, 'invalid-request', '/examples');
    });

    it('a diverging step → 422 and commits nothing', async () => {
      const linear = { layers: [{ weights: [[2]], biases: [0], activation: 'linear' }] };
      const { id } = await createSession(a, { network: linear, examples: [{ input: [1e150], target: [0] }], optimizer: { type: 'sgd', learningRate: 1e10 } });
      await post(a, `/v1/sessions/${id}/steps`, {}).then((r) => expectProblem(r, 422, 'non-finite-result'));
      const view = (await get(a, `/v1/sessions/${id}`)).json();
      expect(view.step).toBe(0);
      expect(view.network.layers[0].weights).toEqual([[2]]);
    });
  });
});

describe.each(storeHarnesses)('MAX_SESSIONS on the %s store', (_name, makeHarness) => {
  it('counts the sessions of every replica: 413 limit-exceeded beyond it, a place again after a delete', async () => {
    const harness = await makeHarness();
    try {
      const [a, b] = await harness.replicas({ MAX_SESSIONS: '2' });
      const first = await createSession(a, xor);
      await createSession(b, xor);
      const refused = await post(a, '/v1/sessions', xor);
      expectProblem(refused, 413, 'limit-exceeded', '');
      expect(refused.json()).toMatchObject({ limit: 'maxSessions', max: 2 });
      expectProblem(await post(b, '/v1/sessions', xor), 413, 'limit-exceeded', '');
      expect((await del(b, `/v1/sessions/${first.id}`)).statusCode).toBe(204);
      await createSession(a, xor);
      expectProblem(await post(b, '/v1/sessions', xor), 413, 'limit-exceeded', '');
    } finally {
      await harness.close();
    }
  });
});

describe.each(storeHarnesses)('sessions_held on the %s store', (_name, makeHarness) => {
  it('is the store\'s count on every replica, expiries included', async () => {
    const harness = await makeHarness();
    try {
      const [a, b] = await harness.replicas();
      const held = async (app: FastifyInstance) => {
        const text = (await get(app, '/metrics')).body;
        return Number(/^sessions_held (\S+)$/m.exec(text)?.[1]);
      };
      await createSession(a, { ...xor, ttlSeconds: 1 });
      await createSession(b, xor);
      const gone = await createSession(b, xor);
      expect((await del(a, `/v1/sessions/${gone.id}`)).statusCode).toBe(204);
      expect([await held(a), await held(b)]).toEqual([2, 2]);
      await new Promise((r) => setTimeout(r, 1100));
      expect([await held(a), await held(b)]).toEqual([1, 1]);
    } finally {
      await harness.close();
    }
  });
});
