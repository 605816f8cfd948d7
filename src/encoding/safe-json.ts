// How request JSON is parsed: JSON.parse with fastify's protection against prototype poisoning
// (a key __proto__, or constructor holding prototype, is refused: secure-json-parse's scan, the
// check fastify's own parser makes). The scan walks the parsed value only when the text could
// hold such a key: one can be written only with "__proto__" or "constructor" in the text, or
// with \u escapes. secure-json-parse decides that with two regular expressions over the whole
// text, ~2 ms on a 2.8 MB body; three substring searches take a tenth of that.
// A large body is first given to the WebAssembly parser (json-tape.ts), ~4× faster on our number
// arrays; it bails on what it does not handle, and the body then takes the path above.
import secureJsonParse from 'secure-json-parse';
import { ServiceError, pointerToken } from '../errors.js';
import { noteJsonText, noteNoF64Key } from './f64.js';
import { parseJsonFast } from './json-tape.js';

/**
 * Smallest body given to the WebAssembly parser. Number arrays gain from ~500 bytes, but bodies of
 * many small objects only from a few KiB (measured: 1.7 KB even with JSON.parse, 8 KB 15% faster).
 */
export const FAST_PARSE_MIN_BYTES = 4096;

const FORBIDDEN = { protoAction: 'error', constructorAction: 'error' } as const;

/** JSON that parses but holds a key that could poison a prototype; path is the JSON Pointer of that key. */
export class ForbiddenKeyError extends SyntaxError {
  constructor(readonly path: string) {
    super(`The key at ${path || 'the top level'} is refused (prototype poisoning).`);
  }
}

/**
 * The value of a JSON text (a leading byte-order mark skipped). Throws a SyntaxError when it is
 * not JSON, a ForbiddenKeyError when it poisons.
 */
export function parseJsonSafely(text: string): unknown {
  const json = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const value: unknown = JSON.parse(json);
  if (value !== null && typeof value === 'object' && mayHoldForbiddenKey(json)) {
    try {
      secureJsonParse.scan(value, FORBIDDEN);
    } catch {
      throw new ForbiddenKeyError(forbiddenKeyPath(value) ?? '');
    }
  }
  return value;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object';

/**
 * Where secure-json-parse's scan found its key, for the error: the first own __proto__, or
 * constructor holding an own prototype, in document order. Walked with a stack: the value may be
 * nested as deep as JSON.parse allows.
 */
function forbiddenKeyPath(root: unknown): string | undefined {
  const stack: [unknown, string][] = [[root, '']];
  while (stack.length > 0) {
    const [node, at] = stack.pop()!;
    if (!isObject(node)) continue;
    if (Object.hasOwn(node, '__proto__')) return `${at}/__proto__`;
    if (Object.hasOwn(node, 'constructor') && isObject(node.constructor) && Object.hasOwn(node.constructor, 'prototype')) return `${at}/constructor`;
    const keys = Object.keys(node);
    for (let i = keys.length - 1; i >= 0; i--) stack.push([node[keys[i]], `${at}/${pointerToken(keys[i])}`]);
  }
  return undefined;
}

function mayHoldForbiddenKey(text: string): boolean {
  return text.includes('__proto__') || text.includes('constructor') || text.includes('\\u');
}

/**
 * A request body's bytes (UTF-8) as a value: a large one by the WebAssembly parser when it can,
 * else by parseJsonSafely. The f64 decoder is told when the body holds no key f64 (noteNoF64Key,
 * noteJsonText), so that it is not walked. Throws a SyntaxError.
 */
export function parseJsonBody(bytes: Uint8Array): unknown {
  if (bytes.length >= FAST_PARSE_MIN_BYTES) {
    const fast = parseJsonFast(bytes);
    if (fast !== undefined) {
      // It bailed on keys __proto__ and constructor and on escapes: nothing for the scan to find.
      if (!fast.hasF64Key) noteNoF64Key(fast.value);
      return fast.value;
    }
  }
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  const value = parseJsonSafely(text);
  noteJsonText(value, text);
  return value;
}

/**
 * A REST request body (parseJsonBody) with the service's errors: 400 malformed-json when it is not
 * JSON; 400 invalid-request pointing at a key that could poison a prototype (valid JSON, a field
 * no schema has).
 */
export function parseRequestJson(bytes: Uint8Array): unknown {
  try {
    return parseJsonBody(bytes);
  } catch (error) {
    if (!(error instanceof ForbiddenKeyError)) throw new ServiceError('malformed-json', 'The body is not valid JSON.');
    throw new ServiceError('invalid-request', `The body holds a key that could poison an object's prototype, at ${error.path}.`, {
      errors: [{ path: error.path, message: 'is a forbidden key (__proto__, or constructor holding prototype)' }],
    });
  }
}
