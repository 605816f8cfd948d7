// The one dense product every kernel reduces to: C = X·Yᵀ, both operands row-major with the
// summed index contiguous, so each c[i][j] is one dot product read straight down two rows.
// Register tiling: a 2 × 4 block of C is kept in 8 locals while k runs, so every loaded x and
// y is used 4 and 2 times. Each dot product still sums in ascending k, one term at a time
// (s = 0; s += x₀y₀; s += x₁y₁; …), so a tile, a remainder row and the naive triple loop all
// give the same bits.

/** The contract of a dense product kernel: dotTiles below, or its WebAssembly twin (dot-tiles-wasm.ts). */
export type DotTiles = typeof dotTiles;

/**
 * c[cOff + i·n + j] = (Σ_k x[xOff + i·K + k]·y[j·K + k]) (+ bias[j] when given), i < m, j < n.
 * When `accumulate`, the dot product is added to c instead: c += Σ (the sum formed first).
 */
export function dotTiles(
  x: Float64Array, xOff: number, y: Float64Array, c: Float64Array, cOff: number,
  m: number, n: number, K: number, bias: Float64Array | null, accumulate: boolean,
): void {
  const m2 = m - (m % 2);
  const n4 = n - (n % 4);
  const K4 = K - (K % 4);
  for (let i = 0; i < m2; i += 2) {
    const x0 = xOff + i * K;
    const x1 = x0 + K;
    const c0 = cOff + i * n;
    const c1 = c0 + n;
    for (let j = 0; j < n4; j += 4) {
      const y0 = j * K;
      const y1 = y0 + K;
      const y2 = y1 + K;
      const y3 = y2 + K;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let k = 0;
      for (; k < K4; k += 4) {
        let a = x[x0 + k], b = x[x1 + k];
        let w = y[y0 + k]; s00 += a * w; s10 += b * w;
        w = y[y1 + k]; s01 += a * w; s11 += b * w;
        w = y[y2 + k]; s02 += a * w; s12 += b * w;
        w = y[y3 + k]; s03 += a * w; s13 += b * w;
        a = x[x0 + k + 1]; b = x[x1 + k + 1];
        w = y[y0 + k + 1]; s00 += a * w; s10 += b * w;
        w = y[y1 + k + 1]; s01 += a * w; s11 += b * w;
        w = y[y2 + k + 1]; s02 += a * w; s12 += b * w;
        w = y[y3 + k + 1]; s03 += a * w; s13 += b * w;
        a = x[x0 + k + 2]; b = x[x1 + k + 2];
        w = y[y0 + k + 2]; s00 += a * w; s10 += b * w;
        w = y[y1 + k + 2]; s01 += a * w; s11 += b * w;
        w = y[y2 + k + 2]; s02 += a * w; s12 += b * w;
        w = y[y3 + k + 2]; s03 += a * w; s13 += b * w;
        a = x[x0 + k + 3]; b = x[x1 + k + 3];
        w = y[y0 + k + 3]; s00 += a * w; s10 += b * w;
        w = y[y1 + k + 3]; s01 += a * w; s11 += b * w;
        w = y[y2 + k + 3]; s02 += a * w; s12 += b * w;
        w = y[y3 + k + 3]; s03 += a * w; s13 += b * w;
      }
      for (; k < K; k++) {
        const a = x[x0 + k], b = x[x1 + k];
        let w = y[y0 + k]; s00 += a * w; s10 += b * w;
        w = y[y1 + k]; s01 += a * w; s11 += b * w;
        w = y[y2 + k]; s02 += a * w; s12 += b * w;
        w = y[y3 + k]; s03 += a * w; s13 += b * w;
      }
      store(c, c0 + j, s00, s01, s02, s03, bias, j, accumulate);
      store(c, c1 + j, s10, s11, s12, s13, bias, j, accumulate);
    }
    for (let j = n4; j < n; j++) {
      put(c, c0 + j, dot(x, x0, y, j * K, K), bias, j, accumulate);
      put(c, c1 + j, dot(x, x1, y, j * K, K), bias, j, accumulate);
    }
  }
  for (let i = m2; i < m; i++) {
    const x0 = xOff + i * K;
    const c0 = cOff + i * n;
    for (let j = 0; j < n; j++) put(c, c0 + j, dot(x, x0, y, j * K, K), bias, j, accumulate);
  }
}

/** Σ_k x[xo + k]·y[yo + k], ascending k, unrolled by 4 without reassociating. */
export function dot(x: Float64Array, xo: number, y: Float64Array, yo: number, K: number): number {
  let s = 0;
  let k = 0;
  const K4 = K - (K % 4);
  for (; k < K4; k += 4) {
    s += x[xo + k] * y[yo + k];
    s += x[xo + k + 1] * y[yo + k + 1];
    s += x[xo + k + 2] * y[yo + k + 2];
    s += x[xo + k + 3] * y[yo + k + 3];
  }
  for (; k < K; k++) s += x[xo + k] * y[yo + k];
  return s;
}

function put(c: Float64Array, at: number, s: number, bias: Float64Array | null, j: number, accumulate: boolean): void {
  if (bias !== null) s += bias[j];
  if (accumulate) c[at] += s;
  else c[at] = s;
}

function store(
  c: Float64Array, at: number, s0: number, s1: number, s2: number, s3: number,
  bias: Float64Array | null, j: number, accumulate: boolean,
): void {
  if (bias !== null) {
    s0 += bias[j]; s1 += bias[j + 1]; s2 += bias[j + 2]; s3 += bias[j + 3];
  }
  if (accumulate) {
    c[at] += s0; c[at + 1] += s1; c[at + 2] += s2; c[at + 3] += s3;
  } else {
    c[at] = s0; c[at + 1] = s1; c[at + 2] = s2; c[at + 3] = s3;
  }
}

/** out (cols × rows) = inᵀ for the block of rows first…last−1 of a rows × cols matrix. */
export function transposeRows(src: Float64Array, first: number, last: number, cols: number, out: Float64Array): void {
  const rows = last - first;
  for (let r = 0; r < rows; r++) {
    const so = (first + r) * cols;
    for (let k = 0; k < cols; k++) out[k * rows + r] = src[so + k];
  }
}
