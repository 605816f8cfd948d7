// AssemblyScript: C = X·Yᵀ as src/core/dot-tiles.ts computes it, with the same bits.
// f64x2 lanes run across output columns j, never across k: every lane does s = 0; s = s + x·y
// for ascending k, one IEEE multiply and one add each (no FMA), then + bias[j] or c + s.
// Y is packed four rows side by side (so the four y[j…j+3][k] of a step are two contiguous
// vectors), and so is each block of four rows of X (its four x[i…i+3][k] one after another);
// a 4 × 4 block of C then lives in 8 vector registers while k runs. (Measured: 5 × 4 tiles and
// unrolling k both spill registers in V8 and run slower.)
// Pointers are byte offsets into this module's memory, laid out by src/core/dot-tiles-wasm.ts.

const BIAS: i32 = 1;
const ACCUMULATE: i32 = 2;

/** The first byte the caller may use, 16-aligned. */
export function heapBase(): usize {
  return (__heap_base + 15) & ~15;
}

/** out[k·4 + t] = a[(r + t)·K + k] for t < 4, and 0 where r + t ≥ rows: four rows side by side. */
function packBlock(a: usize, rows: i32, K: i32, r: i32, out: usize): void {
  const rowBytes = <usize>K << 3;
  let a0 = a + <usize>r * rowBytes;
  if (r + 4 <= rows) {
    // Two k at a time: four loads of (row t: k, k+1), shuffled into (k: rows 0–3), (k+1: rows 0–3).
    let to = out;
    for (let k = 0; k < (K & ~1); k += 2) {
      const v0 = v128.load(a0), v1 = v128.load(a0 + rowBytes);
      const v2 = v128.load(a0 + 2 * rowBytes), v3 = v128.load(a0 + 3 * rowBytes);
      v128.store(to, v128.shuffle<i64>(v0, v1, 0, 2));
      v128.store(to, v128.shuffle<i64>(v2, v3, 0, 2), 16);
      v128.store(to, v128.shuffle<i64>(v0, v1, 1, 3), 32);
      v128.store(to, v128.shuffle<i64>(v2, v3, 1, 3), 48);
      a0 += 16;
      to += 64;
    }
    if (K & 1) {
      for (let t: usize = 0; t < 4; t++) store<f64>(to + (t << 3), load<f64>(a0 + t * rowBytes));
    }
    return;
  }
  for (let t = 0; t < 4; t++) {
    let to = out + (<usize>t << 3);
    const present = r + t < rows;
    let from = a0 + <usize>t * rowBytes;
    for (let k = 0; k < K; k++) {
      store<f64>(to, present ? load<f64>(from) : 0.0);
      from += 8;
      to += 32;
    }
  }
}

/** Packs Y (n × K) at p in blocks of four rows: p + j·K·8 holds rows j…j+3 side by side. */
export function pack(y: usize, n: i32, K: i32, p: usize): void {
  for (let j = 0; j < n; j += 4) packBlock(y, n, K, j, p + <usize>j * (<usize>K << 3));
}

/**
 * c[i·n + j] = Σ_k x[i·K + k]·y[j·K + k] (+ bias[j] when flags & 1; c += … when flags & 2),
 * with Y packed by pack() at p, and 4·K values of scratch right after it for a block of X.
 * bias holds n rounded up to 4 values (the tail is never stored).
 */
export function tiles(x: usize, p: usize, c: usize, bias: usize, m: i32, n: i32, K: i32, flags: i32): void {
  const rowBytes = <usize>K << 3;
  const cRow = <usize>n << 3;
  const xs = p + <usize>((n + 3) & ~3) * rowBytes;
  const xEnd = xs + (<usize>K << 5);
  for (let i = 0; i < m; i += 4) {
    packBlock(x, m, K, i, xs);
    const c0 = c + <usize>i * cRow;
    const rows = m - i;
    for (let j = 0; j < n; j += 4) {
      let yp = p + <usize>j * rowBytes;
      let xp = xs;
      let s00 = f64x2.splat(0), s01 = f64x2.splat(0);
      let s10 = f64x2.splat(0), s11 = f64x2.splat(0);
      let s20 = f64x2.splat(0), s21 = f64x2.splat(0);
      let s30 = f64x2.splat(0), s31 = f64x2.splat(0);
      while (xp < xEnd) {
        const y0 = v128.load(yp);
        const y1 = v128.load(yp, 16);
        let a = v128.load64_splat(xp);
        s00 = f64x2.add(s00, f64x2.mul(a, y0));
        s01 = f64x2.add(s01, f64x2.mul(a, y1));
        a = v128.load64_splat(xp, 8);
        s10 = f64x2.add(s10, f64x2.mul(a, y0));
        s11 = f64x2.add(s11, f64x2.mul(a, y1));
        a = v128.load64_splat(xp, 16);
        s20 = f64x2.add(s20, f64x2.mul(a, y0));
        s21 = f64x2.add(s21, f64x2.mul(a, y1));
        a = v128.load64_splat(xp, 24);
        s30 = f64x2.add(s30, f64x2.mul(a, y0));
        s31 = f64x2.add(s31, f64x2.mul(a, y1));
        xp += 32;
        yp += 32;
      }
      // Rows past m were packed as zeros and are not stored.
      const at = c0 + (<usize>j << 3);
      const b = bias + (<usize>j << 3);
      const cols = n - j;
      finish(at, s00, s01, b, cols, flags);
      if (rows > 1) finish(at + cRow, s10, s11, b, cols, flags);
      if (rows > 2) finish(at + 2 * cRow, s20, s21, b, cols, flags);
      if (rows > 3) finish(at + 3 * cRow, s30, s31, b, cols, flags);
    }
  }
}

/** Row segment c[at…at+min(cols,4)) from the sums s0 = (s_j, s_j+1), s1 = (s_j+2, s_j+3). */
// @ts-ignore: decorator
@inline function finish(at: usize, s0: v128, s1: v128, b: usize, cols: i32, flags: i32): void {
  if (flags & BIAS) {
    s0 = f64x2.add(s0, v128.load(b));
    s1 = f64x2.add(s1, v128.load(b, 16));
  }
  if (cols >= 4) {
    if (flags & ACCUMULATE) {
      s0 = f64x2.add(v128.load(at), s0);
      s1 = f64x2.add(v128.load(at, 16), s1);
    }
    v128.store(at, s0);
    v128.store(at, s1, 16);
    return;
  }
  put(at, f64x2.extract_lane(s0, 0), flags);
  if (cols > 1) put(at + 8, f64x2.extract_lane(s0, 1), flags);
  if (cols > 2) put(at + 16, f64x2.extract_lane(s1, 0), flags);
}

// @ts-ignore: decorator
@inline function put(at: usize, s: f64, flags: i32): void {
  store<f64>(at, flags & ACCUMULATE ? load<f64>(at) + s : s);
}
