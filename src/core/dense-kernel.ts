// Which kernel runs the dense products C = X·Yᵀ of kernels.ts: 'wasm' (dot-tiles-wasm.ts) when
// its module was built and this engine has WebAssembly SIMD, else 'js' (dot-tiles.ts). Both give
// the same bits, so the choice changes speed only. The module is compiled once per thread (main
// and each worker) when this file loads; reading it is the one file access of src/core, kept
// here because the kernel is code, like the .js files beside it.
import { loadBuiltWasm } from '../wasm.js';
import { type DotTiles, dotTiles } from './dot-tiles.js';
import { wasmDotTiles } from './dot-tiles-wasm.js';

export type KernelName = 'js' | 'wasm';

/** The compiled kernel module, or null when it was not built or this engine has no WebAssembly SIMD (the JS kernel gives the same bits). */
export function loadKernelModule(): WebAssembly.Module | null {
  return loadBuiltWasm('dot-tiles.wasm');
}

const compiled = loadKernelModule();
const wasm = compiled ? wasmDotTiles(compiled) : null;
let active: KernelName = wasm ? 'wasm' : 'js';
let product: DotTiles = wasm ?? dotTiles;

/** Whether the WebAssembly kernel loaded in this thread. */
export const wasmKernelAvailable = wasm !== null;

/** Selects the kernel of this thread; 'wasm' falls back to 'js' when not available. Returns the one in force. */
export function useKernel(name: KernelName): KernelName {
  active = name === 'wasm' && wasm ? 'wasm' : 'js';
  product = active === 'wasm' && wasm ? wasm : dotTiles;
  return active;
}

export function activeKernel(): KernelName {
  return active;
}

/** dotTiles through the selected kernel (same contract, same bits). */
export const denseProduct: DotTiles = (x, xOff, y, c, cOff, m, n, K, bias, accumulate) =>
  product(x, xOff, y, c, cOff, m, n, K, bias, accumulate);
