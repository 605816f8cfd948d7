// The forward pass: z⁽ˡ⁾ = W⁽ˡ⁾ a⁽ˡ⁻¹⁾ + b⁽ˡ⁾, a⁽ˡ⁾ = f_l(z⁽ˡ⁾), for every example at once.
import { activate } from './activations.js';
import { affineForward } from './kernels.js';
import { type Alloc, freshArrays } from './arena.js';
import type { Batch, DenseNetwork } from './network.js';

/** z[l] and a[l] for l = 1…L are rows × n_l; a[0] is the input (z[0] is unused). */
export interface ForwardTrace { rows: number; z: Float64Array[]; a: Float64Array[] }

export function forwardPass(net: DenseNetwork, batch: Batch, alloc: Alloc = freshArrays): ForwardTrace {
  const rows = batch.count;
  const z: Float64Array[] = [new Float64Array(0)];
  const a: Float64Array[] = [batch.inputs];
  for (const layer of net.layers) {
    const zl = alloc(rows * layer.nOut);
    const al = alloc(rows * layer.nOut);
    affineForward(a[a.length - 1], layer.weights, layer.biases, zl, rows, layer.nIn, layer.nOut);
    activate(layer.activation, layer.alpha, zl, al, rows, layer.nOut);
    z.push(zl);
    a.push(al);
  }
  return { rows, z, a };
}
