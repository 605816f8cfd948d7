// parseJsonSafely: JSON.parse's values, and fastify's refusals of prototype poisoning, however the
// forbidden key is spelled — the substring pre-check must never let one through. parseJsonBody:
// for a large body the WebAssembly parser first, and exactly the text path's value or error.
import secureJsonParse from 'secure-json-parse';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../src/core/rng.js';
import { decodeF64InPlace } from '../../../src/encoding/f64.js';
import { FAST_PARSE_MIN_BYTES, ForbiddenKeyError, parseJsonBody, parseJsonSafely } from '../../../src/encoding/safe-json.js';
import { jsonDifference } from '../../helpers/same-json.js';

/** Poisoned texts, and the JSON Pointer of the key the error names. */
const poisoned: [string, string][] = [
  ['{"__proto__": {"polluted": true}}', '/__proto__'],
  ['{"a": [{"b": {"__proto__": {"polluted": true}}}]}', '/a/0/b/__proto__'],
  ['{"\\u005f_proto__": {"polluted": true}}', '/__proto__'],
  ['{"__pr\\u006fto__": {"polluted": true}}', '/__proto__'],
  ['{"constructor": {"prototype": {"polluted": true}}}', '/constructor'],
  ['{"x": {"constructor": {"prototype": {"polluted": true}}}}', '/x/constructor'],
  ['{"constructor": {"\\u0070rototype": {"polluted": true}}}', '/constructor'],
  ['{"c\\u006fnstructor": {"prototype": {"polluted": true}}}', '/constructor'],
  ['\ufeff{"__proto__": {"polluted": true}}', '/__proto__'],
  ['{"a/b~c": [0, {"__proto__": {}}]}', '/a~1b~0c/1/__proto__'],
  ['{"first": {"__proto__": {}}, "second": {"constructor": {"prototype": {}}}}', '/first/__proto__'],
];

const clean = [
  '{"network": {"layers": [{"weights": [[0.5, -1e-7]], "biases": [0]}]}, "examples": []}',
  '[1, 2.5, -3e300, "x", null, true]',
  '{"name": "caf\\u00e9", "proto": 1, "__proto": 2, "constructor": 3}',
  '{"constructor": {"name": "not a prototype"}}',
  '"just a string"',
  '42',
];

