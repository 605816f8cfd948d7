// Request-body parsing alone, warm, on the standard workloads (written by npm run bench, or
// bench/workloads.py): parseJsonBody against the path it took before the WebAssembly parser
// (UTF-8 text, parseJsonSafely, noteJsonText), in alternating blocks so both see the same load.
//
//   npm run build && taskset -c 1 node --initial-old-space-size=128 dist/bench/parse.js
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { noteJsonText } from '../src/encoding/f64.js';
import { parseJsonBody, parseJsonSafely } from '../src/encoding/safe-json.js';

const workloadDir = join(process.env.BENCH_DIR ?? '/tmp/gradient-bench', 'workloads');
const names = (process.env.BENCH_WORKLOADS ?? 'wide wide-lean mnist mnist-lean small tiny').split(/\s+/).filter(Boolean);

function textPath(bytes: Uint8Array): unknown {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  const value = parseJsonSafely(text);
  noteJsonText(value, text);
  return value;
}

/** Milliseconds per call of `parse`, `runs` times. */
function sample(parse: (bytes: Uint8Array) => unknown, bytes: Uint8Array, runs: number, into: number[]): void {
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    parse(bytes);
    into.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
}

function summary(times: number[]): string {
  const sorted = [...times].sort((a, b) => a - b);
  return `${sorted[sorted.length >> 1].toFixed(3)} ms (min ${sorted[0].toFixed(3)})`;
}

for (const name of names) {
  const bytes = readFileSync(join(workloadDir, `${name}.json`));
  const runs = Math.max(10, Math.min(1000, Math.round(2e7 / bytes.length))); // ~20 MB of text a block
  for (let i = 0; i < 10; i++) {
    textPath(bytes);
    parseJsonBody(bytes);
  }
  const before: number[] = [];
  const after: number[] = [];
  for (let block = 0; block < 4; block++) {
    sample(textPath, bytes, runs, before);
    sample(parseJsonBody, bytes, runs, after);
  }
  console.log(`${name.padEnd(11)} ${String(bytes.length).padStart(8)} B   before ${summary(before)}   now ${summary(after)}   (median of ${before.length})`);
}
