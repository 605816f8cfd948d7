// The worker pool: the same bytes as the event loop, errors that keep their problem type and
// pointer, bit-identical split backprop for any thread count, cancellation and timeouts.
import { afterAll, describe, expect, it } from 'vitest';
import { backprop } from '../../src/core/backprop.js';
import { GRADIENT_CHUNK } from '../../src/core/kernels.js';
import type { Batch, DenseNetwork } from '../../src/core/network.js';
import { createComputePool } from '../../src/compute/pool.js';
import { ServiceError } from '../../src/errors.js';
import { makeApp } from '../helpers/app.js';
import { chain, net232 } from '../helpers/lesson.js';

function random(n: number, seed: number): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32 - 0.5) * 2;
  });
}

/** A 30-20-4 network with 70 examples: three gradient chunks, the last one short. */
function mediumRequest() {
  const sizes = [30, 20, 4];
  const layers = sizes.slice(1).map((nOut, i) => ({
    weights: Array.from({ length: nOut }, (_, j) => random(sizes[i], 100 * i + j)),
    biases: random(nOut, 50 + i),
    activation: i === 1 ? ('softmax' as const) : ('relu' as const),
  }));
  const examples = Array.from({ length: 70 }, (_, e) => ({ input: random(30, 1000 + e), target: [0, 1, 2, 3].map((k) => (k === e % 4 ? 1 : 0)) }));
  return { network: { layers }, examples, cost: 'cross_entropy', include: { exampleGradients: true } };
}

const pool = createComputePool({ threads: 2 });
afterAll(() => pool.close());

