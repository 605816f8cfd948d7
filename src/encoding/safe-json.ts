// How request JSON is parsed: JSON.parse with fastify's protection against prototype poisoning
// (a key __proto__, or constructor holding prototype, is refused: secure-json-parse's scan, the
// check fastify's own parser makes). The scan walks the parsed value only when the text could
// hold such a key: one can be written only with "__proto__" or "constructor" in the text, or
// with \u escapes. secure-json-parse decides that with two regular expressions over the whole
// text, ~2 ms on a 2.8 MB body; three substring searches take a tenth of that.
// A large body is first given to the WebAssembly parser (json-tape.ts), ~4× faster on our number
// arrays; it bails on what it does not handle, and the body then takes the path above.
import secureJsonParse from 'secure-json-parse';
import { noteJsonText, noteNoF64Key } from './f64.js';
import { parseJsonFast } from './json-tape.js';

/**
 * Smallest body given to the WebAssembly parser. Number arrays gain from ~500 bytes, but bodies of
 * many small objects only from a few KiB (measured: 1.7 KB even with JSON.parse, 8 KB 15% faster).
 */
export const FAST_PARSE_MIN_BYTES = 4096;

const FORBIDDEN = { protoAction: 'error', constructorAction: 'error' } as const;

/** The value of a JSON text (a leading byte-order mark skipped). Throws a SyntaxError when it is not JSON or poisons. */
export function parseJsonSafely(text: string): unknown {
  const json = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const value: unknown = JSON.parse(json);
  if (value !== null && typeof value === 'object' && mayHoldForbiddenKey(json)) secureJsonParse.scan(value, FORBIDDEN);
  return value;
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
