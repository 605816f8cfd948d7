// One operation, two doors: the same request through REST and through JSON-RPC gives the same
// result object, and the same bytes (the RPC result is the REST body, verbatim).
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp } from '../helpers/app.js';
import { chain, net232 } from '../helpers/lesson.js';
import { postRpc } from '../helpers/rpc.js';

let app: FastifyInstance;
beforeAll(async () => { app = await makeApp(); });
afterAll(async () => { await app.close(); });

const everything = { activations: true, sensitivities: true, vector: true, exampleGradients: true };
const cases: [string, string, object][] = [
  ['gradient', '/v1/gradient', chain],
  ['gradient', '/v1/gradient', { ...net232, cost: 'binary_cross_entropy', reduction: 'sum', include: everything }],
  ['gradient', '/v1/gradient', { ...net232, include: { activations: false, sensitivities: false, vector: false } }],
  ['forward', '/v1/forward', { ...net232, cost: 'half_quadratic' }],
];

describe('REST and JSON-RPC give identical results', () => {
  it.each(cases)('%s via %s', async (method, url, params) => {
    const rest = await app.inject({ method: 'POST', url, payload: params });
    expect(rest.statusCode).toBe(200);
    const rpc = await postRpc(app, { jsonrpc: '2.0', method, params, id: 7 });
    expect(rpc.status).toBe(200);
    expect(rpc.body.result).toEqual(rest.json());
    expect(rpc.text).toBe(`{"jsonrpc":"2.0","result":${rest.body},"id":7}`);
  });

  it('the gradient of the 2-3-2 network agrees with central finite differences (both doors)', async () => {
    const rpc = await postRpc(app, { jsonrpc: '2.0', method: 'gradient', params: net232, id: 1 });
    const vector: number[] = rpc.body.result.vector;
    // C(θ) by the forward method, perturbed one parameter at a time.
    const flatIndex: [number, 'weights' | 'biases', number, number?][] = [];
    net232.network.layers.forEach((layer, l) => {
      layer.weights.forEach((row, j) => row.forEach((_, k) => flatIndex.push([l, 'weights', j, k])));
      layer.biases.forEach((_, j) => flatIndex.push([l, 'biases', j]));
    });
    const h = 1e-6;
    const costAt = async (i: number, delta: number) => {
      const perturbed = structuredClone(net232);
      const [l, kind, j, k] = flatIndex[i];
      if (kind === 'weights') perturbed.network.layers[l].weights[j][k!] += delta;
      else perturbed.network.layers[l].biases[j] += delta;
      return (await postRpc(app, { jsonrpc: '2.0', method: 'forward', params: perturbed, id: i })).body.result.cost as number;
    };
    expect(vector).toHaveLength(flatIndex.length);
    for (let i = 0; i < flatIndex.length; i += 1) {
      const numeric = ((await costAt(i, h)) - (await costAt(i, -h))) / (2 * h);
      expect(Math.abs(vector[i] - numeric)).toBeLessThan(1e-8);
    }
  });
});
