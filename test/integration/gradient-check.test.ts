// POST /v1/gradient/check against an independent oracle (test/helpers/reference.ts):
// the analytic and numeric vectors, the maximum errors and the verdict.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp } from '../helpers/app.js';
import { chain } from '../helpers/lesson.js';
import { type RefExample, type RefNet, refGradient, refNumeric, seeded } from '../helpers/reference.js';

const ACTIVATIONS = ['sigmoid', 'tanh', 'relu', 'leaky_relu', 'linear', 'softplus', 'softmax'];
const COSTS = ['quadratic', 'half_quadratic', 'mse', 'binary_cross_entropy', 'cross_entropy'];

/** The output activation: the tested one wherever the cost is defined on its range. */
function outputActivation(activation: string, cost: string): string {
  if (cost === 'binary_cross_entropy') return ['sigmoid', 'softmax'].includes(activation) ? activation : 'sigmoid';
  if (cost === 'cross_entropy') return ['sigmoid', 'softmax', 'softplus'].includes(activation) ? activation : 'softmax';
  return activation;
}

function randomProblem(activation: string, cost: string, seed: number): { network: RefNet; examples: RefExample[] } {
  const rnd = seeded(seed);
  const u = (lo: number, hi: number) => lo + (hi - lo) * rnd();
  const sizes = [3, 4, 3];
  const layers = [];
  for (let l = 1; l < sizes.length; l++) {
    const act = l === sizes.length - 1 ? outputActivation(activation, cost) : activation;
    layers.push({
      weights: Array.from({ length: sizes[l] }, () => Array.from({ length: sizes[l - 1] }, () => u(-1.5, 1.5))),
      biases: Array.from({ length: sizes[l] }, () => u(-0.5, 0.5)),
      activation: act,
      ...(act === 'leaky_relu' ? { alpha: 0.1 } : {}),
    });
  }
  const target = (): number[] => {
    if (cost === 'cross_entropy') {
      const raw = [u(0.1, 1), u(0.1, 1), u(0.1, 1)];
      const s = raw[0] + raw[1] + raw[2];
      return raw.map((v) => v / s);
    }
    return [u(0.05, 0.95), u(0.05, 0.95), u(0.05, 0.95)];
  };
  const x = () => (rnd() < 0.5 ? -1 : 1) * u(0.3, 1);
  const examples = Array.from({ length: 3 }, () => ({ input: [x(), x(), x()], target: target() }));
  return { network: { layers }, examples };
}

function maxErrors(analytic: number[], numeric: number[]) {
  let maxAbs = 0;
  let maxRel = 0;
  analytic.forEach((a, i) => {
    const d = Math.abs(a - numeric[i]);
    maxAbs = Math.max(maxAbs, d);
    maxRel = Math.max(maxRel, d / Math.max(Math.abs(a) + Math.abs(numeric[i]), 1e-8));
  });
  return { maxAbs, maxRel };
}

/**
 * At ε = 1e-6 a central difference carries ~1e-16·C/ε of rounding, so a component much smaller
 * than C cannot reach a relative error of 1e-7 however right the gradient is (piecewise-linear
 * networks have no truncation error to hide it). The oracle picks, among seeded random networks,
 * the first whose components are all 0 or ≥ 2e-3 and whose own check reaches 1e-8 (a tenth of the
 * tolerance); the service must then pass it too.
 */
function wellConditioned(activation: string, cost: string) {
  for (let attempt = 0; attempt < 300; attempt++) {
    const problem = randomProblem(activation, cost, 1000 + 100 * (ACTIVATIONS.indexOf(activation) * 10 + COSTS.indexOf(cost)) + attempt);
    const ref = refGradient(problem.network, problem.examples, cost, 'mean');
    const refNum = refNumeric(problem.network, problem.examples, cost, 'mean', 1e-6);
    const clearOfRounding = ref.vector.every((g) => g === 0 || Math.abs(g) >= 2e-3);
    if (clearOfRounding && maxErrors(ref.vector, refNum).maxRel <= 1e-8) return { problem, ref, refNum };
  }
  throw new Error(`no well-conditioned network for ${activation} × ${cost}`);
}

let app: FastifyInstance;
beforeAll(async () => { app = await makeApp(); });
afterAll(async () => { await app.close(); });

