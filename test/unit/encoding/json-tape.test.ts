// The WebAssembly JSON parser (assembly/json-tape.ts + src/encoding/json-tape.ts) against
// JSON.parse, the oracle: the same value exactly (numbers by Object.is, key order, duplicate
// keys) for request-like documents and random nested ones with whitespace everywhere; undefined
// (a bail) for everything it leaves to JSON.parse; and, for random mutations of valid documents,
// never a value JSON.parse would not give. Needs `npm run build`.
import { describe, expect, it } from 'vitest';
import { mulberry32, normal, type Rng } from '../../../src/core/rng.js';
import { createFastJsonParser, parseJsonFast } from '../../../src/encoding/json-tape.js';
import { loadBuiltWasm } from '../../../src/wasm.js';
import { jsonDifference } from '../../helpers/same-json.js';

const compiled = loadBuiltWasm('json-tape.wasm');
const parse = compiled ? createFastJsonParser(compiled) : () => undefined;
const bytesOf = (text: string): Buffer => Buffer.from(text, 'utf8');

/** The difference between the fast value and JSON.parse's (null: the same), or 'bailed'. */
function differenceFromJsonParse(text: string): string | null {
  const parsed = parse(bytesOf(text));
  if (parsed === undefined) return 'bailed';
  return jsonDifference(parsed.value, JSON.parse(text));
}

const int = (rng: Rng, n: number): number => Math.floor(rng() * n);
const pick = <T>(rng: Rng, items: readonly T[]): T => items[int(rng, items.length)];

/** A body like our gradient requests: layers of weights, examples of pixels k/255 and one-hot targets. */
function requestLike(rng: Rng, sizes: number[], examples: number): string {
  const layers = sizes.slice(1).map((n, l) => ({
    weights: Array.from({ length: n }, () => Array.from({ length: sizes[l] }, () => normal(rng) * 0.05)),
    biases: Array.from({ length: n }, () => (rng() < 0.5 ? 0 : normal(rng) * 0.1)),
    activation: pick(rng, ['sigmoid', 'relu', 'tanh']),
  }));
  const batch = Array.from({ length: examples }, () => ({
    input: Array.from({ length: sizes[0] }, () => (rng() < 0.6 ? 0 : int(rng, 256) / 255)),
    target: Array.from({ length: sizes.at(-1)! }, (_, j) => (j === 3 ? 1 : 0)),
  }));
  return JSON.stringify({ network: { layers }, examples: batch, cost: 'cross_entropy' });
}

const SPACE = [' ', '\t', '\n', '\r', '  ', '\r\n'];
const ws = (rng: Rng): string => (rng() < 0.7 ? '' : pick(rng, SPACE));

