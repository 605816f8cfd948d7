// Where jsonBytes (json-bytes.ts) writes: a growing byte buffer that can also write numbers the
// way JSON.stringify does. Two of them, with the same bytes:
//   - in WebAssembly (assembly/f64-json.ts, built to dist/wasm/f64-json.wasm): the buffer is the
//     module's own memory, so the module writes the digits of Float64Array values in place, in
//     bulk (a chunk of values copied in, one call, ~25 ns a number against ~75 for JSON.stringify);
//   - in JS, when the module is missing: JSON.stringify of the numbers, String(x) for one.
// Memory layout of the WebAssembly one, in bytes from heapBase(): CHUNK float64 of input, then the
// output. An instance whose memory grew past keepBytes is dropped after the call (a memory
// cannot shrink), and the next call starts a fresh one.
import { loadBuiltWasm } from '../wasm.js';

export interface ByteOutput {
  /** The buffer: the output is bytes[start, pos). Replaced when it grows: read it after reserve(). */
  bytes: Uint8Array;
  start: number;
  pos: number;
  /** Makes room for n more bytes. */
  reserve(n: number): void;
  /** x as JSON.stringify writes it (NaN and ±Infinity as null). */
  number(x: number): void;
  /** The values of a (a Float64Array, or an array of numbers only), comma-separated, no brackets. */
  numbers(a: Float64Array | readonly number[]): void;
  /** A copy of the output with its own ArrayBuffer (transferable), and the buffer let go. */
  finish(): Uint8Array;
  /** Lets a grown buffer go (after finish, or after a failure). */
  release(): void;
}

interface F64JsonExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  writeNumber(x: number, at: number): number;
  writeNumbers(input: number, count: number, output: number): number;
}

const encoder = new TextEncoder();
/** Float64 values copied into the module per call. */
const CHUNK = 4096;
/** Most bytes of one number and its comma: "-0.0000012345678901234567,". */
const NUMBER_BYTES = 26;
/** Room the module needs from the start of a number (it stores whole words past the end). */
const NUMBER_ROOM = 48;
/** Memory an instance keeps between calls (a large response grows it; the next call starts afresh). */
export const F64_JSON_KEEP_BYTES = 64 * 1024 * 1024;
/**
 * The longest output: V8's longest string (2²⁹ − 24 characters), past which JSON.stringify
 * throws. Past it this throws the same RangeError (a 500, as before), instead of growing towards
 * 4 GiB and answering a response no client wants.
 */
export const MAX_JSON_BYTES = 2 ** 29 - 24;

function checkLength(out: ByteOutput, maxBytes: number): void {
  if (out.pos - out.start > maxBytes) throw new RangeError('Invalid string length: the JSON text would exceed V8\'s longest string');
}

/**
 * The output in a buffer of its own. Not bytes.slice(): TypedArray slice measured 4× slower here
 * on megabytes (the new buffer is zeroed first, then copied), and a response is copied once.
 */
function copyOut(out: ByteOutput): Uint8Array {
  const length = out.pos - out.start;
  const spare = takeSpare(length);
  const copy = spare ? new Uint8Array(spare, 0, length) : Buffer.allocUnsafeSlow(length); // its own ArrayBuffer: transferable
  copy.set(out.bytes.subarray(out.start, out.pos));
  return new Uint8Array(copy.buffer, copy.byteOffset, copy.byteLength);
}

/** Most spare buffers a thread keeps (a response's bytes that came back, to be written over). */
const MAX_SPARES = 4;
const spares: ArrayBuffer[] = [];

/**
 * Offers a buffer whose bytes nobody reads any more (a sent response, handed back by the pool):
 * the next output that fits is copied into it, not into fresh memory, whose first touch costs a
 * page fault every 4 KiB and, on the event loop that adopts it, external-memory garbage collections.
 */
export function offerSpare(buffer: ArrayBuffer): void {
  if (buffer.byteLength === 0) return; // detached
  if (spares.length === MAX_SPARES) spares.shift();
  spares.push(buffer);
}

