// Backpropagation, the chain rule of the lesson, over a whole batch:
//   ∂C₀/∂a⁽ᴸ⁾ from the cost table
//   δ⁽ˡ⁾ = ∂C₀/∂z⁽ˡ⁾ = f_l'(z⁽ˡ⁾) ⊙ ∂C₀/∂a⁽ˡ⁾
//   ∂C₀/∂W⁽ˡ⁾[j][k] = a⁽ˡ⁻¹⁾_k · δ⁽ˡ⁾_j,   ∂C₀/∂b⁽ˡ⁾_j = δ⁽ˡ⁾_j
//   ∂C₀/∂a⁽ˡ⁻¹⁾_k = Σ_j W⁽ˡ⁾[j][k] · δ⁽ˡ⁾_j
// and the batch cost C = (1/n) Σ C₀ (mean) or Σ C₀ (sum), whose gradient is the same reduction
// of the per-example gradients.
import { backpropActivation } from './activations.js';
import { type Alloc, freshArrays } from './arena.js';
import { type CostName, type Reduction, costGradient, exampleCost, fusedOutputDelta } from './costs.js';
import { type ForwardTrace, forwardPass } from './forward.js';
import { accumulateWeightGradient, backpropInput } from './kernels.js';
import type { Batch, DenseNetwork } from './network.js';

export interface LayerGradient { weights: Float64Array; biases: Float64Array }
export interface Gradient { layers: LayerGradient[] }

export interface BackpropOptions {
  cost: CostName;
  reduction: Reduction;
  /** Also return ∂C₀/∂W, ∂C₀/∂b of every example. */
  exampleGradients?: boolean;
  /** Leave ∇C out: `gradient` has no layers (backprop-split.ts forms it per chunk itself). */
  skipWeightGradient?: boolean;
  /** Where every array of the result comes from (arena.ts): its own buffer each unless told. */
  alloc?: Alloc;
}

export interface BackpropResult {
  /** C, the reduced batch cost. */
  cost: number;
  /** C₀ of each example. */
  exampleCosts: Float64Array;
  /** ∇C: same shapes as the network. */
  gradient: Gradient;
  trace: ForwardTrace;
  /** dCda[l], dCdz[l] for l = 1…L: rows × n_l, derivatives of each example's own C₀. Index 0 unused. */
  dCda: Float64Array[];
  dCdz: Float64Array[];
  /** ∂C₀/∂a⁽⁰⁾: rows × n_0. */
  dCdInput: Float64Array;
  /** Per example, when asked: exampleGradients[e].layers[l]. */
  exampleGradients?: Gradient[];
}

export function zeroGradient(net: DenseNetwork, alloc: Alloc = freshArrays): Gradient {
  return { layers: net.layers.map((l) => ({ weights: alloc(l.nOut * l.nIn), biases: alloc(l.nOut) })) };
}

/** Batch cost: per-example C₀ and their reduction. Needs targets. */
export function batchCost(net: DenseNetwork, trace: ForwardTrace, targets: Float64Array, cost: CostName, reduction: Reduction, alloc: Alloc = freshArrays) {
  const last = net.layers[net.layers.length - 1];
  const L = net.layers.length;
  const exampleCosts = alloc(trace.rows);
  const scratch = alloc(last.nOut);
  let total = 0;
  for (let e = 0; e < trace.rows; e++) {
    exampleCosts[e] = exampleCost(cost, last.activation, trace.z[L], trace.a[L], targets, e * last.nOut, last.nOut, scratch);
    total += exampleCosts[e];
  }
  return { exampleCosts, cost: reduction === 'mean' ? total / trace.rows : total };
}

export function backprop(net: DenseNetwork, batch: Batch, options: BackpropOptions): BackpropResult {
  if (!batch.targets) throw new Error('backprop needs targets');
  const rows = batch.count;
  const L = net.layers.length;
  const alloc = options.alloc ?? freshArrays;
  const trace = forwardPass(net, batch, alloc);
  const { exampleCosts, cost } = batchCost(net, trace, batch.targets, options.cost, options.reduction, alloc);

  const dCda: Float64Array[] = new Array(L + 1);
  const dCdz: Float64Array[] = new Array(L + 1);
  const out = net.layers[L - 1];
  dCda[L] = alloc(rows * out.nOut);
  dCdz[L] = alloc(rows * out.nOut);
  costGradient(options.cost, out.activation, trace.z[L], trace.a[L], batch.targets, dCda[L], rows, out.nOut);
  if (!fusedOutputDelta(options.cost, out.activation, trace.a[L], batch.targets, dCdz[L], rows, out.nOut)) {
    backpropActivation(out.activation, out.alpha, trace.z[L], trace.a[L], dCda[L], dCdz[L], rows, out.nOut);
  }

  // Skipped, it stays empty: backprop-split.ts forms it per chunk, and 0.9 MB of zeros for `wide` cost a page fault per 4 KiB.
  const gradient = options.skipWeightGradient ? { layers: [] } : zeroGradient(net, alloc);
  const perExample = options.exampleGradients ? Array.from({ length: rows }, () => zeroGradient(net, alloc)) : undefined;
  for (let l = L; l >= 1; l--) {
    const layer = net.layers[l - 1];
    if (l < L) {
      dCdz[l] = alloc(rows * layer.nOut);
      backpropActivation(layer.activation, layer.alpha, trace.z[l], trace.a[l], dCda[l], dCdz[l], rows, layer.nOut);
    }
    if (!options.skipWeightGradient) {
      const g = gradient.layers[l - 1];
      accumulateWeightGradient(trace.a[l - 1], dCdz[l], g.weights, g.biases, 0, rows, layer.nIn, layer.nOut);
    }
    if (perExample) {
      for (let e = 0; e < rows; e++) {
        const ge = perExample[e].layers[l - 1];
        accumulateWeightGradient(trace.a[l - 1], dCdz[l], ge.weights, ge.biases, e, e + 1, layer.nIn, layer.nOut);
      }
    }
    dCda[l - 1] = alloc(rows * layer.nIn);
    backpropInput(dCdz[l], layer.weights, dCda[l - 1], rows, layer.nIn, layer.nOut);
  }
  if (options.reduction === 'mean') {
    for (const g of gradient.layers) {
      for (let i = 0; i < g.weights.length; i++) g.weights[i] /= rows;
      for (let i = 0; i < g.biases.length; i++) g.biases[i] /= rows;
    }
  }
  return { cost, exampleCosts, gradient, trace, dCda, dCdz, dCdInput: dCda[0], exampleGradients: perExample };
}
