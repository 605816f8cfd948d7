// A faster JSON.parse for large request bodies of plain ASCII JSON: WebAssembly
// (assembly/json-tape.ts, built to dist/wasm/json-tape.wasm) checks the grammar and converts every
// number to the float64 JSON.parse gives, writing a tape of events; this builds the value from
// it. Arrays of numbers only, most of our bodies, become arrays in one tight loop.
//
// The value is exactly JSON.parse's: the same numbers (bit for bit, −0 included), strings and
// key order, a duplicate key's last value. Whatever the module does not handle (non-ASCII bytes,
// escapes, a key __proto__ or constructor, deep nesting, a syntax error) it bails on, and
// parseJsonFast returns undefined: the caller then runs JSON.parse, which also words the errors.
//
// Memory layout, in bytes from heapBase(): the text and 16 zero bytes, then the float64 numbers,
// then the tape (sizes in the module's file comment). An instance whose memory grew past
// keepBytes is dropped after the call (a memory cannot shrink), and the next call starts afresh.
import { loadBuiltWasm } from '../wasm.js';

interface JsonTapeExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  parse(input: number, length: number, numbers: number, tape: number): number;
  numberCount(): number;
  slowNumberCount(): number;
  slowNumbers(): number;
  sawF64Key(): number;
}

/** A parsed value, and whether its text had a key "f64" (src/encoding/f64.ts). */
export interface FastParse { value: unknown; hasF64Key: boolean }

/** Parses bytes, or returns undefined when the module bailed (run JSON.parse then). */
export type FastJsonParser = (bytes: Uint8Array) => FastParse | undefined;

// Tape event kinds (assembly/json-tape.ts): the low 3 bits of a word, a count or length above.
const NULL = 0;
const FALSE = 1;
const TRUE = 2;
const NUMBER = 3;
const STRING = 4;
const ARRAY = 5;
const NUMBERS = 6;
const OBJECT = 7;

/** Zero bytes after the text (the module's loops stop at a 0 byte; it reads words past the end). */
const PADDING = 16;
/** Longest text handled (the module's limit, 128 MiB; its memory then stays below 4 GiB). */
const MAX_LENGTH = 2 ** 27 - 1;
/** Memory an instance keeps between calls: ~8 bytes for each byte of text, so bodies to ~4 MB. */
export const JSON_TAPE_KEEP_BYTES = 32 * 1024 * 1024;

/** Longest array made by new Array(count) (V8 makes a dictionary array past 100 000 elements). */
const PREALLOCATE_MAX = 65536;

const latin1Slice = Buffer.prototype.latin1Slice;

/** Builds values from one tape; strings are read from the original text (ASCII: latin1 is exact). */
class TapeReader {
  private t = 0;
  private n = 0;
  /** The strings made so far, by id (the module numbers them in order of first appearance). */
  private readonly strings: string[] = [];

  constructor(
    private readonly tape: Int32Array,
    private readonly numbers: Float64Array,
    private readonly text: Buffer,
  ) {}

  value(): unknown {
    const word = this.tape[this.t++];
    const count = word >>> 3;
    switch (word & 7) {
      case NUMBER:
        return this.numbers[this.n++];
      case NUMBERS:
        return this.numberArray(count);
      case STRING:
        return this.string(count);
      case ARRAY: {
        const array: unknown[] = [];
        for (let i = 0; i < count; i++) array.push(this.value());
        return array;
      }
      case OBJECT: {
        const object: Record<string, unknown> = {};
        for (let i = 0; i < count; i++) {
          const key = this.string(this.tape[this.t++] >>> 3);
          object[key] = this.value(); // no key is __proto__: the module bailed on it
        }
        return object;
      }
      case TRUE:
        return true;
      case FALSE:
        return false;
      default:
        return null;
    }
  }

  private string(length: number): string {
    const at = this.tape[this.t++];
    if (at < 0) return this.strings[-1 - at];
    const s: string = latin1Slice.call(this.text, at, at + length);
    this.strings.push(s);
    return s;
  }

