// Splitting the batch never changes a bit: any chunk-aligned partition, merged in order, gives
// exactly backprop() of the whole batch (and the gradient agrees with central differences).
import { describe, expect, it } from 'vitest';
import { backprop, batchCost } from '../../../src/core/backprop.js';
import { backpropPart, mergeParts, partition } from '../../../src/core/backprop-split.js';
import { forwardPass } from '../../../src/core/forward.js';
import { GRADIENT_CHUNK } from '../../../src/core/kernels.js';
import type { Batch, DenseNetwork } from '../../../src/core/network.js';

function random(n: number, seed: number): Float64Array {
  let s = seed >>> 0;
  return Float64Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32 - 0.5) * 2;
  });
}

const sizes = [9, 7, 5, 3];
const net: DenseNetwork = {
  layers: sizes.slice(1).map((nOut, i) => ({
    nIn: sizes[i], nOut, weights: random(nOut * sizes[i], 10 + i), biases: random(nOut, 20 + i),
    activation: i === sizes.length - 2 ? 'softmax' : 'tanh', alpha: 0,
  })),
};
const rows = 3 * GRADIENT_CHUNK + 5;
const targets = new Float64Array(rows * 3);
for (let e = 0; e < rows; e++) targets[e * 3 + (e % 3)] = 1;
const batch: Batch = { count: rows, inputs: random(rows * 9, 7), targets };
const options = { cost: 'cross_entropy' as const, reduction: 'mean' as const, exampleGradients: true };

describe('backprop split over the batch', () => {
  const whole = backprop(net, batch, options);

  it.each([1, 2, 3, 4, 8])('%i parts merge to the same bits as one', (parts) => {
    const ranges = partition(rows, parts);
    expect(ranges[0][0]).toBe(0);
    expect(ranges[ranges.length - 1][1]).toBe(rows);
    const merged = mergeParts(net, batch, ranges.map(([a, b]) => backpropPart(net, batch, a, b, options)), options);
    expect(merged.cost).toBe(whole.cost);
    merged.gradient.layers.forEach((g, i) => {
      expect(g.weights).toEqual(whole.gradient.layers[i].weights);
      expect(g.biases).toEqual(whole.gradient.layers[i].biases);
    });
    expect(merged.exampleCosts).toEqual(whole.exampleCosts);
    for (let l = 1; l < sizes.length; l++) {
      expect(merged.trace.z[l]).toEqual(whole.trace.z[l]);
      expect(merged.dCdz[l]).toEqual(whole.dCdz[l]);
      expect(merged.dCda[l]).toEqual(whole.dCda[l]);
    }
    expect(merged.dCdInput).toEqual(whole.dCdInput);
    expect(merged.exampleGradients).toEqual(whole.exampleGradients);
  });

  it('the gradient agrees with central differences of the batch cost', () => {
    const h = 1e-6;
    const cost = () => batchCost(net, forwardPass(net, batch), targets, 'cross_entropy', 'mean').cost;
    for (const [l, i] of [[0, 0], [0, 40], [1, 17], [2, 14]]) {
      const w = net.layers[l].weights;
      const keep = w[i];
      w[i] = keep + h; const up = cost();
      w[i] = keep - h; const down = cost();
      w[i] = keep;
      expect(whole.gradient.layers[l].weights[i]).toBeCloseTo((up - down) / (2 * h), 7);
    }
  });
});

// Dead ReLU units give partial sums of -0 (0 · a negative δ). backprop() adds each chunk's partial
// to zeros, so ∇C holds +0 there; the merge, which goes on in the first chunk's own gradient,
// must hold the same signed zeros (toEqual compares with Object.is).
describe('backprop split with signed zeros', () => {
  const dead: DenseNetwork = {
    layers: [
      { nIn: 4, nOut: 3, weights: random(12, 31), biases: Float64Array.of(-50, 0.1, -50), activation: 'relu', alpha: 0 },
      { nIn: 3, nOut: 2, weights: random(6, 32), biases: random(2, 33), activation: 'sigmoid', alpha: 0 },
    ],
  };
  const opts = { cost: 'quadratic' as const, reduction: 'sum' as const };

  // One chunk (the merge's sum is that chunk's gradient alone), two, and three over several parts.
  it.each([[GRADIENT_CHUNK - 3, 1], [2 * GRADIENT_CHUNK, 1], [2 * GRADIENT_CHUNK + 3, 3]])('%i examples in %i parts keep backprop()\'s signed zeros', (n, parts) => {
    const deadBatch: Batch = { count: n, inputs: random(n * 4, 34).map(Math.abs), targets: new Float64Array(n * 2).fill(1) };
    const whole = backprop(dead, deadBatch, opts);
    expect(whole.gradient.layers[1].weights.some((x) => Object.is(x, 0))).toBe(true); // the case exists
    const merged = mergeParts(dead, deadBatch, partition(n, parts).map(([a, b]) => backpropPart(dead, deadBatch, a, b, opts)), opts);
    merged.gradient.layers.forEach((g, i) => {
      expect(g.weights).toEqual(whole.gradient.layers[i].weights);
      expect(g.biases).toEqual(whole.gradient.layers[i].biases);
    });
  });
});
