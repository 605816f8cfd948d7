// Backpropagation split over the batch: each part covers whole chunks of GRADIENT_CHUNK examples
// (kernels.ts), returns its rows of every per-example quantity and one partial gradient per
// chunk, and mergeParts adds the partials in chunk order — THE canonical order, so the result is
// bit-identical to backprop() on the whole batch, whatever the number of parts.
import { type BackpropOptions, type BackpropResult, type Gradient, backprop, zeroGradient } from './backprop.js';
import { GRADIENT_CHUNK, accumulateWeightGradient } from './kernels.js';
import type { Batch, DenseNetwork } from './network.js';

export interface BackpropPart {
  /** Index of the first example (a multiple of GRADIENT_CHUNK) and the number of rows. */
  first: number;
  rows: number;
  exampleCosts: Float64Array;
  /** z[l], a[l], dCda[l], dCdz[l] for l = 1…L (index 0 unused), rows × n_l; dCdInput rows × n_0. */
  z: Float64Array[];
  a: Float64Array[];
  dCda: Float64Array[];
  dCdz: Float64Array[];
  dCdInput: Float64Array;
  /** Σ over each chunk of the part, in chunk order. */
  chunkGradients: Gradient[];
  exampleGradients?: Gradient[];
}

/** The chunk-aligned ranges [first, last) of a batch cut into at most `parts` pieces. */
export function partition(count: number, parts: number): Array<[number, number]> {
  const chunks = Math.ceil(count / GRADIENT_CHUNK);
  const n = Math.max(1, Math.min(parts, chunks));
  const ranges: Array<[number, number]> = [];
  for (let p = 0; p < n; p++) {
    const c0 = Math.floor((p * chunks) / n);
    const c1 = Math.floor(((p + 1) * chunks) / n);
    ranges.push([c0 * GRADIENT_CHUNK, Math.min(count, c1 * GRADIENT_CHUNK)]);
  }
  return ranges;
}

function sliceBatch(batch: Batch, first: number, last: number, nIn: number, nOut: number): Batch {
  return {
    count: last - first,
    inputs: batch.inputs.subarray(first * nIn, last * nIn),
    targets: batch.targets?.subarray(first * nOut, last * nOut),
  };
}

/** Backpropagation of examples first…last−1 (first a multiple of GRADIENT_CHUNK). */
export function backpropPart(net: DenseNetwork, batch: Batch, first: number, last: number, options: BackpropOptions): BackpropPart {
  if (first % GRADIENT_CHUNK !== 0) throw new RangeError(`a part starts at a chunk boundary, not ${first}`);
  const nIn = net.layers[0].nIn;
  const nOut = net.layers[net.layers.length - 1].nOut;
  const part = sliceBatch(batch, first, last, nIn, nOut);
  // reduction 'sum' keeps the raw sums; the merge applies the batch's own reduction.
  const r = backprop(net, part, { ...options, reduction: 'sum', skipWeightGradient: true });
  const rows = last - first;
  const chunkGradients: Gradient[] = [];
  for (let c = 0; c < rows; c += GRADIENT_CHUNK) {
    const g = zeroGradient(net);
    const end = Math.min(rows, c + GRADIENT_CHUNK);
    net.layers.forEach((layer, i) => {
      accumulateWeightGradient(r.trace.a[i], r.dCdz[i + 1], g.layers[i].weights, g.layers[i].biases, c, end, layer.nIn, layer.nOut);
    });
    chunkGradients.push(g);
  }
  return {
    first, rows, exampleCosts: r.exampleCosts, z: r.trace.z, a: r.trace.a, dCda: r.dCda, dCdz: r.dCdz, dCdInput: r.dCdInput,
    chunkGradients, exampleGradients: r.exampleGradients,
  };
}

/** sum[k] += x[k]: one monomorphic loop (in a closure per layer it ran ~5× slower). */
function addInto(sum: Float64Array, x: Float64Array): void {
  for (let k = 0; k < x.length; k++) sum[k] += x[k];
}

function concat(pieces: Float64Array[]): Float64Array {
  if (pieces.length === 1) return pieces[0];
  const out = new Float64Array(pieces.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * The parts (in batch order) as one BackpropResult, the same bits as backprop() of the batch.
 * The parts are this call's own (a worker's results): their arrays are reused, not copied.
 */
export function mergeParts(net: DenseNetwork, batch: Batch, parts: BackpropPart[], options: BackpropOptions): BackpropResult {
  const L = net.layers.length;
  const rows = batch.count;
  // backprop() adds each chunk's partial to a zeroed ∇C in chunk order: 0 + p₀ + p₁ + …. The first
  // chunk's gradient is already 0 + p₀ (formed on zeros), so the sum goes on in it, in place.
  const chunks = parts.flatMap((part) => part.chunkGradients);
  const gradient = chunks[0] ?? zeroGradient(net);
  for (let c = 1; c < chunks.length; c++) {
    for (let i = 0; i < L; i++) {
      addInto(gradient.layers[i].weights, chunks[c].layers[i].weights);
      addInto(gradient.layers[i].biases, chunks[c].layers[i].biases);
    }
  }
  if (options.reduction === 'mean') {
    for (const g of gradient.layers) {
      for (let i = 0; i < g.weights.length; i++) g.weights[i] /= rows;
      for (let i = 0; i < g.biases.length; i++) g.biases[i] /= rows;
    }
  }
  const exampleCosts = concat(parts.map((p) => p.exampleCosts));
  let total = 0;
  for (let e = 0; e < rows; e++) total += exampleCosts[e];
  const layerwise = (pick: (p: BackpropPart) => Float64Array[]) => {
    const out: Float64Array[] = [new Float64Array(0)];
    for (let l = 1; l <= L; l++) out.push(concat(parts.map((p) => pick(p)[l])));
    return out;
  };
  const z = layerwise((p) => p.z);
  const a = layerwise((p) => p.a);
  a[0] = batch.inputs;
  const dCda = layerwise((p) => p.dCda);
  const dCdInput = concat(parts.map((p) => p.dCdInput));
  dCda[0] = dCdInput;
  return {
    cost: options.reduction === 'mean' ? total / rows : total,
    exampleCosts,
    gradient,
    trace: { rows, z, a },
    dCda,
    dCdz: layerwise((p) => p.dCdz),
    dCdInput,
    exampleGradients: options.exampleGradients ? parts.flatMap((p) => p.exampleGradients ?? []) : undefined,
  };
}