  private numberArray(count: number): number[] {
    const numbers = this.numbers;
    const from = this.n;
    this.n += count;
    // new Array(count) then stores: ~4× faster to build than push (wide: parse 4.6 against 5.6 ms);
    // validation and conversion read it as fast as JSON.parse's arrays, ~5% slower than push's
    // (5.8 against 5.5 ms): a net gain. Past V8's preallocation limit it would make a slow
    // dictionary array: push there.
    if (count > PREALLOCATE_MAX) {
      const array: number[] = [];
      for (let i = 0; i < count; i++) array.push(numbers[from + i]);
      return array;
    }
    const array = new Array<number>(count);
    for (let i = 0; i < count; i++) array[i] = numbers[from + i];
    return array;
  }
}

/** A parser on instances of `module` (compiled from assembly/json-tape.ts), one reused while it stays small. */
export function createFastJsonParser(module: WebAssembly.Module, keepBytes = JSON_TAPE_KEEP_BYTES): FastJsonParser {
  let kernel: JsonTapeExports | null = null;

  return function parseJsonFast(bytes) {
    if (bytes.length === 0 || bytes.length > MAX_LENGTH) return undefined;
    if (kernel === null) kernel = new WebAssembly.Instance(module, {}).exports as unknown as JsonTapeExports;
    const k = kernel;
    const n = bytes.length;
    const input = k.heapBase();
    const numbersAt = (input + n + PADDING + 7) & ~7;
    const tapeAt = numbersAt + 8 * ((n + 1) >> 1) + 8;
    const need = tapeAt + 3 * n + 16;
    const have = k.memory.buffer.byteLength;
    if (need > have) {
      try {
        k.memory.grow(Math.ceil((need - have) / 65536));
      } catch {
        kernel = null; // no room for the tape: JSON.parse needs less, let it try
        return undefined;
      }
    }
    try {
      const memory = new Uint8Array(k.memory.buffer);
      memory.set(bytes, input);
      memory.fill(0, input + n, input + n + PADDING);
      const words = runParse(k, input, n, numbersAt, tapeAt);
      if (words < 0) return undefined;
      const numbers = new Float64Array(k.memory.buffer, numbersAt, k.numberCount());
      const text = Buffer.from(bytes.buffer, bytes.byteOffset, n);
      convertSlowNumbers(k, numbers, text);
      const value = new TapeReader(new Int32Array(k.memory.buffer, tapeAt, words), numbers, text).value();
      return { value, hasF64Key: k.sawF64Key() !== 0 };
    } finally {
      if (k.memory.buffer.byteLength > keepBytes && kernel === k) kernel = null;
    }
  };
}

/** The module's parse; a trap (a bug: it stays within the room reserved) counts as a bail, JSON.parse then decides. */
function runParse(k: JsonTapeExports, input: number, length: number, numbers: number, tape: number): number {
  try {
    return k.parse(input, length, numbers, tape);
  } catch (error) {
    if (error instanceof WebAssembly.RuntimeError) return -1;
    throw error;
  }
}

/** The numbers the module left as NaN (over 19 digits, subnormal, overflowing, undecided): Number(text), as JSON.parse converts. */
function convertSlowNumbers(k: JsonTapeExports, numbers: Float64Array, text: Buffer): void {
  const count = k.slowNumberCount();
  if (count === 0) return;
  const list = new Int32Array(k.memory.buffer, k.slowNumbers(), count * 3);
  for (let i = 0; i < list.length; i += 3) numbers[list[i]] = Number(latin1Slice.call(text, list[i + 1], list[i + 2]));
}

const compiled = loadBuiltWasm('json-tape.wasm');

/** JSON.parse's value of a plain-ASCII JSON text, or undefined (see the file comment). */
export const parseJsonFast: FastJsonParser = compiled ? createFastJsonParser(compiled) : () => undefined;
