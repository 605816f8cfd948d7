// Which kernel runs the dense products C = X·Yᵀ of kernels.ts: 'wasm' (dot-tiles-wasm.ts) when
// its module was built and this engine has WebAssembly SIMD, else 'js' (dot-tiles.ts). Both give
// the same bits, so the choice changes speed only. The module is compiled once per thread (main
// and each worker) when this file loads; reading it is the one file access of src/core, kept
// here because the kernel is code, like the .js files beside it.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type DotTiles, dotTiles } from './dot-tiles.js';
import { wasmDotTiles } from './dot-tiles-wasm.js';

export type KernelName = 'js' | 'wasm';

/** dist/wasm/dot-tiles.wasm, from dist/src/core/ (built) or from src/core/ (vitest on sources). */
function wasmFile(): string {
  const here = fileURLToPath(import.meta.url);
  return here.endsWith('.ts') ? fileURLToPath(new URL('../../dist/wasm/dot-tiles.wasm', import.meta.url))
    : fileURLToPath(new URL('../../wasm/dot-tiles.wasm', import.meta.url));
}

/** The compiled kernel module, or null when it was not built or this engine has no WebAssembly SIMD. */
export function loadKernelModule(): WebAssembly.Module | null {
  try {
    return new WebAssembly.Module(readFileSync(wasmFile()));
  } catch {
    return null; // the JS kernel gives the same bits
  }
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