async function check(body: object) {
  const res = await app.inject({ method: 'POST', url: '/v1/gradient/check', payload: body });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

describe('POST /v1/gradient/check', () => {
  for (const activation of ACTIVATIONS) {
    for (const cost of COSTS) {
      it(`passes for ${activation} × ${cost} on a random 3-4-3 network`, async () => {
        const { problem, ref, refNum } = wellConditioned(activation, cost);
        const body = await check({ ...problem, cost });
        expect(body.analytic).toHaveLength(31);
        body.analytic.forEach((a: number, i: number) => expect(Math.abs(a - ref.vector[i])).toBeLessThanOrEqual(1e-12 + 1e-9 * Math.abs(ref.vector[i])));
        // Central differences at ε = 1e-6 carry ~1e-10 of rounding: two honest evaluations agree to that.
        body.numeric.forEach((n: number, i: number) => expect(Math.abs(n - refNum[i])).toBeLessThanOrEqual(1e-8));
                expect(body.passed).toBe(true);
        expect(body.maxRelError).toBeLessThanOrEqual(1e-7);
        // The maxima are those of the vectors the response carries.
        const own = maxErrors(body.analytic, body.numeric);
        expect(body.maxAbsError).toBe(own.maxAbs);
        expect(body.maxRelError).toBe(own.maxRel);
      });
    }
  }

  it('reports the maximum errors an independent computation finds (ε = 1e-3: truncation error dominates)', async () => {
    for (const [activation, cost] of [['sigmoid', 'quadratic'], ['tanh', 'mse'], ['softmax', 'cross_entropy'], ['softplus', 'binary_cross_entropy']]) {
      const problem = randomProblem(activation, cost, 7);
      const body = await check({ ...problem, cost, epsilon: 1e-3, tolerance: 1e-4 });
      const ref = refGradient(problem.network, problem.examples, cost, 'mean');
      const expected = maxErrors(ref.vector, refNumeric(problem.network, problem.examples, cost, 'mean', 1e-3));
      expect(expected.maxAbs).toBeGreaterThan(1e-9); // not rounding noise: a genuine truncation error
      expect(Math.abs(body.maxAbsError - expected.maxAbs)).toBeLessThanOrEqual(1e-3 * expected.maxAbs);
      expect(Math.abs(body.maxRelError - expected.maxRel)).toBeLessThanOrEqual(1e-3 * expected.maxRel);
      expect(body.passed).toBe(expected.maxRel <= 1e-4);
    }
  });

  it('fails where analytic and numeric truly disagree: a relu exactly at its kink', async () => {
    // z⁽¹⁾ = 0.5·1 − 0.5 = 0 exactly. relu'(0) = 0 makes ∂C/∂w⁽¹⁾ = ∂C/∂b⁽¹⁾ = 0, while the central
    // difference sees half the slope of the right branch: C(b + ε) = (2ε − 0.75)², C(b − ε) = 0.75²,
    // so n = (4ε² − 3ε) / 2ε = 2ε − 1.5 and the relative error is |0 − n| / |n| = 1.
    const network = { layers: [
      { weights: [[0.5]], biases: [-0.5], activation: 'relu' },
      { weights: [[2]], biases: [0.25], activation: 'linear' },
    ] };
    const examples = [{ input: [1], target: [1] }];
    const body = await check({ network, examples });
    expect(body.passed).toBe(false);
    expect(body.analytic).toEqual([0, 0, 0, -1.5]);
    expect(body.maxRelError).toBe(1);
    const eps = 1e-6;
    expect(body.numeric[1]).toBeCloseTo(2 * eps - 1.5, 9);
    expect(Math.abs(body.maxAbsError - (1.5 - 2 * eps))).toBeLessThanOrEqual(1e-8);
    expect(body.numeric[2]).toBe(0); // C does not depend on w⁽²⁾ while a⁽¹⁾ = 0
  });

  it('uses epsilon and tolerance: the lesson chain passes at 1e-7 and fails at a tolerance of 0', async () => {
    const ok = await check(chain);
    expect(ok.passed).toBe(true);
    expect(ok.analytic[5]).toBeCloseTo(0.2809523049259822, 15);
    const strict = await check({ ...chain, tolerance: 0 });
    expect(strict.passed).toBe(false);
    expect(strict.maxRelError).toBeGreaterThan(0);
  });

  it('leaves the request network untouched: the same request gives the same bytes', async () => {
    const a = await app.inject({ method: 'POST', url: '/v1/gradient/check', payload: chain });
    const b = await app.inject({ method: 'POST', url: '/v1/gradient/check', payload: chain });
    expect(a.body).toBe(b.body);
  });

  it('refuses a non-positive epsilon, a negative tolerance and missing targets', async () => {
    for (const [patch, path] of [
      [{ epsilon: 0 }, '/epsilon'], [{ epsilon: -1e-6 }, '/epsilon'], [{ tolerance: -1 }, '/tolerance'], [{ epsilon: '1e-6' }, '/epsilon'],
    ] as const) {
      const res = await app.inject({ method: 'POST', url: '/v1/gradient/check', payload: { ...chain, ...patch } });
      expect(res.statusCode).toBe(400);
      expect(res.json().type).toMatch(/invalid-request$/);
      expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(path);
    }
    const res = await app.inject({ method: 'POST', url: '/v1/gradient/check', payload: { ...chain, examples: [{ input: [1] }] } });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].path).toBe('/examples/0/target');
  });

  it('counts its 2·P + 1 forward passes against the work limit', async () => {
    const small = await makeApp({ env: { MAX_WORK_UNITS: '50' } });
    // P = 6, one example: 6·1·13 = 78 > 50, while a plain gradient (6 units) is allowed.
    const res = await small.inject({ method: 'POST', url: '/v1/gradient/check', payload: chain });
    expect(res.statusCode).toBe(413);
    expect(res.json().type).toMatch(/limit-exceeded$/);
    expect(res.json().errors[0].path).toBe('/examples');
    expect((await small.inject({ method: 'POST', url: '/v1/gradient', payload: chain })).statusCode).toBe(200);
    await small.close();
  });

  it('a long check shares the event loop: other requests are answered while it runs', async () => {
    const rnd = seeded(3);
    const layer = (nOut: number, nIn: number) => ({
      weights: Array.from({ length: nOut }, () => Array.from({ length: nIn }, () => rnd() - 0.5)),
      biases: Array.from({ length: nOut }, () => rnd() - 0.5),
    });
    const network = { layers: [layer(60, 40), layer(20, 60)] }; // P = 3680: ~10⁸ multiply-adds over 4 examples
    const examples = Array.from({ length: 4 }, () => ({ input: Array.from({ length: 40 }, () => rnd()), target: Array.from({ length: 20 }, () => rnd()) }));
    const order: string[] = [];
    const check = app.inject({ method: 'POST', url: '/v1/gradient/check', payload: { network, examples } }).then((r) => { order.push('check'); return r; });
    await new Promise((r) => setTimeout(r, 20));
    const health = await app.inject({ method: 'GET', url: '/healthz' });
    order.push('healthz');
    expect(health.statusCode).toBe(200);
    expect((await check).statusCode).toBe(200);
    expect(order).toEqual(['healthz', 'check']);
  });

  it('a check past the handler timeout stops computing and answers 503 with Retry-After', async () => {
    const short = await makeApp({ env: { HANDLER_TIMEOUT_MS: '150' } });
    const rnd = seeded(4);
    const layer = (nOut: number, nIn: number) => ({
      weights: Array.from({ length: nOut }, () => Array.from({ length: nIn }, () => rnd() - 0.5)),
      biases: Array.from({ length: nOut }, () => rnd() - 0.5),
    });
    // 2·P + 1 = 21,901 forward passes of 16 examples: ~3.8·10⁹ multiply-adds, seconds even with the WebAssembly kernel.
    const network = { layers: [layer(120, 60), layer(30, 120)] };
    const examples = Array.from({ length: 16 }, () => ({ input: Array.from({ length: 60 }, () => rnd()), target: Array.from({ length: 30 }, () => rnd()) }));
    const started = Date.now();
    const res = await short.inject({ method: 'POST', url: '/v1/gradient/check', payload: { network, examples } });
    expect(res.statusCode).toBe(503);
    expect(res.json().type).toMatch(/service-unavailable$/);
    expect(res.headers['retry-after']).toBeDefined();
    expect(Date.now() - started).toBeLessThan(1500); // the full check takes seconds
    expect((await short.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    await short.close();
  });

  it('names a non-finite central difference (422) instead of sending null', async () => {
    // cross_entropy on a linear output: ln of a negative activation at θ ± ε.
    const network = { layers: [{ weights: [[1]], biases: [0], activation: 'linear' }] };
    const res = await app.inject({ method: 'POST', url: '/v1/gradient/check', payload: { network, examples: [{ input: [-1], target: [1] }], cost: 'cross_entropy' } });
    expect(res.statusCode).toBe(422);
    expect(res.json().type).toMatch(/non-finite-result$/);
  });
});
