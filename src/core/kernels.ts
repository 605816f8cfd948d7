// The three dense products of backpropagation over a whole batch. Each sum runs over its
// index in ascending order, so results are bit-identical however the batch is split.

/** Z = A·Wᵀ + b: z[e][j] = (Σ_k W[j][k]·a[e][k]) + b[j]. A is rows × nIn, W is nOut × nIn. */
export function affineForward(
  a: Float64Array, w: Float64Array, b: Float64Array, z: Float64Array, rows: number, nIn: number, nOut: number,
): void {
  for (let e = 0; e < rows; e++) {
    const ao = e * nIn;
    const zo = e * nOut;
    for (let j = 0; j < nOut; j++) {
      const wo = j * nIn;
      let s = 0;
      for (let k = 0; k < nIn; k++) s += w[wo + k] * a[ao + k];
      z[zo + j] = s + b[j];
    }
  }
}

/** ∂C/∂a⁽ˡ⁻¹⁾[e][k] = Σ_j W[j][k]·δ[e][j]: the sum over every path through layer l. */
export function backpropInput(
  delta: Float64Array, w: Float64Array, out: Float64Array, rows: number, nIn: number, nOut: number,
): void {
  out.fill(0, 0, rows * nIn);
  for (let e = 0; e < rows; e++) {
    const oo = e * nIn;
    const dO = e * nOut;
    for (let j = 0; j < nOut; j++) {
      const d = delta[dO + j];
      const wo = j * nIn;
      for (let k = 0; k < nIn; k++) out[oo + k] += w[wo + k] * d;
    }
  }
}

/**
 * Σ over examples e = first…last−1 of ∂C₀/∂W[j][k] = a[e][k]·δ[e][j] and ∂C₀/∂b[j] = δ[e][j],
 * added to gw (nOut × nIn) and gb in ascending e.
 */
export function accumulateWeightGradient(
  aPrev: Float64Array, delta: Float64Array, gw: Float64Array, gb: Float64Array,
  first: number, last: number, nIn: number, nOut: number,
): void {
  for (let e = first; e < last; e++) {
    const ao = e * nIn;
    const dO = e * nOut;
    for (let j = 0; j < nOut; j++) {
      const d = delta[dO + j];
      gb[j] += d;
      const go = j * nIn;
      for (let k = 0; k < nIn; k++) gw[go + k] += aPrev[ao + k] * d;
    }
  }
}
