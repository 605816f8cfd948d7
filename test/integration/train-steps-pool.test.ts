// Session training in the worker pool: the same costs and the same parameter bits as on the
// event loop, and a diverging run reports the same problem.
import { afterAll, describe, expect, it } from 'vitest';
import { createComputePool } from '../../src/compute/pool.js';
import { trainSteps } from '../../src/compute/train-steps.js';
import type { SessionState } from '../../src/sessions/codec.js';
import { runSteps } from '../../src/sessions/train.js';
import { ServiceError } from '../../src/errors.js';
import { testConfig } from '../helpers/app.js';

function random(n: number, seed: number): Float64Array {
  let s = seed >>> 0;
  return Float64Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32 - 0.5) * 2;
  });
}

function state(momentum: number, learningRate = 0.5): SessionState {
  const sizes = [6, 5, 3];
  const count = 40;
  const targets = new Float64Array(count * 3);
  for (let e = 0; e < count; e++) targets[e * 3 + (e % 3)] = 1;
  return {
    id: 's', principal: '', createdAt: 0, updatedAt: 0, ttlSeconds: 60, step: 0, costHistory: [],
    cost: 'cross_entropy', reduction: 'mean', optimizer: { type: 'sgd', learningRate, momentum }, batchSize: 16, seed: 7,
    net: { layers: sizes.slice(1).map((nOut, i) => ({ nIn: sizes[i], nOut, weights: random(nOut * sizes[i], i + 1), biases: random(nOut, i + 9), activation: i === 1 ? 'softmax' : 'tanh', alpha: 0 })) },
    examples: { count, inputs: random(count * 6, 42), targets },
  };
}

const pool = createComputePool({ threads: 1 });
afterAll(() => pool.close());
const ctx = { config: testConfig({ COMPUTE_INLINE_MAX_WORK: '0' }), services: { now: () => 0, compute: pool }, signal: new AbortController().signal };

describe('trainSteps', () => {
  it.each([0, 0.9])('gives the same costs and parameters in a worker as inline (momentum %s)', async (momentum) => {
    const inline = state(momentum);
    const pooled = state(momentum);
    const plan = { steps: 12, learningRate: 0.5 };
    const expected = await runSteps(inline, plan, new AbortController().signal);
    const costs = await trainSteps(pooled, plan, ctx);
    expect(costs).toEqual(expected);
    expect(pooled.step).toBe(12);
    expect(costs[costs.length - 1]).toBeLessThan(costs[0]); // it learns
    pooled.net.layers.forEach((l, i) => {
      expect(l.weights).toEqual(inline.net.layers[i].weights);
      expect(l.biases).toEqual(inline.net.layers[i].biases);
    });
    if (momentum) expect(pooled.velocity?.layers[0].weights).toEqual(inline.velocity?.layers[0].weights);
  });

  it('reports divergence from a worker as the same non-finite-result problem', async () => {
    const s = state(0, 1e308);
    await expect(trainSteps(s, { steps: 5, learningRate: 1e308 }, ctx)).rejects.toSatisfy((e) => e instanceof ServiceError && e.code === 'non-finite-result' && (e.errors?.length ?? 0) > 0);
    expect(s.step).toBe(0); // nothing applied to the caller's state
  });
});
