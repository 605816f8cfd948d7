// AssemblyScript: C = X·Yᵀ as src/core/dot-tiles.ts computes it, with the same bits.
// f64x2 lanes run across output columns j, never across k: every lane does s = 0; s = s + x·y
// for ascending k, one IEEE multiply and one add each (no FMA), then + bias[j] or c + s.
// Y is first packed four rows side by side (pack), so the four y[j…j+3][k] of a step are two
// contiguous vectors; a 4 × 4 block of C then lives in 8 vector registers while k runs.
// Pointers are byte offsets into this module's memory, laid out by src/core/dot-tiles-wasm.ts.

const BIAS: i32 = 1;
const ACCUMULATE: i32 = 2;

/** The first byte the caller may use, 16-aligned. */
export function heapBase(): usize {
  return (__heap_base + 15) & ~15;
}

/** p[(b·K + k)·4 + t] = y[(4b + t)·K + k], and 0 where 4b + t ≥ n: a block of four rows per b. */
export function pack(y: usize, n: i32, K: i32, p: usize): void {
  const rowBytes = <usize>K << 3;
  for (let j = 0; j < n; j += 4) {
    const block = p + <usize>j * rowBytes;
    for (let t = 0; t < 4; t++) {
      let to = block + (<usize>t << 3);
      if (j + t < n) {
        let from = y + <usize>(j + t) * rowBytes;
        for (let k = 0; k < K; k++) {
          store<f64>(to, load<f64>(from));
          from += 8;
          to += 32;
        }
      } else {
        for (let k = 0; k < K; k++) {
          store<f64>(to, 0.0);
          to += 32;
        }
      }
    }
  }
}

/**
 * c[i·n + j] = Σ_k x[i·K + k]·y[j·K + k] (+ bias[j] when flags & 1; c += … when flags & 2),
 * with Y packed by pack() at p. bias holds n rounded up to 4 values (the tail is never stored).
 */
export function tiles(x: usize, p: usize, c: usize, bias: usize, m: i32, n: i32, K: i32, flags: i32): void {
  const rowBytes = <usize>K << 3;
  const cRow = <usize>n << 3;
  const m4 = m & ~3;
  for (let i = 0; i < m4; i += 4) {
    const x0 = x + <usize>i * rowBytes;
    const c0 = c + <usize>i * cRow;
    for (let j = 0; j < n; j += 4) {
      let yp = p + <usize>j * rowBytes;
      let xp = x0;
      let s00 = f64x2.splat(0), s01 = f64x2.splat(0);
      let s10 = f64x2.splat(0), s11 = f64x2.splat(0);
      let s20 = f64x2.splat(0), s21 = f64x2.splat(0);
      let s30 = f64x2.splat(0), s31 = f64x2.splat(0);
      for (let k = 0; k < K; k++) {
        const y0 = v128.load(yp);
        const y1 = v128.load(yp, 16);
        let a = v128.load64_splat(xp);
        s00 = f64x2.add(s00, f64x2.mul(a, y0));
        s01 = f64x2.add(s01, f64x2.mul(a, y1));
        a = v128.load64_splat(xp + rowBytes);
        s10 = f64x2.add(s10, f64x2.mul(a, y0));
        s11 = f64x2.add(s11, f64x2.mul(a, y1));
        a = v128.load64_splat(xp + 2 * rowBytes);
        s20 = f64x2.add(s20, f64x2.mul(a, y0));
        s21 = f64x2.add(s21, f64x2.mul(a, y1));
        a = v128.load64_splat(xp + 3 * rowBytes);
        s30 = f64x2.add(s30, f64x2.mul(a, y0));
        s31 = f64x2.add(s31, f64x2.mul(a, y1));
        xp += 8;
        yp += 32;
      }
      const at = c0 + (<usize>j << 3);
      const b = bias + (<usize>j << 3);
      const cols = n - j;
      finish(at, s00, s01, b, cols, flags);
      finish(at + cRow, s10, s11, b, cols, flags);
      finish(at + 2 * cRow, s20, s21, b, cols, flags);
      finish(at + 3 * cRow, s30, s31, b, cols, flags);
    }
  }
  for (let i = m4; i < m; i++) {
    const x0 = x + <usize>i * rowBytes;
    const c0 = c + <usize>i * cRow;
    for (let j = 0; j < n; j += 4) {
      let yp = p + <usize>j * rowBytes;
      let xp = x0;
      let s0 = f64x2.splat(0), s1 = f64x2.splat(0);
      for (let k = 0; k < K; k++) {
        const a = v128.load64_splat(xp);
        s0 = f64x2.add(s0, f64x2.mul(a, v128.load(yp)));
        s1 = f64x2.add(s1, f64x2.mul(a, v128.load(yp, 16)));
        xp += 8;
        yp += 32;
      }
      finish(c0 + (<usize>j << 3), s0, s1, bias + (<usize>j << 3), n - j, flags);
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