describe('parseJsonSafely', () => {
  it.each(poisoned)('refuses %s as secure-json-parse does, naming the key at %s', (text, path) => {
    expect(() => secureJsonParse.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' })).toThrow(SyntaxError);
    expect(() => parseJsonSafely(text)).toThrow(ForbiddenKeyError);
    expect(() => parseJsonSafely(text)).toThrow(expect.objectContaining({ path }));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each(clean)('parses %s to what JSON.parse gives', (text) => {
    expect(parseJsonSafely(text)).toEqual(JSON.parse(text));
  });

  it('skips a leading byte-order mark, and refuses text that is not JSON', () => {
    expect(parseJsonSafely('\ufeff{"a": 1}')).toEqual({ a: 1 });
    for (const text of ['', '{', '{"a": 1,}', 'NaN', "{'a': 1}"]) expect(() => parseJsonSafely(text)).toThrow(SyntaxError);
  });
});

/** A body large enough for the WebAssembly parser: the text, then whitespace. */
const large = (text: string): Buffer => Buffer.from(text + ' '.repeat(FAST_PARSE_MIN_BYTES), 'utf8');

/** What parseJsonBody gave before the WebAssembly parser: the value of the UTF-8 text, or the error's class. */
function textPath(bytes: Buffer): unknown {
  try {
    return parseJsonSafely(bytes.toString('utf8'));
  } catch (error) {
    return (error as Error).constructor;
  }
}

function bodyPath(bytes: Buffer): unknown {
  try {
    return parseJsonBody(bytes);
  } catch (error) {
    return (error as Error).constructor;
  }
}

describe('parseJsonBody', () => {
  it.each(poisoned)('refuses %s in a large body, naming the key at %s', (text, path) => {
    expect(() => parseJsonBody(large(text))).toThrow(expect.objectContaining({ name: 'SyntaxError', path }));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  const others = [
    ...clean, '{"name": "café", "xs": [1, 2]}', '{"a": "tab\\there", "b": [-0, 1e400, 0.1]}', `${'['.repeat(80)}${']'.repeat(80)}`,
    '{"a": 1, "a": 2}', '', '{', '{"a": 1,}', 'NaN', "{'a': 1}", '[1, 2] 3', '\ufeff[1]', '["\u0000"]', '[1e-310, 123456789012345678901234]',
  ];

  it.each(others)('gives the text path\'s value or error for %s in a large body', (text) => {
    const bytes = large(text);
    expect(jsonDifference(bodyPath(bytes), textPath(bytes))).toBeNull();
  });

  it('gives the text path\'s value or error for 5 000 large mutated bodies', () => {
    const rng = mulberry32(6);
    const base = JSON.stringify({ network: { layers: [{ weights: [[0.5, -1e-7, 3]], biases: [0], activation: 'relu' }] }, examples: [{ input: [1, 2, 3], target: [0.25] }], cost: 'mse' });
    const pieces = ['"', ',', ':', '[', ']', '{', '}', '-', '.', 'e', '0', '1', ' ', '\\', 'é', '__proto__', 'constructor', '\\u0061', 'f64'];
    for (let i = 0; i < 5_000; i++) {
      const at = Math.floor(rng() * base.length);
      const cut = Math.floor(rng() * 3);
      const text = base.slice(0, at) + pieces[Math.floor(rng() * pieces.length)] + base.slice(at + cut);
      const bytes = large(text);
      const difference = jsonDifference(bodyPath(bytes), textPath(bytes));
      if (difference !== null) expect.fail(`${difference} in ${text}`);
    }
  });

  it('leaves a large body\'s f64 objects to the decoder, and tells it when there is none', () => {
    const encoded = parseJsonBody(large('{"x": {"f64": "AAAAAAAA8D8=", "shape": [1]}}')) as { x: unknown };
    expect(decodeF64InPlace(encoded)).toEqual([]);
    expect(encoded.x).toEqual([1]);
    // Without a key f64 the decoder is told so and never walks the value (an f64 object added later stays).
    const plain = parseJsonBody(large('{"x": [1, 2], "y": "f64"}')) as { x: unknown };
    plain.x = { f64: 'AAAAAAAA8D8=', shape: [1] };
    expect(decodeF64InPlace(plain)).toEqual([]);
    expect(plain.x).toEqual({ f64: 'AAAAAAAA8D8=', shape: [1] });
  });

  it('skips the walk of the body parsed last, once; an earlier body, a copy, or a body with f64 is walked', () => {
    const f64 = { f64: 'AAAAAAAA8D8=', shape: [1] };
    const last = parseJsonBody(Buffer.from('{"x": [2]}')) as { x: unknown };
    last.x = { ...f64 };
    expect(decodeF64InPlace(last)).toEqual([]);
    expect(last.x).toEqual(f64); // skipped: its parser saw no key f64
    expect(decodeF64InPlace(last)).toEqual([]);
    expect(last.x).toEqual([1]); // only once: a second check walks it
    const early = parseJsonBody(Buffer.from('{"x": [2]}')) as { x: unknown };
    for (let i = 0; i < 3; i++) parseJsonBody(Buffer.from(`{"n": ${i}}`));
    early.x = { ...f64 };
    expect(decodeF64InPlace(early)).toEqual([]);
    expect(early.x).toEqual([1]); // another body was parsed after it: walked
    const plain = parseJsonBody(Buffer.from('{"x": [3]}')) as { x: unknown };
    const copy = { ...plain, x: { ...f64 } };
    expect(decodeF64InPlace(copy)).toEqual([]);
    expect(copy.x).toEqual([1]); // a value the parser did not note is walked
    // Nothing is added to the value: no key, symbol or JSON of it changes.
    expect(Object.keys(plain)).toEqual(['x']);
    expect(Object.getOwnPropertySymbols(plain)).toEqual([]);
    expect(JSON.stringify(plain)).toBe('{"x":[3]}');
    // A body whose text holds f64 is never skipped, even right after it is parsed.
    const withF64 = parseJsonBody(Buffer.from('{"x": {"f64": "AAAAAAAA8D8=", "shape": [1]}}')) as { x: unknown };
    expect(decodeF64InPlace(withF64)).toEqual([]);
    expect(withF64.x).toEqual([1]);
  });
});
