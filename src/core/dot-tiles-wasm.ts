// dotTiles in WebAssembly SIMD (assembly/dot-tiles.ts, built to dist/wasm/dot-tiles.wasm): the
// same contract and the same bits, faster on large products. The operands are copied into the
// module's memory (grown when a product needs more, then reused) and C is copied back. Below
// minWork multiply-adds the copies cost more than the SIMD saves, so small products stay in JS.
import { type DotTiles, dotTiles } from './dot-tiles.js';

interface KernelExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  pack(y: number, n: number, K: number, p: number): void;
  tiles(x: number, p: number, c: number, bias: number, m: number, n: number, K: number, flags: number): void;
}

/** m·n·K below which the JS kernel runs (measured: see the commit that set it). */
export const WASM_MIN_WORK = 1024;

/** Rounds a count of float64 up to whole 16-byte steps (2 values): every region stays v128-aligned. */
const even = (count: number): number => count + (count & 1);
/** Rounds up to a multiple of 4: the packed Y and the bias are read in blocks of four columns. */
const four = (count: number): number => (count + 3) & ~3;

/** A DotTiles that runs in an instance of `module` (compiled from assembly/dot-tiles.ts). */
export function wasmDotTiles(module: WebAssembly.Module, minWork = WASM_MIN_WORK): DotTiles {
  const kernel = new WebAssembly.Instance(module, {}).exports as unknown as KernelExports;
  const base = kernel.heapBase() / 8;
  let heap = new Float64Array(kernel.memory.buffer);

  function reserve(values: number): void {
    const bytes = values * 8;
    const have = kernel.memory.buffer.byteLength;
    if (bytes > have) kernel.memory.grow(Math.ceil((bytes - have) / 65536));
    if (heap.buffer !== kernel.memory.buffer) heap = new Float64Array(kernel.memory.buffer);
  }

  return function dotTilesWasm(x, xOff, y, c, cOff, m, n, K, bias, accumulate) {
    if (m * n * K < minWork) {
      dotTiles(x, xOff, y, c, cOff, m, n, K, bias, accumulate);
      return;
    }
    // Regions, in float64 indices: X (m × K), Y (n × K), the kernel's packed copies (all of Y,
    // its rows rounded up to 4, then one block of 4 rows of X), C, bias.
    const xAt = base;
    const yAt = xAt + even(m * K);
    const pAt = yAt + even(n * K);
    const cAt = pAt + (four(n) + 4) * K;
    const bAt = cAt + even(m * n);
    reserve(bAt + four(n));
    heap.set(region(x, xOff, m * K), xAt);
    heap.set(region(y, 0, n * K), yAt);
    if (accumulate) heap.set(region(c, cOff, m * n), cAt);
    if (bias !== null) heap.set(region(bias, 0, n), bAt);
    kernel.pack(yAt * 8, n, K, pAt * 8);
    kernel.tiles(xAt * 8, pAt * 8, cAt * 8, bAt * 8, m, n, K, (bias !== null ? 1 : 0) | (accumulate ? 2 : 0));
    c.set(heap.subarray(cAt, cAt + m * n), cOff);
  };
}

/** a[off…off+length) without a new view when that is the whole array. */
function region(a: Float64Array, off: number, length: number): Float64Array {
  return off === 0 && a.length === length ? a : a.subarray(off, off + length);
}
