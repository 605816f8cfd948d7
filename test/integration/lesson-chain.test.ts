// The lesson's 1-1-1-1 chain, every partial derivative derived by hand from the lesson.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { makeApp } from '../helpers/app.js';
import { chain } from '../helpers/lesson.js';

const σ = (z: number) => 1 / (1 + Math.exp(-z));
const σʹ = (z: number) => σ(z) * (1 - σ(z));
const close = (actual: number, expected: number) => expect(actual).toBeCloseTo(expected, 14);

describe('the lesson chain 1-1-1-1 (sigmoid, quadratic)', () => {
  let app: FastifyInstance;
  let body: any;
  beforeAll(async () => {
    app = await makeApp();
    const res = await app.inject({ method: 'POST', url: '/v1/gradient', payload: chain });
    expect(res.statusCode).toBe(200);
    body = res.json();
  });
  afterAll(() => app.close());

  // By hand: w1 = 0.5, b1 = 0.1, w2 = −0.3, b2 = 0.2, w3 = 0.8, b3 = −0.1, x = 1, y = 0.
  const [w1, b1, w2, b2, w3, b3, x, y] = [0.5, 0.1, -0.3, 0.2, 0.8, -0.1, 1, 0];
  const z1 = w1 * x + b1, a1 = σ(z1);
  const z2 = w2 * a1 + b2, a2 = σ(z2);
  const z3 = w3 * a2 + b3, a3 = σ(z3);
  const C0 = (a3 - y) ** 2;
  const dC_da3 = 2 * (a3 - y);           // ∂C/∂a⁽ᴸ⁾ = 2(a − y)
  const dC_dz3 = σʹ(z3) * dC_da3;        // ∂a/∂z = σ'(z)
  const dC_dw3 = a2 * dC_dz3;            // ∂z/∂w = a⁽ᴸ⁻¹⁾
  const dC_db3 = 1 * dC_dz3;             // ∂z/∂b = 1
  const dC_da2 = w3 * dC_dz3;            // ∂z/∂a⁽ᴸ⁻¹⁾ = w
  const dC_dz2 = σʹ(z2) * dC_da2;
  const dC_dw2 = a1 * dC_dz2, dC_db2 = dC_dz2, dC_da1 = w2 * dC_dz2;
  const dC_dz1 = σʹ(z1) * dC_da1;
  const dC_dw1 = x * dC_dz1, dC_db1 = dC_dz1, dC_dx = w1 * dC_dz1;

  it('has the cost (a⁽³⁾ − y)²', () => {
    close(body.cost, C0);
    close(body.examples[0].cost, C0);
    expect(body.conventions).toEqual({ cost: 'quadratic', reduction: 'mean' });
  });

  it('has z and a of every layer', () => {
    const layers = body.examples[0].layers;
    [[z1, a1], [z2, a2], [z3, a3]].forEach(([z, a], i) => {
      close(layers[i].z[0], z);
      close(layers[i].a[0], a);
    });
  });

  it('has ∂C/∂a and ∂C/∂z of every layer and ∂C/∂x', () => {
    const layers = body.examples[0].layers;
    [[dC_da1, dC_dz1], [dC_da2, dC_dz2], [dC_da3, dC_dz3]].forEach(([da, dz], i) => {
      close(layers[i].dCda[0], da);
      close(layers[i].dCdz[0], dz);
    });
    close(body.examples[0].dCdInput[0], dC_dx);
  });

  it('has ∂C/∂w and ∂C/∂b of every layer, nested and as the vector in the documented order', () => {
    const expected = [dC_dw1, dC_db1, dC_dw2, dC_db2, dC_dw3, dC_db3];
    expect(body.parameterCount).toBe(6);
    body.vector.forEach((v: number, i: number) => close(v, expected[i]));
    body.gradient.layers.forEach((l: any, i: number) => {
      close(l.weights[0][0], expected[2 * i]);
      close(l.biases[0], expected[2 * i + 1]);
    });
  });

  it('averages over the batch with mean and adds with sum', async () => {
    const two = { ...chain, examples: [{ input: [1], target: [0] }, { input: [-2], target: [1] }] };
    const mean = (await app.inject({ method: 'POST', url: '/v1/gradient', payload: two })).json();
    const sum = (await app.inject({ method: 'POST', url: '/v1/gradient', payload: { ...two, reduction: 'sum' } })).json();
    close(sum.cost, mean.examples[0].cost + mean.examples[1].cost);
    close(mean.cost, sum.cost / 2);
    sum.vector.forEach((v: number, i: number) => close(mean.vector[i], v / 2));
    expect(sum.conventions.reduction).toBe('sum');
  });

  it('honours include: no activations, no sensitivities, no vector, per-example gradients', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/gradient', payload: { ...chain, include: { activations: false, sensitivities: false, vector: false, exampleGradients: true } } });
    const b = res.json();
    expect(b.vector).toBeUndefined();
    expect(b.examples[0].layers).toBeUndefined();
    expect(b.examples[0].dCdInput).toBeUndefined();
    close(b.examples[0].gradient.layers[2].weights[0][0], dC_dw3);
    close(b.examples[0].gradient.layers[0].biases[0], dC_db1);
  });
});

describe('a 2-3-2 network: ∂C/∂a of a hidden neuron is the sum over the paths through both outputs', () => {
  it('matches Σ_j w⁽²⁾_jk · σ\'(z⁽²⁾_j) · 2(a⁽²⁾_j − y_j) for every hidden neuron k', async () => {
    const app = await makeApp();
    const W1 = [[0.1, -0.2], [0.4, 0.3], [-0.5, 0.6]], b1v = [0.01, -0.02, 0.03];
    const W2 = [[0.7, -0.8, 0.9], [-0.1, 0.2, -0.3]], b2v = [0.05, -0.05];
    const x = [0.5, -1.5], y = [1, 0];
    const res = await app.inject({ method: 'POST', url: '/v1/gradient', payload: {
      network: { layers: [{ weights: W1, biases: b1v }, { weights: W2, biases: b2v }] },
      examples: [{ input: x, target: y }],
    } });
    const b = res.json();
    const z1 = W1.map((row, j) => row[0] * x[0] + row[1] * x[1] + b1v[j]);
    const a1 = z1.map(σ);
    const z2 = W2.map((row, j) => row[0] * a1[0] + row[1] * a1[1] + row[2] * a1[2] + b2v[j]);
    const a2 = z2.map(σ);
    for (let k = 0; k < 3; k++) {
      const viaOutput0 = W2[0][k] * σʹ(z2[0]) * 2 * (a2[0] - y[0]);
      const viaOutput1 = W2[1][k] * σʹ(z2[1]) * 2 * (a2[1] - y[1]);
      close(b.examples[0].layers[0].dCda[k], viaOutput0 + viaOutput1);
    }
    await app.close();
  });
});
