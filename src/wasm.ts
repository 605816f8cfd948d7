// The WebAssembly modules `npm run build` compiles from assembly/ into dist/wasm/ (the SIMD
// dense-product kernel, the float64 writer, the JSON parser). Each user falls back to JS, with
// the same results, when its module is missing or does not compile here.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** dist/wasm/<file>, from dist/src/ (built) or from src/ (vitest on sources). */
function builtFile(file: string): string {
  const fromSources = fileURLToPath(import.meta.url).endsWith('.ts');
  return fileURLToPath(new URL(fromSources ? `../dist/wasm/${file}` : `../wasm/${file}`, import.meta.url));
}

/** The compiled module dist/wasm/<file>, or null when it was not built or this engine cannot compile it. */
export function loadBuiltWasm(file: string): WebAssembly.Module | null {
  try {
    return new WebAssembly.Module(readFileSync(builtFile(file)));
  } catch {
    return null;
  }
}
