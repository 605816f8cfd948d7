// The three dense products of backpropagation over a whole batch, all as C = X·Yᵀ tiles
// (dot-tiles.ts, or its WebAssembly twin with the same bits: dense-kernel.ts). Every dot product
// sums its index in ascending order.
//
// THE canonical order of the batch sums (∂C/∂W, ∂C/∂b): the examples are cut into fixed chunks
// of GRADIENT_CHUNK consecutive indices (chunk c holds e = c·GRADIENT_CHUNK …), each chunk's
// partial sum P_c = Σ_{e∈c} a[e][k]·δ[e][j] is formed from 0 in ascending e, and the partials are
// added to the gradient in chunk order: G = ((0 + P_0) + P_1) + …. The chunks depend on the
// example indices only, never on how many threads run, so a worker pool that computes some
// chunks' P_c and hands them back for the in-order sum gives the same bits as one thread.
import { denseProduct } from './dense-kernel.js';
import { transposeRows } from './dot-tiles.js';

/** Examples per chunk of the canonical batch sum (see above). Part of the results' definition. */
export const GRADIENT_CHUNK = 32;

let scratchA = new Float64Array(0);
let scratchB = new Float64Array(0);

function scratch(which: 'a' | 'b', length: number): Float64Array {
  if (which === 'a') {
    if (scratchA.length < length) scratchA = new Float64Array(Math.max(length, scratchA.length * 2));
    return scratchA;
  }
  if (scratchB.length < length) scratchB = new Float64Array(Math.max(length, scratchB.length * 2));
  return scratchB;
}

/** Z = A·Wᵀ + b: z[e][j] = (Σ_k W[j][k]·a[e][k]) + b[j]. A is rows × nIn, W is nOut × nIn. */
export function affineForward(
  a: Float64Array, w: Float64Array, b: Float64Array, z: Float64Array, rows: number, nIn: number, nOut: number,
): void {
  denseProduct(a, 0, w, z, 0, rows, nOut, nIn, b, false);
}

/** ∂C/∂a⁽ˡ⁻¹⁾[e][k] = Σ_j W[j][k]·δ[e][j] (ascending j): the sum over every path through layer l. */
export function backpropInput(
  delta: Float64Array, w: Float64Array, out: Float64Array, rows: number, nIn: number, nOut: number,
): void {
  // Wᵀ (nIn × nOut) makes each sum a contiguous dot product of δ[e] with a column of W.
  const wt = scratch('a', nIn * nOut);
  transposeRows(w, 0, nOut, nIn, wt);
  denseProduct(delta, 0, wt, out, 0, rows, nIn, nOut, null, false);
}

/**
 * Adds Σ over examples e = first…last−1 of ∂C₀/∂W[j][k] = a[e][k]·δ[e][j] to gw (nOut × nIn)
 * and of ∂C₀/∂b[j] = δ[e][j] to gb, in the canonical chunked order (see the top of this file).
 * first and last may cut a chunk (one example, a worker's share): the cut pieces are then summed
 * as chunks of their own, so callers that want THE order pass chunk-aligned ranges.
 */
export function accumulateWeightGradient(
  aPrev: Float64Array, delta: Float64Array, gw: Float64Array, gb: Float64Array,
  first: number, last: number, nIn: number, nOut: number,
): void {
  let start = first;
  while (start < last) {
    const end = Math.min(last, (Math.floor(start / GRADIENT_CHUNK) + 1) * GRADIENT_CHUNK);
    const n = end - start;
    const deltaT = scratch('a', nOut * n);
    const aT = scratch('b', nIn * n);
    transposeRows(delta, start, end, nOut, deltaT);
    transposeRows(aPrev, start, end, nIn, aT);
    // gw[j][k] += (Σ_e δᵀ[j][e]·aᵀ[k][e]), the chunk's partial formed first.
    denseProduct(deltaT, 0, aT, gw, 0, nOut, nIn, n, null, true);
    for (let j = 0; j < nOut; j++) {
      let s = 0;
      const o = j * n;
      for (let e = 0; e < n; e++) s += deltaT[o + e];
      gb[j] += s;
    }
    start = end;
  }
}
