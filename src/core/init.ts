// Seeded initialisation of a network from its layer sizes.
//   xavier: W ~ N(0, 2/(n_in + n_out)), b = 0     (Glorot & Bengio, normal form)
//   he:     W ~ N(0, 2/n_in), b = 0               (He et al.)
//   normal: W ~ N(0, 1), b ~ N(0, 1)              (Nielsen's network.py)
//   zeros:  W = 0, b = 0
// Draws run layer by layer, weights row by row, then biases: the gradient vector's order.
import { type ActivationName, DEFAULT_LEAKY_ALPHA } from './activations.js';
import type { DenseNetwork } from './network.js';
import { type Rng, normal } from './rng.js';

export const INITS = ['xavier', 'he', 'normal', 'zeros'] as const;
export type InitName = (typeof INITS)[number];

export function initNetwork(sizes: number[], activations: ActivationName[], init: InitName, rng: Rng): DenseNetwork {
  const layers = [];
  for (let l = 1; l < sizes.length; l++) {
    const nIn = sizes[l - 1];
    const nOut = sizes[l];
    const weights = new Float64Array(nOut * nIn);
    const biases = new Float64Array(nOut);
    const std = init === 'xavier' ? Math.sqrt(2 / (nIn + nOut)) : init === 'he' ? Math.sqrt(2 / nIn) : 1;
    if (init !== 'zeros') {
      for (let i = 0; i < weights.length; i++) weights[i] = std * normal(rng);
      if (init === 'normal') for (let j = 0; j < nOut; j++) biases[j] = normal(rng);
    }
    const activation = activations[l - 1];
    layers.push({ nIn, nOut, weights, biases, activation, alpha: activation === 'leaky_relu' ? DEFAULT_LEAKY_ALPHA : 0 });
  }
  return { layers };
}
