// jsonBytes(value): the UTF-8 bytes of JSON.stringify(value), except that a Float64Array is written
// as the JSON array of its numbers (JSON.stringify would write {"0":…,"1":…}): the same bytes as
// JSON.stringify of the value with every Float64Array replaced by Array.from(it). The numbers of
// Float64Arrays are formatted in bulk by WebAssembly (byte-output.ts), ~3× faster than
// JSON.stringify on number-heavy bodies, with no string per number.
//
// What JSON.stringify does and this does too: own enumerable string keys in Object.keys order;
// properties whose value is undefined, a function or a symbol skipped (null in arrays);
// toJSON(key) called on objects and bigints that have one (Date among them); Number, String and
// Boolean objects unwrapped; NaN and ±Infinity written null, −0 written 0; strings escaped
// exactly like JSON.stringify (it escapes them: any string with a byte it would change); a
// TypeError on cycles and on BigInt. Differences: no replacer, no indentation; other typed arrays
// are written as JSON.stringify writes them (objects with index keys); a value with no JSON text
// at the top (undefined, a function, a symbol, where JSON.stringify returns undefined) throws.
// A JoinedNumbers (joined-numbers.ts) is written as its toJSON() array would be, the bytes of
// parts already written in this call copied rather than formatted again.
import { JoinedNumbers } from './joined-numbers.js';
import { type ByteOutput, F64_JSON_KEEP_BYTES, MAX_JSON_BYTES, jsOutput, loadF64JsonModule, wasmOutputs } from './byte-output.js';

/** Serializes a value to the bytes of its JSON text (see the file comment). */
export type JsonBytes = (value: unknown) => Uint8Array;

/** The output bytes [start, end) of each Float64Array's numbers written by the current call. */
let written = new Map<Float64Array, [number, number]>();

/** Keys whose `"key":` bytes are kept (the keys of our responses are few and repeat). */
const KEY_CACHE_SIZE = 4096;
const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const encoder = new TextEncoder();

function ascii(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}
const NULL = ascii('null');
const TRUE = ascii('true');
const FALSE = ascii('false');

function put(out: ByteOutput, bytes: Uint8Array): void {
  out.reserve(bytes.length);
  out.bytes.set(bytes, out.pos);
  out.pos += bytes.length;
}

function putByte(out: ByteOutput, byte: number): void {
  out.reserve(1);
  out.bytes[out.pos++] = byte;
}

/** s as JSON.stringify(s) writes it: printable ASCII copied, anything else through JSON.stringify. */
function putString(out: ByteOutput, s: string): void {
  const n = s.length;
  out.reserve(n + 2);
  const bytes = out.bytes;
  let p = out.pos;
  bytes[p++] = QUOTE;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === QUOTE || c === 0x5c || c > 0x7e) {
      const json = JSON.stringify(s);
      out.reserve(json.length * 3);
      out.pos += encoder.encodeInto(json, out.bytes.subarray(out.pos)).written;
      return;
    }
    bytes[p++] = c;
  }
  bytes[p++] = QUOTE;
  out.pos = p;
}

const keyBytes = new Map<string, Uint8Array>();

/** `"key":`, from the cache when seen before. */
function putKey(out: ByteOutput, key: string): void {
  let bytes = keyBytes.get(key);
  if (bytes === undefined) {
    bytes = encoder.encode(`${JSON.stringify(key)}:`);
    if (keyBytes.size < KEY_CACHE_SIZE) keyBytes.set(key, bytes);
  }
  put(out, bytes);
}

/** The value JSON.stringify serializes in place of `value` (after toJSON and unwrapping). */
function resolve(value: unknown, key: string | number): unknown {
  if (value === null || (typeof value !== 'object' && typeof value !== 'bigint') || value instanceof JoinedNumbers) return value;
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') value = toJSON.call(value, String(key));
  if (typeof value === 'object' && value !== null) {
    if (value instanceof Number) return Number(value);
    if (value instanceof String) return String(value);
    if (value instanceof Boolean) return value.valueOf();
  }
  return value;
}