function randomString(rng: Rng): string {
  const alphabet = 'abcxyz019_ -.:/"{}[],ABC~';
  const short = ['', 'f64', 'shape', 'a', 'weights', '0', '1', '10', '2', 'toString', 'valueOf', 'hasOwnProperty', 'x'.repeat(64), 'y'.repeat(65)];
  if (rng() < 0.5) return pick(rng, short);
  let s = '';
  for (let i = int(rng, 12); i > 0; i--) s += alphabet[int(rng, alphabet.length)];
  return s.replace(/"/g, "'");
}

function randomNumber(rng: Rng): string {
  return pick(rng, [
    () => String(normal(rng) * 10 ** (int(rng, 20) - 10)), () => String(int(rng, 1000)), () => '-0', () => '0',
    () => `${int(rng, 100)}.${int(rng, 100)}e${pick(rng, ['', '+', '-'])}${int(rng, 30)}`, () => '1E400', () => '123456789012345678901234',
  ])();
}

/** A random JSON text: nested arrays and objects (duplicate keys included), strings, numbers, literals, whitespace. */
function randomJson(rng: Rng, depth = 0): string {
  const roll = rng();
  if (depth < 6 && roll < 0.25) {
    const n = int(rng, 6);
    const items = Array.from({ length: n }, () => `${ws(rng)}${randomJson(rng, depth + 1)}${ws(rng)}`);
    return `[${items.join(',') || ws(rng)}]`;
  }
  if (depth < 6 && roll < 0.5) {
    const n = int(rng, 6);
    const members = Array.from({ length: n }, () => `${ws(rng)}"${randomString(rng)}"${ws(rng)}:${ws(rng)}${randomJson(rng, depth + 1)}${ws(rng)}`);
    return `{${members.join(',') || ws(rng)}}`;
  }
  if (roll < 0.6) return `[${Array.from({ length: int(rng, 40) }, () => `${ws(rng)}${randomNumber(rng)}`).join(',')}]`;
  if (roll < 0.75) return `"${randomString(rng)}"`;
  if (roll < 0.9) return randomNumber(rng);
  return pick(rng, ['true', 'false', 'null']);
}

describe('the WebAssembly JSON parser', () => {
  it('is built, compiles here and is the one parseJsonFast uses', () => {
    expect(compiled, 'dist/wasm/json-tape.wasm: run npm run build').not.toBeNull();
    expect(parseJsonFast(bytesOf('[1,"a",{"b":null}]'))?.value).toEqual([1, 'a', { b: null }]);
  });

  it('gives JSON.parse\'s value for request-like bodies, compact and indented', () => {
    const rng = mulberry32(1);
    for (const [sizes, examples] of [[[784, 32, 10], 16], [[3, 4, 2], 3], [[1, 1], 1], [[50, 50, 50, 50], 8]] as const) {
      const text = requestLike(rng, [...sizes], examples);
      expect(differenceFromJsonParse(text)).toBeNull();
      expect(differenceFromJsonParse(JSON.stringify(JSON.parse(text), null, 2))).toBeNull();
      expect(differenceFromJsonParse(JSON.stringify(JSON.parse(text), null, '\t'))).toBeNull();
    }
  });

  it('gives JSON.parse\'s value for 20 000 random nested documents with whitespace everywhere', () => {
    const rng = mulberry32(2);
    for (let i = 0; i < 20_000; i++) {
      const text = `${ws(rng)}${randomJson(rng)}${ws(rng)}`;
      const difference = differenceFromJsonParse(text);
      if (difference !== null) expect.fail(`${difference} in ${text}`);
    }
  });

  it('keeps JSON.parse\'s key order (integer-like keys first) and a duplicate key\'s last value at its first place', () => {
    for (const text of ['{"b":1,"a":2,"b":3}', '{"10":1,"x":2,"2":3,"1":4,"-1":5,"01":6}', '{"a":{"a":1},"a":[2]}', '{"":1,"":2}', '{"4294967295":1,"4294967294":2}']) {
      expect(differenceFromJsonParse(text), text).toBeNull();
    }
  });

  it('reads scalars as whole documents, and empty containers', () => {
    for (const text of ['0', '-0', '"x"', '""', 'true', 'false', 'null', '[]', '{}', ' [ ] ', '[[]]', '[{}]', '{"a":[]}', '[[1],[2,[3]]]']) {
      expect(differenceFromJsonParse(text), text).toBeNull();
    }
  });

  it('says whether a key f64 was met (not a string "f64", nor a longer key)', () => {
    expect(parse(bytesOf('{"x":{"f64":"AAAA","shape":[0]}}'))?.hasF64Key).toBe(true);
    expect(parse(bytesOf('{"x":"f64","f64x":1,"f6":2,"F64":[]}'))?.hasF64Key).toBe(false);
    expect(parse(bytesOf('[1,2]'))?.hasF64Key).toBe(false);
  });

  it('makes one string for repeated strings and keys, beyond its table too', () => {
    const rng = mulberry32(3);
    const keys = Array.from({ length: 3000 }, (_, i) => `k${i % 1500}`);
    const members = keys.map((k) => `"${k}":"${'v'.repeat(int(rng, 80))}${k}"`);
    const text = `[{${members.join(',')}},{${members.slice(0, 50).join(',')}},["${'long'.repeat(30)}","${'long'.repeat(30)}"]]`;
    expect(differenceFromJsonParse(text)).toBeNull();
  });

  const bails: [string, string][] = [
    ['a byte ≥ 0x80 (UTF-8)', '{"name":"café"}'], ['a byte-order mark', '\ufeff[1]'], ['a no-break space', '[1,\u00a02]'],
    ['an escape in a string', '["a\\"b"]'], ['a \\u escape in a key', '{"\\u0061":1}'], ['an escaped slash', '["a\\/b"]'],
    ['a key __proto__', '{"__proto__":{"x":1}}'], ['a nested key __proto__', '[{"a":{"__proto__":1}}]'],
    ['a key constructor', '{"constructor":{"prototype":{}}}'], ['a harmless key constructor too', '{"constructor":1}'],
    ['nesting deeper than 64', `${'['.repeat(65)}${']'.repeat(65)}`], ['objects deeper than 64', `${'{"a":'.repeat(65)}1${'}'.repeat(65)}`],
    ['more than 1024 numbers left to JS', `[${Array(1025).fill('1e-310').join(',')}]`],
    ['an empty text', ''], ['only whitespace', ' \n\t'], ['a NUL byte', '[1]\u0000'], ['a NUL byte inside', '[1,\u00002]'],
    ['a control character in a string', '["a\tb"]'], ['a newline in a key', '{"a\nb":1}'], ['a vertical tab as space', '[1,\u000b2]'],
    ['a form feed as space', '\f[1]'], ['trailing garbage', '[1] x'], ['two values', '1 2'], ['a trailing comma', '[1,]'],
    ['a trailing comma in an object', '{"a":1,}'], ['a missing comma', '[1 2]'], ['a missing colon', '{"a" 1}'], ['a bare key', '{a:1}'],
    ['single quotes', "{'a':1}"], ['a leading zero', '[01]'], ['a lone minus', '[-]'], ['a plus sign', '[+1]'], ['a leading point', '[.5]'],
    ['a trailing point', '[1.]'], ['an empty exponent', '[1e]'], ['an exponent sign alone', '[1e+]'], ['NaN', '[NaN]'], ['Infinity', '[-Infinity]'],
    ['hex', '[0x10]'], ['a truncated true', '[tru]'], ['a misspelt null', '[nul]'], ['true with a tail', '[truex]'], ['an unclosed array', '[1,2'],
    ['an unclosed object', '{"a":1'], ['an unclosed string', '["abc'], ['a closing mismatch', '[1}'], ['a stray closer', ']'], ['a comment', '[1/*x*/]'],
    ['a lone comma', '[,]'], ['a key that is no string', '{1:2}'], ['a double colon', '{"a"::1}'], ['minus zero zero', '[-00]'], ['a capital literal', '[True]'],
  ];

  it.each(bails)('bails on %s', (_, text) => {
    expect(parse(bytesOf(text))).toBeUndefined();
    // and the next parse starts clean
    expect(differenceFromJsonParse('{"after":[1,2.5,"x"]}')).toBeNull();
  });

  it('holds exactly 1024 numbers left to JS, and 64 levels', () => {
    expect(differenceFromJsonParse(`[${Array(1024).fill('1e-310').join(',')}]`)).toBeNull();
    expect(differenceFromJsonParse(`${'['.repeat(64)}${']'.repeat(64)}`)).toBeNull();
    expect(differenceFromJsonParse(`${'{"a":'.repeat(63)}[]${'}'.repeat(63)}`)).toBeNull();
  });

  it('never accepts what JSON.parse refuses, nor differs from it, on 50 000 mutated documents', () => {
    const rng = mulberry32(4);
    const pieces = ['"', ',', ':', '[', ']', '{', '}', '-', '.', 'e', 'E', '+', '0', '1', '9', ' ', '\n', '\\', 't', 'n', 'f', 'a', '\u0000', '\u001f', 'é'];
    let accepted = 0;
    for (let i = 0; i < 50_000; i++) {
      let text = randomJson(rng);
      for (let m = 1 + int(rng, 3); m > 0; m--) {
        const at = int(rng, text.length + 1);
        const action = int(rng, 3);
        if (action === 0) text = text.slice(0, at) + pick(rng, pieces) + text.slice(at);
        else if (action === 1) text = text.slice(0, at) + text.slice(at + 1 + int(rng, 3));
        else text = text.slice(0, at) + pick(rng, pieces) + text.slice(at + 1);
      }
      const parsed = parse(bytesOf(text));
      if (parsed === undefined) continue;
      let expected: unknown;
      try {
        expected = JSON.parse(text);
      } catch {
        expect.fail(`accepted what JSON.parse refuses: ${JSON.stringify(text)}`);
      }
      const difference = jsonDifference(parsed.value, expected);
      if (difference !== null) expect.fail(`${difference} in ${JSON.stringify(text)}`);
      accepted++;
    }
    expect(accepted).toBeGreaterThan(5_000); // the mutations leave many documents valid
  });

  it('lets an instance that grew past keepBytes go, and parses on with a fresh one', () => {
    const small = createFastJsonParser(compiled!, 1 << 20);
    const big = requestLike(mulberry32(5), [200, 100, 10], 20);
    expect(big.length).toBeGreaterThan(200_000);
    for (const text of [big, '[1]', big, '{"a":"b"}', `[${big},"x\\n"]`, '[2]']) {
      const parsed = small(bytesOf(text));
      if (text.includes('\\')) expect(parsed).toBeUndefined();
      else expect(jsonDifference(parsed?.value, JSON.parse(text))).toBeNull();
    }
  });

  it('fits the densest texts in the room it reserves (numbers, strings, members, containers)', () => {
    const k = 300_000;
    const densest = [
      `[${'0,'.repeat(k)}0]`, `[${'"",'.repeat(k)}""]`, `[${'"a",'.repeat(k)}"b"]`, `{${'"":"",'.repeat(k)}"":""}`,
      `{${'"":0,'.repeat(k)}"":0}`, `[${'[],'.repeat(k)}[]]`, `[${'{},'.repeat(k)}{}]`, `[${'0,"",'.repeat(k)}0]`, `[${'[0],'.repeat(k)}[0]]`,
    ];
    for (const text of densest) {
      const fresh = createFastJsonParser(compiled!); // memory sized for this text alone
      expect(jsonDifference(fresh(bytesOf(text))?.value, JSON.parse(text)), text.slice(0, 12)).toBeNull();
    }
  });

  it('reads a Uint8Array view into a larger buffer', () => {
    const buffer = bytesOf('xx[1,"ab",{"c":true}]yy');
    expect(parse(new Uint8Array(buffer.buffer, buffer.byteOffset + 2, buffer.length - 4))?.value).toEqual([1, 'ab', { c: true }]);
  });
});
