// THE documented order of the gradient vector (API.md §2): layer 1 weights row by row (j, then k),
// layer 1 biases, layer 2 weights, layer 2 biases, …
import type { DenseNetwork } from './network.js';

interface LayerArrays { weights: Float64Array; biases: Float64Array }

export function parameterCount(net: DenseNetwork): number {
  return net.layers.reduce((n, l) => n + l.nOut * l.nIn + l.nOut, 0);
}

export function flatten(layers: LayerArrays[]): Float64Array {
  const out = new Float64Array(layers.reduce((n, l) => n + l.weights.length + l.biases.length, 0));
  let at = 0;
  for (const l of layers) {
    out.set(l.weights, at);
    at += l.weights.length;
    out.set(l.biases, at);
    at += l.biases.length;
  }
  return out;
}

/** Where component i of the vector lives: layer index, and weight (j, k) or bias j. */
export function locateParameter(net: DenseNetwork, index: number):
  { layer: number; kind: 'weights'; j: number; k: number } | { layer: number; kind: 'biases'; j: number } {
  let at = index;
  for (let l = 0; l < net.layers.length; l++) {
    const { nIn, nOut } = net.layers[l];
    if (at < nOut * nIn) return { layer: l, kind: 'weights', j: Math.floor(at / nIn), k: at % nIn };
    at -= nOut * nIn;
    if (at < nOut) return { layer: l, kind: 'biases', j: at };
    at -= nOut;
  }
  throw new RangeError(`parameter ${index} is out of range`);
}

/** The parameters themselves, as views in the documented order (for finite differences). */
export function parameterViews(net: DenseNetwork): Float64Array[] {
  return net.layers.flatMap((l) => [l.weights, l.biases]);
}