/** Whether JSON.stringify leaves the value out (an object property) or writes null (an array element). */
function hasNoText(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

/** Writes a resolved value that has a JSON text. `stack` holds the objects being written (cycles). */
function putValue(out: ByteOutput, value: unknown, stack: object[]): void {
  switch (typeof value) {
    case 'number':
      out.number(value);
      return;
    case 'string':
      putString(out, value);
      return;
    case 'boolean':
      put(out, value ? TRUE : FALSE);
      return;
    case 'bigint':
      throw new TypeError('Do not know how to serialize a BigInt');
    default:
      break;
  }
  if (value === null) {
    put(out, NULL);
    return;
  }
  const object = value as object;
  if (object instanceof Float64Array) {
    putByte(out, 0x5b);
    const start = out.pos;
    out.numbers(object);
    written.set(object, [start, out.pos]);
    putByte(out, 0x5d);
    return;
  }
  if (object instanceof JoinedNumbers) {
    putJoined(out, object);
    return;
  }
  if (stack.includes(object)) throw new TypeError('Converting circular structure to JSON');
  stack.push(object);
  if (Array.isArray(object)) putArray(out, object, stack);
  else putObject(out, object as Record<string, unknown>, stack);
  stack.pop();
}

/** The parts' numbers as one array: bytes already written copied, the others formatted. */
function putJoined(out: ByteOutput, joined: JoinedNumbers): void {
  putByte(out, 0x5b);
  let first = true;
  for (const part of joined.parts) {
    if (part.length === 0) continue;
    if (!first) putByte(out, COMMA);
    first = false;
    const range = written.get(part);
    if (range === undefined) {
      out.numbers(part);
      continue;
    }
    const [start, end] = range;
    out.reserve(end - start);
    out.bytes.copyWithin(out.pos, start, end);
    out.pos += end - start;
  }
  putByte(out, 0x5d);
}

/** Whether every element is a number (then the array is written in bulk, like a Float64Array). */
function onlyNumbers(array: unknown[]): array is number[] {
  for (let i = 0; i < array.length; i++) if (typeof array[i] !== 'number') return false;
  return true;
}

function putArray(out: ByteOutput, array: unknown[], stack: object[]): void {
  putByte(out, 0x5b);
  if (onlyNumbers(array)) {
    // One call for the lot: measured 63 ns a number one call each, 29 in bulk.
    out.numbers(array);
    putByte(out, 0x5d);
    return;
  }
  for (let i = 0; i < array.length; i++) {
    if (i > 0) putByte(out, COMMA);
    const item = array[i];
    if (typeof item === 'number') {
      out.number(item);
      continue;
    }
    const value = resolve(item, i);
    if (hasNoText(value)) put(out, NULL);
    else putValue(out, value, stack);
  }
  putByte(out, 0x5d);
}

function putObject(out: ByteOutput, object: Record<string, unknown>, stack: object[]): void {
  putByte(out, 0x7b);
  let first = true;
  for (const key of Object.keys(object)) {
    const value = resolve(object[key], key);
    if (hasNoText(value)) continue;
    if (!first) putByte(out, COMMA);
    first = false;
    putKey(out, key);
    putValue(out, value, stack);
  }
  putByte(out, 0x7d);
}

/**
 * A JsonBytes whose Float64Array numbers are written by instances of `module` (compiled from
 * assembly/f64-json.ts), or by String(x) when module is null: the same bytes either way. Past
 * maxBytes of output it throws a RangeError, as JSON.stringify does past V8's longest string.
 */
export function createJsonBytes(module: WebAssembly.Module | null, maxBytes = MAX_JSON_BYTES): JsonBytes {
  const open = module ? wasmOutputs(module, F64_JSON_KEEP_BYTES, maxBytes) : null;
  let busy = false; // a toJSON that calls jsonBytes gets an output of its own
  return function jsonBytes(value) {
    const root = resolve(value, '');
    if (hasNoText(root)) throw new TypeError('jsonBytes: the value has no JSON text (undefined, a function or a symbol)');
    const nested = busy || open === null;
    const out = nested ? jsOutput(undefined, maxBytes) : open();
    const outer = written; // a nested call (from a toJSON) has its own output, so its own ranges
    written = new Map();
    busy = true;
    try {
      putValue(out, root, []);
      return out.finish();
    } finally {
      out.release();
      written = outer;
      if (!nested) busy = false;
    }
  };
}

const compiled = loadF64JsonModule();

/** Whether the WebAssembly number writer loaded in this thread. */
export const wasmJsonAvailable = compiled !== null;

/** JSON.stringify's bytes, Float64Arrays as arrays (see the file comment). */
export const jsonBytes: JsonBytes = createJsonBytes(compiled);
