// The WebAssembly kernel against the JS one, bit for bit: every shape remainder of the 4 × 4
// tiles, offsets, bias, accumulate, and the awkward values (−0, subnormals, huge and tiny).
// minWork 0 sends even the smallest product through WebAssembly. Needs `npm run build`.
import { describe, expect, it } from 'vitest';
import { type DotTiles, dotTiles } from '../../../src/core/dot-tiles.js';
import { wasmDotTiles } from '../../../src/core/dot-tiles-wasm.js';
import { loadKernelModule } from '../../../src/core/dense-kernel.js';
import { mulberry32 } from '../../../src/core/rng.js';

const compiled = loadKernelModule();

function values(n: number, rng: () => number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = rng();
    if (r < 0.05) out[i] = -0;
    else if (r < 0.1) out[i] = 5e-324 * Math.floor(rng() * 1e6) * (rng() < 0.5 ? -1 : 1); // subnormal
    else if (r < 0.15) out[i] = (rng() - 0.5) * 1e300;
    else if (r < 0.2) out[i] = (rng() - 0.5) * 1e-300;
    else if (r < 0.22) out[i] = 0;
    else out[i] = rng() * 4 - 2;
  }
  return out;
}

/** Runs both kernels on copies of c; returns the index of the first differing bit pattern, or -1. */
function firstDifference(
  wasm: DotTiles, x: Float64Array, xOff: number, y: Float64Array, c: Float64Array, cOff: number,
  m: number, n: number, K: number, bias: Float64Array | null, accumulate: boolean,
): number {
  const expected = c.slice();
  const actual = c.slice();
  dotTiles(x, xOff, y, expected, cOff, m, n, K, bias, accumulate);
  wasm(x, xOff, y, actual, cOff, m, n, K, bias, accumulate);
  const e = new BigUint64Array(expected.buffer);
  const a = new BigUint64Array(actual.buffer);
  return e.findIndex((bits, i) => bits !== a[i]);
}

describe('dotTiles in WebAssembly', () => {
  it('is built and compiles here', () => {
    expect(compiled, 'dist/wasm/dot-tiles.wasm: run npm run build').not.toBeNull();
  });

  it('gives the bits of the JS kernel for every m, n < 10 and K < 10, both modes', () => {
    const wasm = wasmDotTiles(compiled!, 0);
    const rng = mulberry32(1);
    for (let m = 1; m < 10; m++) {
      for (let n = 1; n < 10; n++) {
        for (let K = 0; K < 10; K++) {
          const x = values(m * K, rng);
          const y = values(n * K, rng);
          const c = values(m * n, rng);
          for (const [bias, accumulate] of [[null, false], [values(n, rng), false], [null, true], [values(n, rng), true]] as const) {
            expect(firstDifference(wasm, x, 0, y, c, 0, m, n, K, bias, accumulate), `${m}×${n}×${K}`).toBe(-1);
          }
        }
      }
    }
  });

  it('gives the bits of the JS kernel on random shapes up to 37, with offsets, one instance reused', () => {
    const wasm = wasmDotTiles(compiled!, 0);
    const rng = mulberry32(2);
    const size = (max: number) => 1 + Math.floor(rng() * max);
    for (let t = 0; t < 600; t++) {
      const m = size(37), n = size(37), K = size(37);
      const xOff = Math.floor(rng() * 9), cOff = Math.floor(rng() * 9);
      const x = values(xOff + m * K + 3, rng);
      const y = values(n * K + 2, rng); // longer than n·K: only the first n rows count
      const c = values(cOff + m * n + 5, rng); // and c around the block must stay untouched
      const bias = rng() < 0.5 ? values(n + 1, rng) : null;
      const accumulate = rng() < 0.5;
      expect(firstDifference(wasm, x, xOff, y, c, cOff, m, n, K, bias, accumulate), JSON.stringify({ m, n, K, xOff, cOff })).toBe(-1);
    }
  });

  it('gives the bits of the JS kernel on a layer of the wide network (128×784 · (64×784)ᵀ)', () => {
    const wasm = wasmDotTiles(compiled!);
    const rng = mulberry32(3);
    const x = values(128 * 784, rng);
    const y = values(64 * 784, rng);
    const c = values(128 * 64, rng);
    expect(firstDifference(wasm, x, 0, y, c, 0, 128, 64, 784, values(64, rng), false)).toBe(-1);
    expect(firstDifference(wasm, x, 0, y, c, 0, 128, 64, 784, null, true)).toBe(-1);
  });

  it('gives the same bits across products past keepBytes (each one then starts a fresh instance)', () => {
    const wasm = wasmDotTiles(compiled!, 0, 256 * 1024);
    const rng = mulberry32(5);
    for (const [m, n, K] of [[90, 70, 200], [5, 6, 7], [90, 70, 200], [33, 17, 300], [3, 3, 3]]) {
      const bias = values(n, rng);
      expect(firstDifference(wasm, values(m * K, rng), 0, values(n * K, rng), values(m * n, rng), 0, m, n, K, bias, true), `${m}×${n}×${K}`).toBe(-1);
    }
  });

  it('leaves its operands as they were', () => {
    const wasm = wasmDotTiles(compiled!, 0);
    const rng = mulberry32(4);
    const x = values(7 * 9, rng), y = values(5 * 9, rng), bias = values(5, rng);
    const [x0, y0, b0] = [x.slice(), y.slice(), bias.slice()];
    wasm(x, 0, y, new Float64Array(35), 0, 7, 5, 9, bias, true);
    expect([x, y, bias]).toEqual([x0, y0, b0]);
  });
});
