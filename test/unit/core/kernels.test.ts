// The tiled kernels against naive triple loops written here independently: the same summation
// order must give the same bits; the chunked batch sum stays within rounding of the plain sum.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GRADIENT_CHUNK, accumulateWeightGradient, affineForward, backpropInput } from '../../../src/core/kernels.js';

function random(n: number, seed: number): Float64Array {
  let s = seed >>> 0;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32 - 0.5) * 4;
  }
  return out;
}

function naiveForward(a: Float64Array, w: Float64Array, b: Float64Array, rows: number, nIn: number, nOut: number) {
  const z = new Float64Array(rows * nOut);
  for (let e = 0; e < rows; e++) {
    for (let j = 0; j < nOut; j++) {
      let s = 0;
      for (let k = 0; k < nIn; k++) s += w[j * nIn + k] * a[e * nIn + k];
      z[e * nOut + j] = s + b[j];
    }
  }
  return z;
}

function naiveBackInput(d: Float64Array, w: Float64Array, rows: number, nIn: number, nOut: number) {
  const out = new Float64Array(rows * nIn);
  for (let e = 0; e < rows; e++) {
    for (let k = 0; k < nIn; k++) {
      let s = 0;
      for (let j = 0; j < nOut; j++) s += w[j * nIn + k] * d[e * nOut + j];
      out[e * nIn + k] = s;
    }
  }
  return out;
}

/** Σ_e a[e][k]·δ[e][j] in fixed chunks of `chunk` examples, partials added in order. */
function naiveWeightGradient(a: Float64Array, d: Float64Array, rows: number, nIn: number, nOut: number, chunk: number) {
  const gw = new Float64Array(nOut * nIn);
  const gb = new Float64Array(nOut);
  for (let c = 0; c < rows; c += chunk) {
    for (let j = 0; j < nOut; j++) {
      let sb = 0;
      for (let e = c; e < Math.min(rows, c + chunk); e++) sb += d[e * nOut + j];
      gb[j] += sb;
      for (let k = 0; k < nIn; k++) {
        let s = 0;
        for (let e = c; e < Math.min(rows, c + chunk); e++) s += a[e * nIn + k] * d[e * nOut + j];
        gw[j * nIn + k] += s;
      }
    }
  }
  return { gw, gb };
}

const shapes = fc.record({ rows: fc.integer({ min: 1, max: 70 }), nIn: fc.integer({ min: 1, max: 13 }), nOut: fc.integer({ min: 1, max: 11 }), seed: fc.integer() });

describe('kernels', () => {
  it('affineForward equals the naive loop bit for bit (every tile remainder)', () => {
    fc.assert(fc.property(shapes, ({ rows, nIn, nOut, seed }) => {
      const a = random(rows * nIn, seed), w = random(nOut * nIn, seed + 1), b = random(nOut, seed + 2);
      const z = new Float64Array(rows * nOut);
      affineForward(a, w, b, z, rows, nIn, nOut);
      expect(z).toEqual(naiveForward(a, w, b, rows, nIn, nOut));
    }), { numRuns: 150 });
  });

  it('backpropInput equals Σ_j W[j][k]·δ[e][j] in ascending j, bit for bit', () => {
    fc.assert(fc.property(shapes, ({ rows, nIn, nOut, seed }) => {
      const d = random(rows * nOut, seed), w = random(nOut * nIn, seed + 1);
      const out = new Float64Array(rows * nIn).fill(7); // overwritten, not added to
      backpropInput(d, w, out, rows, nIn, nOut);
      expect(out).toEqual(naiveBackInput(d, w, rows, nIn, nOut));
    }), { numRuns: 150 });
  });

  it('accumulateWeightGradient sums in THE chunked order, and within rounding of the plain sum', () => {
    fc.assert(fc.property(shapes, ({ rows, nIn, nOut, seed }) => {
      const a = random(rows * nIn, seed), d = random(rows * nOut, seed + 1);
      const gw = new Float64Array(nOut * nIn), gb = new Float64Array(nOut);
      accumulateWeightGradient(a, d, gw, gb, 0, rows, nIn, nOut);
      const ref = naiveWeightGradient(a, d, rows, nIn, nOut, GRADIENT_CHUNK);
      expect(gw).toEqual(ref.gw);
      expect(gb).toEqual(ref.gb);
      const plain = naiveWeightGradient(a, d, rows, nIn, nOut, rows);
      plain.gw.forEach((v, i) => expect(Math.abs(gw[i] - v)).toBeLessThanOrEqual(1e-12 * rows * 4));
    }), { numRuns: 150 });
  });

  it('a larger layer (784 → 64, 40 examples) matches the naive loops', () => {
    const rows = 40, nIn = 784, nOut = 64;
    const a = random(rows * nIn, 1), w = random(nOut * nIn, 2), b = random(nOut, 3), d = random(rows * nOut, 4);
    const z = new Float64Array(rows * nOut);
    affineForward(a, w, b, z, rows, nIn, nOut);
    expect(z).toEqual(naiveForward(a, w, b, rows, nIn, nOut));
    const out = new Float64Array(rows * nIn);
    backpropInput(d, w, out, rows, nIn, nOut);
    expect(out).toEqual(naiveBackInput(d, w, rows, nIn, nOut));
    const gw = new Float64Array(nOut * nIn), gb = new Float64Array(nOut);
    accumulateWeightGradient(a, d, gw, gb, 0, rows, nIn, nOut);
    expect(gw).toEqual(naiveWeightGradient(a, d, rows, nIn, nOut, GRADIENT_CHUNK).gw);
  });
});
