// The compact lossless encoding of number arrays: { "f64": base64 of little-endian IEEE-754
// float64 values, "shape": [n] or [rows, cols] }. Requests may use it wherever the contract takes
// a number array (decoded before validation, so every door and schema gets it); responses use it
// when the request says "encoding": "f64". The bytes are the float64 values themselves: the
// round trip is bit-exact.
import { endianness } from 'node:os';
import { pointerToken } from '../errors.js';

export interface F64Array { f64: string; shape: number[] }

const LITTLE_ENDIAN = endianness() === 'LE';
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const MAX_DEPTH = 16;

/** An error in Ajv's shape, so validation reports it like any schema violation. */
export interface DecodeError { instancePath: string; keyword: 'f64'; schemaPath: string; params: Record<string, never>; message: string }

function isF64Object(value: object): value is { f64: unknown; shape: unknown } {
  return 'f64' in value && 'shape' in value && Object.keys(value).length === 2;
}

function swapBytes(bytes: Uint8Array): void {
  for (let i = 0; i < bytes.length; i += 8) bytes.subarray(i, i + 8).reverse();
}

/** The values of an f64 object, or the reason it is not one (with the pointer of the culprit). */
function decodeOne(value: { f64: unknown; shape: unknown }, at: string): number[] | number[][] | DecodeError {
  const fail = (path: string, message: string): DecodeError => ({ instancePath: path, keyword: 'f64', schemaPath: '#/f64', params: {}, message });
  const { f64, shape } = value;
  if (!Array.isArray(shape) || shape.length < 1 || shape.length > 2 || !shape.every((n) => Number.isSafeInteger(n) && n >= 1)) {
    return fail(`${at}/shape`, 'must be [n] or [rows, cols] of positive integers');
  }
  if (typeof f64 !== 'string' || f64.length % 4 !== 0 || !BASE64.test(f64)) return fail(`${at}/f64`, 'must be standard base64 (RFC 4648, padded)');
  const count = shape.reduce((p: number, n: number) => p * n, 1);
  const bytes = Buffer.from(f64, 'base64');
  if (bytes.length !== count * 8) return fail(`${at}/f64`, `holds ${bytes.length} bytes; shape ${JSON.stringify(shape)} needs ${count * 8}`);
  const data = new Float64Array(count);
  const view = new Uint8Array(data.buffer);
  view.set(bytes);
  if (!LITTLE_ENDIAN) swapBytes(view);
  for (let i = 0; i < count; i++) {
    if (!Number.isFinite(data[i])) return fail(`${at}/f64`, `value ${i} is ${data[i]}: every number must be finite`);
  }
  if (shape.length === 1) return Array.from(data);
  const [rows, cols] = shape as [number, number];
  const out = new Array<number[]>(rows);
  for (let r = 0; r < rows; r++) out[r] = Array.from(data.subarray(r * cols, (r + 1) * cols));
  return out;
}

/**
 * The value parsed last whose text held no key f64 (noteNoF64Key): decoding it skips the walk,
 * once. A slot rather than a mark on the value (Object.defineProperty of a hidden symbol: V8's
 * slow path, ~1.5 % of a tiny request's CPU) or a WeakSet entry (every scavenge slower): fastify
 * validates a body in the turn it was parsed in, so the one to skip is the one parsed last. A body
 * checked later, after another was parsed, is walked: slower, never wrong. Holds one body until
 * the next parse or its check.
 */
let parsedWithoutF64: object | null = null;

/**
 * Tells the decoder the text a value was parsed from. A text without the characters f64 holds no
 * f64 key (nor one written with \u escapes, when it has none): the value is then not walked,
 * which is most of the decoding cost of a small request.
 */
export function noteJsonText(value: unknown, text: string): void {
  if (!text.includes('f64') && !text.includes('\\u')) noteNoF64Key(value);
  else parsedWithoutF64 = null;
}

/** Tells the decoder a parsed value holds no key "f64" (its parser saw none): it is not walked. */
export function noteNoF64Key(value: unknown): void {
  parsedWithoutF64 = value !== null && typeof value === 'object' ? value : null;
}

/** Lets go of the value noted last (a worker that hands its parsed value on, to be checked elsewhere). */
export function forgetNoF64Note(): void {
  parsedWithoutF64 = null;
}

/**
 * Replaces, in place, every { f64, shape } object in a parsed JSON value by its nested number
 * arrays. Returns the decoding errors (none: the value is plain JSON numbers now).
 */
export function decodeF64InPlace(root: unknown): DecodeError[] {
  if (root !== null && root === parsedWithoutF64) {
    parsedWithoutF64 = null;
    return [];
  }
  const errors: DecodeError[] = [];
  const visit = (value: unknown, at: string, depth = 0): unknown => {
    // No array of the contract sits deeper than this; hostile nesting must not exhaust the stack.
    if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
    if (Array.isArray(value)) {
      if (typeof value[0] === 'number') return value; // a plain number array: nothing inside to decode
      for (let i = 0; i < value.length; i++) {
        const v = value[i];
        if (v !== null && typeof v === 'object') value[i] = visit(v, `${at}/${i}`, depth + 1);
      }
      return value;
    }
    if (isF64Object(value)) {
      const decoded = decodeOne(value, at);
      if (Array.isArray(decoded)) return decoded;
      errors.push(decoded);
      return value;
    }
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const v = record[key];
      if (v !== null && typeof v === 'object') record[key] = visit(v, `${at}/${pointerToken(key)}`, depth + 1);
    }
    return value;
  };
  visit(root, '');
  return errors;
}

/** n values of data from offset as an f64 vector. */
export function encodeVector(data: Float64Array, offset: number, length: number): F64Array {
  return { f64: base64(data, offset, length), shape: [length] };
}

export function encodeMatrix(data: Float64Array, rows: number, cols: number, offset = 0): F64Array {
  return { f64: base64(data, offset, rows * cols), shape: [rows, cols] };
}

function base64(data: Float64Array, offset: number, length: number): string {
  const bytes = Buffer.from(data.buffer, data.byteOffset + offset * 8, length * 8);
  if (LITTLE_ENDIAN) return bytes.toString('base64');
  const copy = Buffer.from(bytes);
  swapBytes(copy);
  return copy.toString('base64');
}