/** The smallest spare buffer of at least `length` bytes (taken), or undefined. */
function takeSpare(length: number): ArrayBuffer | undefined {
  let best = -1;
  for (let i = 0; i < spares.length; i++) {
    if (spares[i].byteLength >= length && (best < 0 || spares[i].byteLength < spares[best].byteLength)) best = i;
  }
  return best < 0 ? undefined : spares.splice(best, 1)[0];
}

/** The compiled number writer, or null when it was not built (the JS output gives the same bytes). */
export function loadF64JsonModule(): WebAssembly.Module | null {
  return loadBuiltWasm('f64-json.wasm');
}

/** A factory of outputs in instances of `module` (one instance reused while it stays small). */
export function wasmOutputs(module: WebAssembly.Module, keepBytes = F64_JSON_KEEP_BYTES, maxBytes = MAX_JSON_BYTES): () => ByteOutput {
  let kernel: F64JsonExports | null = null;
  let input = 0; // byte offset of the CHUNK float64 of input
  let output = 0; // byte offset of the output

  return function open(): ByteOutput {
    if (kernel === null) {
      kernel = new WebAssembly.Instance(module, {}).exports as unknown as F64JsonExports;
      input = kernel.heapBase();
      output = input + CHUNK * 8;
    }
    const k = kernel;
    let heap = new Float64Array(k.memory.buffer);
    const out: ByteOutput = {
      bytes: new Uint8Array(k.memory.buffer),
      start: output,
      pos: output,
      reserve(n) {
        const need = out.pos + n;
        const have = k.memory.buffer.byteLength;
        if (need <= have) return;
        checkLength(out, maxBytes);
        // At least double: amortized O(1) a byte. A wasm32 memory stops at 4 GiB (grow throws).
        k.memory.grow(Math.ceil(Math.max(need - have, have) / 65536));
        out.bytes = new Uint8Array(k.memory.buffer);
        heap = new Float64Array(k.memory.buffer);
      },
      number(x) {
        out.reserve(NUMBER_ROOM);
        out.pos = k.writeNumber(x, out.pos);
      },
      numbers(a) {
        for (let from = 0; from < a.length; from += CHUNK) {
          const count = Math.min(CHUNK, a.length - from);
          out.reserve(count * NUMBER_BYTES + NUMBER_ROOM);
          if (from > 0) out.bytes[out.pos++] = 0x2c; // ','
          if (a instanceof Float64Array) heap.set(count === a.length ? a : a.subarray(from, from + count), input / 8);
          else for (let i = 0, at = input / 8; i < count; i++) heap[at + i] = a[from + i];
          out.pos += k.writeNumbers(input, count, out.pos);
        }
      },
      finish() {
        const result = copyOut(out);
        out.release();
        return result;
      },
      release() {
        if (k.memory.buffer.byteLength > keepBytes && kernel === k) kernel = null;
      },
    };
    return out;
  };
}

/** An output in a JS buffer that doubles as it fills, numbers by String(x). */
export function jsOutput(initialBytes = 64 * 1024, maxBytes = MAX_JSON_BYTES): ByteOutput {
  const out: ByteOutput = {
    bytes: new Uint8Array(initialBytes),
    start: 0,
    pos: 0,
    reserve(n) {
      if (out.pos + n <= out.bytes.length) return;
      checkLength(out, maxBytes);
      const grown = new Uint8Array(Math.max(out.pos + n, out.bytes.length * 2));
      grown.set(out.bytes.subarray(0, out.pos));
      out.bytes = grown;
    },
    number(x) {
      const text = Number.isFinite(x) ? String(x) : 'null';
      out.reserve(text.length);
      const bytes = out.bytes;
      let p = out.pos;
      for (let i = 0; i < text.length; i++) bytes[p++] = text.charCodeAt(i);
      out.pos = p;
    },
    numbers(a) {
      // JSON.stringify of a number[], "[…]" then the brackets dropped: ~110 ns a number with the
      // Array.from and the encoding (String(x) one by one: ~115).
      const text = JSON.stringify(a instanceof Float64Array ? Array.from(a) : a);
      out.reserve(text.length);
      const written = encoder.encodeInto(text, out.bytes.subarray(out.pos)).written;
      out.bytes.copyWithin(out.pos, out.pos + 1, out.pos + written - 1);
      out.pos += written - 2;
    },
    finish() {
      return copyOut(out);
    },
    release() {},
  };
  return out;
}
