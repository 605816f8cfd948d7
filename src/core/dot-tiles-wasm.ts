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

/** m·n·K below which the JS kernel runs: measured break-even ~400 (8×8×8 is 1.2× faster in wasm, 4×4×4 3× slower). */
export const WASM_MIN_WORK = 1024;
/**
 * Memory an instance keeps between products. A memory cannot shrink: after a product that
 * needed more, the next call starts a fresh instance, and the large one is left to the GC.
 */
export const WASM_KEEP_BYTES = 64 * 1024 * 1024;

/** Rounds a count of float64 up to whole 16-byte steps (2 values): every region stays v128-aligned. */
const even = (count: number): number => count + (count & 1);
/** Rounds up to a multiple of 4: the packed Y and the bias are read in blocks of four columns. */
const four = (count: number): number => (count + 3) & ~3;

/** A DotTiles that runs in instances of `module` (compiled from assembly/dot-tiles.ts). */
export function wasmDotTiles(module: WebAssembly.Module, minWork = WASM_MIN_WORK, keepBytes = WASM_KEEP_BYTES): DotTiles {
  let kernel: KernelExports | null = null;
  let base = 0; // the first float64 index the module leaves free
  let heap = new Float64Array(0);

  function instance(): KernelExports {
    if (kernel === null) {
      kernel = new WebAssembly.Instance(module, {}).exports as unknown as KernelExports;
      base = kernel.heapBase() / 8;
    }
    return kernel;
  }

  /** Grows k's memory to hold `values` float64; false where a wasm32 memory cannot (4 GiB). */
  function reserve(k: KernelExports, values: number): boolean {
    const have = k.memory.buffer.byteLength;
    try {
      if (values * 8 > have) k.memory.grow(Math.ceil((values * 8 - have) / 65536));
    } catch {
      kernel = null;
      return false;
    }
    if (heap.buffer !== k.memory.buffer) heap = new Float64Array(k.memory.buffer);
    return true;
  }

  return function dotTilesWasm(x, xOff, y, c, cOff, m, n, K, bias, accumulate) {
    if (m * n * K < minWork) {
      dotTiles(x, xOff, y, c, cOff, m, n, K, bias, accumulate);
      return;
    }
    // Regions, in float64 indices: X (m × K), Y (n × K), the kernel's packed copies (all of Y,
    // its rows rounded up to 4, then one block of 4 rows of X), C, bias.
    const k = instance();
    const xAt = base;
    const yAt = xAt + even(m * K);
    const pAt = yAt + even(n * K);
    const cAt = pAt + (four(n) + 4) * K;
    const bAt = cAt + even(m * n);
    if (!reserve(k, bAt + four(n))) {
      dotTiles(x, xOff, y, c, cOff, m, n, K, bias, accumulate);
      return;
    }
    heap.set(region(x, xOff, m * K), xAt);
    heap.set(region(y, 0, n * K), yAt);
    if (accumulate) heap.set(region(c, cOff, m * n), cAt);
    if (bias !== null) heap.set(region(bias, 0, n), bAt);
    k.pack(yAt * 8, n, K, pAt * 8);
    k.tiles(xAt * 8, pAt * 8, cAt * 8, bAt * 8, m, n, K, (bias !== null ? 1 : 0) | (accumulate ? 2 : 0));
    c.set(heap.subarray(cAt, cAt + m * n), cOff);
    if (heap.byteLength > keepBytes) {
      kernel = null;
      heap = new Float64Array(0);
    }
  };
}

/** a[off…off+length) without a new view when that is the whole array. */
function region(a: Float64Array, off: number, length: number): Float64Array {
  return off === 0 && a.length === length ? a : a.subarray(off, off + length);
}