describe('compute pool', () => {
  it('gives the same response bytes as the event loop, for gradient and forward', async () => {
    const inline = await makeApp();
    const pooled = await makeApp({ env: { COMPUTE_INLINE_MAX_WORK: '0' }, services: { compute: pool } });
    // The pool writes its JSON with jsonBytes (number arrays as views, formatted by WebAssembly);
    // the event loop with JSON.stringify: the bytes must not differ, in either encoding.
    const cases = [
      ['/v1/gradient', chain], ['/v1/gradient', net232], ['/v1/gradient', mediumRequest()], ['/v1/forward', net232],
      ['/v1/gradient', { ...mediumRequest(), encoding: 'f64' }], ['/v1/forward', { ...net232, encoding: 'f64' }],
    ] as const;
    for (const [url, payload] of cases) {
      const a = await inline.inject({ method: 'POST', url, payload });
      const b = await pooled.inject({ method: 'POST', url, payload });
      expect(a.statusCode).toBe(200);
      expect(b.statusCode).toBe(200);
      expect(b.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(b.body).toBe(a.body);
    }
    await inline.close();
    await pooled.close();
  });

  it('trains a session in the pool: the same step responses, byte for byte, as on the event loop', async () => {
    const inline = await makeApp();
    const pooled = await makeApp({ env: { COMPUTE_INLINE_MAX_WORK: '0' }, services: { compute: pool } });
    const { network, examples } = mediumRequest();
    const create = { network, examples, cost: 'cross_entropy', optimizer: { type: 'sgd', learningRate: 0.3, momentum: 0.9 }, batchSize: 16, seed: 11 };
    const bodies: string[][] = [];
    for (const app of [inline, pooled]) {
      const created = await app.inject({ method: 'POST', url: '/v1/sessions', payload: create });
      expect(created.statusCode).toBe(201);
      const id = created.json().id as string;
      const steps = [];
      for (const payload of [{ steps: 7 }, { steps: 5, learningRate: 0.1 }, { steps: 3, examples: examples.slice(0, 9) }]) {
        const res = await app.inject({ method: 'POST', url: `/v1/sessions/${id}/steps`, payload });
        expect(res.statusCode).toBe(200);
        steps.push(res.body.replaceAll(id, '<id>'));
      }
      bodies.push(steps);
    }
    expect(bodies[1]).toEqual(bodies[0]);
    expect(JSON.parse(bodies[1][2]).step).toBe(15);
    await inline.close();
    await pooled.close();
  });

  it('runs a large /v1/gradient or /v1/forward body whole in a worker: the same bytes as the event loop, refusals included', async () => {
    const inline = await makeApp();
    const pooled = await makeApp({ env: { COMPUTE_PARSE_MIN_BYTES: '64' }, services: { compute: pool } });
    const json = { 'content-type': 'application/json' };
    const medium = mediumRequest();
    const f64 = (values: number[]) => ({ f64: Buffer.from(Float64Array.from(values).buffer).toString('base64'), shape: [values.length] });
    const cases: [string, string][] = [
      ['/v1/gradient', JSON.stringify(medium)], // parsed, validated and run in a worker: above 64 bytes
      ['/v1/gradient', JSON.stringify(chain)],
      ['/v1/gradient', JSON.stringify({ ...chain, encoding: 'f64' })],
      ['/v1/gradient', JSON.stringify({ ...chain, examples: [{ input: f64([0.6]), target: f64([1]) }] })], // decoded in the worker
      ['/v1/forward', JSON.stringify({ network: medium.network, examples: medium.examples.slice(0, 3) })],
      ['/v1/gradient', '{"network":{"layers":[]}}'], // below 64 bytes: parsed here
      // Refusals, each with its type and pointers:
      ['/v1/gradient', `{"network": {"layers": [${' '.repeat(100)}`], // not JSON
      ['/v1/gradient', `{"network": {"layers": [], "__proto__": {"polluted": true}}, "examples": [] ${' '.repeat(64)}}`],
      ['/v1/gradient', `{"network": {"layers": [], "constructor": {"prototype": {"polluted": true}}}, "examples": [] ${' '.repeat(64)}}`],
      ['/v1/gradient', JSON.stringify({ ...chain, examples: [{ input: ['0.5'], target: [0] }] })], // 400 invalid-request /examples/0/input/0
      ['/v1/gradient', JSON.stringify({ ...chain, extra: true })], // 400: unknown field
      ['/v1/gradient', JSON.stringify({ ...chain, examples: [{ input: [0.5, 1], target: [0] }] })], // 422 shape-mismatch
      ['/v1/gradient', JSON.stringify({ ...chain, examples: [{ input: f64([0.6, 1]), target: [0] }] })], // 422 after decoding
      ['/v1/gradient', JSON.stringify({ network: { layers: [{ weights: [[1e308]], biases: [1e308], activation: 'linear' }] }, examples: [{ input: [10], target: [0] }] })], // 422 non-finite
      ['/v1/forward', JSON.stringify({ network: medium.network, examples: [{ input: [1] }] })],
    ];
    const statuses = new Set<number>();
    for (const [url, payload] of cases) {
      const a = await inline.inject({ method: 'POST', url, headers: json, payload });
      const b = await pooled.inject({ method: 'POST', url, headers: json, payload });
      expect(b.statusCode, payload.slice(0, 80)).toBe(a.statusCode);
      expect(b.headers['content-type']).toBe(a.headers['content-type']);
      expect(b.body).toBe(a.body);
      statuses.add(a.statusCode);
    }
    expect([...statuses].sort()).toEqual([200, 400, 422]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // The limits of the app's own config apply in the worker too.
    const limited = await makeApp({ env: { COMPUTE_PARSE_MIN_BYTES: '64', MAX_EXAMPLES: '2' }, services: { compute: pool } });
    const res = await limited.inject({ method: 'POST', url: '/v1/gradient', headers: json, payload: JSON.stringify(medium) });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ type: expect.stringMatching(/limit-exceeded$/), limit: 'maxExamples', max: 2, errors: [{ path: '/examples' }] });
    await limited.close();
    await inline.close();
    await pooled.close();
  });

  it('parses a large body of any other route in a worker, with the same refusals and pointers', async () => {
    const inline = await makeApp();
    const pooled = await makeApp({ env: { COMPUTE_PARSE_MIN_BYTES: '64' }, services: { compute: pool } });
    const json = { 'content-type': 'application/json' };
    const payloads = [
      JSON.stringify({ ...chain, epsilon: 1e-6 }),
      `{"network": {"layers": [${' '.repeat(100)}`,
      `{"network": {"layers": [], "__proto__": {"polluted": true}}, "examples": [] ${' '.repeat(64)}}`,
      JSON.stringify({ ...chain, examples: [{ input: ['0.5'], target: [0] }] }),
    ];
    for (const payload of payloads) {
      const a = await inline.inject({ method: 'POST', url: '/v1/gradient/check', headers: json, payload });
      const b = await pooled.inject({ method: 'POST', url: '/v1/gradient/check', headers: json, payload });
      expect(b.statusCode).toBe(a.statusCode);
      expect(b.body).toBe(a.body);
    }
    await inline.close();
    await pooled.close();
  });


  it('moves the arguments of a task that owns them, and never detaches a slice of a shared buffer', async () => {
    const text = JSON.stringify({ ...chain, padding: 'x'.repeat(8192) });
    // Buffer.alloc: a buffer of its own, as fastify's body of 1 MiB or more (smaller ones may share a pool).
    const ownBytes = () => { const b = Buffer.alloc(Buffer.byteLength(text)); b.write(text); return b; };
    const kept = ownBytes();
    expect(await pool.runCompute({ kind: 'parseJson', args: { bytes: kept } })).toEqual(JSON.parse(text));
    expect(kept.byteLength).toBe(text.length); // copied: the caller did not say it owns them

    const owned = ownBytes();
    expect(owned.byteLength).toBe(owned.buffer.byteLength);
    expect(await pool.runCompute({ kind: 'parseJson', args: { bytes: owned } }, undefined, { move: true })).toEqual(JSON.parse(text));
    expect(owned.byteLength).toBe(0); // moved, not copied

    const small = Buffer.from(JSON.stringify(chain)); // a slice of Node's shared Buffer pool
    const pooledBuffer = small.buffer;
    expect(small.byteLength).toBeLessThan(pooledBuffer.byteLength);
    expect(await pool.runCompute({ kind: 'parseJson', args: { bytes: small } }, undefined, { move: true })).toEqual(chain);
    expect(small.byteLength).toBeGreaterThan(0);
    expect(pooledBuffer.byteLength).toBeGreaterThan(0);
  });

  it('runs tasks in the order they came, also while its one worker is busy', async () => {
    const single = createComputePool({ threads: 1 });
    const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
    const busy = single.runCompute({ kind: 'parseJson', args: { bytes: bytes(random(300_000, 1)) } });
    const done: number[] = [];
    // With and without a signal: piscina keeps the two kinds in separate queues.
    const queued = [1, 2, 3, 4, 5, 6].map((n) => single.runCompute({ kind: 'parseJson', args: { bytes: bytes([n]) } }, n % 2 ? new AbortController().signal : undefined)
      .then(() => { done.push(n); }));
    await Promise.all([busy, ...queued]);
    await single.close();
    expect(done).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('drops a waiting task whose client went away, and the ones behind it still run', async () => {
    const single = createComputePool({ threads: 1 });
    const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
    const busy = single.runCompute({ kind: 'parseJson', args: { bytes: bytes(random(300_000, 2)) } });
    const leaving = new AbortController();
    const dropped = single.runCompute({ kind: 'parseJson', args: { bytes: bytes([1]) } }, leaving.signal);
    const behind = single.runCompute({ kind: 'parseJson', args: { bytes: bytes([2]) } });
    leaving.abort();
    await expect(dropped).rejects.toMatchObject({ code: 'service-unavailable', message: expect.stringMatching(/client went away/) });
    expect(await behind).toEqual([2]);
    expect((await busy as number[]).length).toBe(300_000);
    await single.close();
  });

  it('reports a non-finite result from a worker as the same 422 problem with its pointer', async () => {
    const app = await makeApp({ env: { COMPUTE_INLINE_MAX_WORK: '0' }, services: { compute: pool } });
    const payload = { network: { layers: [{ weights: [[1e308]], biases: [1e308], activation: 'linear' }] }, examples: [{ input: [10], target: [0] }] };
    const res = await app.inject({ method: 'POST', url: '/v1/gradient', payload });
    expect(res.statusCode).toBe(422);
    const problem = res.json();
    expect(problem.type).toMatch(/non-finite-result$/);
    // z⁽¹⁾ = 1e308·10 + 1e308 overflows first: the root cause is named first.
    expect(problem.errors[0].path).toBe('/examples/0/layers/0/z');
    await app.close();
  });

  it.each([1, 2, 3])('splits backprop over %i threads with the same bits as one thread', async (threads) => {
    const sizes = [12, 8, 3];
    const net: DenseNetwork = { layers: sizes.slice(1).map((nOut, i) => ({ nIn: sizes[i], nOut, weights: Float64Array.from(random(nOut * sizes[i], i)), biases: Float64Array.from(random(nOut, 9 + i)), activation: 'sigmoid', alpha: 0 })) };
    const rows = 2 * GRADIENT_CHUNK + 9;
    const batch: Batch = { count: rows, inputs: Float64Array.from(random(rows * 12, 5)), targets: Float64Array.from(random(rows * 3, 6)) };
    const options = { cost: 'quadratic' as const, reduction: 'mean' as const };
    const local = createComputePool({ threads });
    const split = await local.backprop(net, batch, options);
    await local.close();
    const whole = backprop(net, batch, options);
    expect(split.cost).toBe(whole.cost);
    split.gradient.layers.forEach((g, i) => {
      expect(g.weights).toEqual(whole.gradient.layers[i].weights);
      expect(g.biases).toEqual(whole.gradient.layers[i].biases);
    });
    expect(split.dCdInput).toEqual(whole.dCdInput);
  });

  it('stops a task when its signal aborts, and when it runs past the timeout', async () => {
    const sizes = [400, 400, 400, 10];
    const net: DenseNetwork = { layers: sizes.slice(1).map((nOut, i) => ({ nIn: sizes[i], nOut, weights: new Float64Array(nOut * sizes[i]).fill(0.001), biases: new Float64Array(nOut), activation: 'sigmoid', alpha: 0 })) };
    const rows = 2000;
    const batch: Batch = { count: rows, inputs: new Float64Array(rows * 400).fill(0.5), targets: new Float64Array(rows * 10) };
    const task = { kind: 'backpropPart' as const, args: { net, batch, first: 0, last: rows, options: { cost: 'quadratic' as const, reduction: 'sum' as const } } };
    const controller = new AbortController();
    const started = Date.now();
    const aborted = pool.runCompute(task, controller.signal);
    setTimeout(() => controller.abort(), 50);
    await expect(aborted).rejects.toSatisfy((e) => e instanceof ServiceError && e.code === 'service-unavailable');
    expect(Date.now() - started).toBeLessThan(5_000);

    const hurried = createComputePool({ threads: 1, timeoutMs: 50 });
    await expect(hurried.runCompute(task)).rejects.toSatisfy((e) => e instanceof ServiceError && e.code === 'service-unavailable' && /longer than 50 ms/.test(e.message));
    await hurried.close();
    // The pool still works after a worker was stopped.
    const small = await pool.runCompute({ kind: 'gradientJson', args: { net: { layers: [{ nIn: 1, nOut: 1, weights: Float64Array.of(2), biases: Float64Array.of(0), activation: 'linear', alpha: 0 }] }, batch: { count: 1, inputs: Float64Array.of(3), targets: Float64Array.of(1) }, conventions: { cost: 'quadratic', reduction: 'mean' }, include: { activations: false, sensitivities: false, vector: true, exampleGradients: false } } });
    // C = (2·3 − 1)² = 25, ∂C/∂w = 2·(6 − 1)·3 = 30, ∂C/∂b = 10.
    expect(JSON.parse(Buffer.from(small).toString())).toMatchObject({ cost: 25, vector: [30, 10] });
  });
});
