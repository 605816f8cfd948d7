// Gradient descent: θ ← θ − η∇C, or with momentum v ← μv − η∇C, θ ← θ + v.
import { mulberry32, deriveSeed, permutation } from './rng.js';
import type { DenseNetwork } from './network.js';
import type { Gradient } from './backprop.js';

export interface Sgd { learningRate: number; momentum: number }

/** Applies one update in place. velocity has the network's shapes and is updated in place. */
export function sgdUpdate(net: DenseNetwork, gradient: Gradient, velocity: Gradient | undefined, sgd: Sgd): void {
  net.layers.forEach((layer, l) => {
    const g = gradient.layers[l];
    if (velocity && sgd.momentum !== 0) {
      const v = velocity.layers[l];
      step(layer.weights, g.weights, v.weights, sgd);
      step(layer.biases, g.biases, v.biases, sgd);
    } else {
      for (let i = 0; i < layer.weights.length; i++) layer.weights[i] -= sgd.learningRate * g.weights[i];
      for (let i = 0; i < layer.biases.length; i++) layer.biases[i] -= sgd.learningRate * g.biases[i];
    }
  });
}

function step(theta: Float64Array, grad: Float64Array, v: Float64Array, { learningRate, momentum }: Sgd): void {
  for (let i = 0; i < theta.length; i++) {
    v[i] = momentum * v[i] - learningRate * grad[i];
    theta[i] += v[i];
  }
}

/**
 * The example indices of mini-batch number `step` (0-based) over a kept set of n examples:
 * each epoch is a fresh seeded permutation cut into ceil(n/B) consecutive batches (the last may be
 * smaller). It depends only on (seed, step), so any replica computes the same batch.
 */
export function miniBatchIndices(n: number, batchSize: number, seed: number, step: number): Uint32Array {
  if (batchSize >= n) return permutationIdentity(n);
  const perEpoch = Math.ceil(n / batchSize);
  const epoch = Math.floor(step / perEpoch);
  const position = step % perEpoch;
  const order = permutation(n, mulberry32(deriveSeed(seed, epoch)));
  return order.subarray(position * batchSize, Math.min(n, (position + 1) * batchSize));
}

function permutationIdentity(n: number): Uint32Array {
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  return p;
}
