// jsonBytes against JSON.stringify, byte for byte: random nested values (Float64Arrays replaced by
// Array.from for JSON.stringify), the semantics JSON.stringify has beyond plain data (toJSON,
// skipped properties, boxed primitives, cycles, BigInt), and outputs large enough to grow the
// WebAssembly memory. Both the WebAssembly writer and the JS fallback. Needs `npm run build`.
import { describe, expect, it } from 'vitest';
import { createJsonBytes, jsonBytes, wasmJsonAvailable, type JsonBytes } from '../../../src/encoding/json-bytes.js';
import { JoinedNumbers } from '../../../src/encoding/joined-numbers.js';
import { jsOutput, loadF64JsonModule, offerSpare, wasmOutputs } from '../../../src/encoding/byte-output.js';
import { mulberry32, normal, type Rng } from '../../../src/core/rng.js';

/** What jsonBytes must write: JSON.stringify with every Float64Array as Array.from(it). */
function reference(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value, (_key, v: unknown) => (v instanceof Float64Array ? Array.from(v) : v)));
}

const KEYS = ['a', 'weights', 'biases', 'cost', '0', '17', 'é', 'quote"d', 'back\\slash', 'new\nline', '\u2028', '😀', '\ud800', ''];
const STRINGS = ['', 'sigmoid', 'a"b', 'tab\there', '\u0000\u001f\u007f', 'é€😀', '\udc00x\ud83d', '</script>'];

function randomNumber(rng: Rng): number {
  const r = rng();
  if (r < 0.05) return [-0, NaN, Infinity, -Infinity, 5e-324, 1e21, 1e-7][Math.floor(rng() * 7)];
  if (r < 0.3) return Math.floor(rng() * 1e6) - 5e5;
  return normal(rng) * 10 ** (Math.floor(rng() * 20) - 10);
}

function randomValue(rng: Rng, depth: number): unknown {
  const r = rng();
  if (depth > 3 || r < 0.3) {
    const s = rng();
    if (s < 0.4) return randomNumber(rng);
    if (s < 0.6) return STRINGS[Math.floor(rng() * STRINGS.length)];
    if (s < 0.7) return rng() < 0.5;
    if (s < 0.8) return null;
    if (s < 0.9) return undefined;
    return Float64Array.from({ length: Math.floor(rng() * 40) }, () => randomNumber(rng));
  }
  if (r < 0.5) return Float64Array.from({ length: Math.floor(rng() * 800) }, () => randomNumber(rng));
  if (r < 0.65) return Array.from({ length: Math.floor(rng() * 6) }, () => randomValue(rng, depth + 1));
  if (r < 0.7) return Array.from({ length: Math.floor(rng() * 50) }, () => randomNumber(rng));
  const object: Record<string, unknown> = {};
  const n = Math.floor(rng() * 6);
  for (let i = 0; i < n; i++) object[KEYS[Math.floor(rng() * KEYS.length)] + (rng() < 0.5 ? '' : String(i))] = randomValue(rng, depth + 1);
  return object;
}

const writers: [string, JsonBytes][] = [['WebAssembly', jsonBytes], ['JS fallback', createJsonBytes(null)]];

describe('jsonBytes', () => {
  it('has the WebAssembly number writer here', () => {
    expect(wasmJsonAvailable, 'dist/wasm/f64-json.wasm: run npm run build').toBe(true);
  });

  for (const [name, write] of writers) {
    describe(name, () => {
      it('writes the bytes of JSON.stringify for 2000 random nested values', () => {
        const rng = mulberry32(name.length);
        for (let i = 0; i < 2000; i++) {
          const value = randomValue(rng, 0);
          if (value === undefined) continue;
          const bytes = write(value);
          expect(Buffer.from(bytes).equals(reference(value)), `value ${i}`).toBe(true);
          expect(bytes.byteOffset).toBe(0);
          expect(bytes.buffer.byteLength).toBe(bytes.length); // its own buffer: transferable
        }
      });

      it('writes a response-sized body (1000 rows, ~300k numbers) as JSON.stringify does', () => {
        const rng = mulberry32(5);
        const rows = Array.from({ length: 1000 }, (_, i) => Float64Array.from({ length: 10 + (i * 37) % 775 }, () => normal(rng) * 0.01));
        const body = { cost: 0.25, gradient: { weights: rows.slice(0, 600), biases: rows.slice(600) }, meta: { rows: rows.length } };
        expect(Buffer.from(write(body)).equals(reference(body))).toBe(true);
      });

      it('follows JSON.stringify: toJSON, skipped properties, boxed primitives, holes, key order', () => {
        const sparse: unknown[] = [1, , 3]; // a hole: null
        const withToJSON = { toJSON: (key: string) => ({ key, f: Float64Array.of(1.5, -0) }) };
        const value = {
          b: 1, a: 2, 10: 'ten', 2: 'two', date: new Date(86_400_000), skip: undefined, fn: () => 1, sym: Symbol('s'),
          boxed: [new Number(-0), new String('s"'), new Boolean(false)], sparse, nested: { inner: withToJSON },
          list: [undefined, () => 1, Symbol('t'), withToJSON], toJSONArray: [withToJSON, withToJSON],
          dropped: { toJSON: () => undefined }, f64: Float64Array.of(NaN, -Infinity, 1e21, 1e-7, 123e-20),
        };
        expect(Buffer.from(write(value)).equals(reference(value))).toBe(true);
        for (const top of [0, -0, 1e21, 'x', true, null, NaN, [], {}, new Float64Array(0), withToJSON]) {
          expect(Buffer.from(write(top)).equals(reference(top)), String(top)).toBe(true);
        }
      });

      it('writes JoinedNumbers as one array of its parts, parts written before copied, the others formatted', () => {
        const rng = mulberry32(11);
        const flat = Float64Array.from({ length: 500 }, () => randomNumber(rng));
        const rows = [flat.subarray(0, 200), flat.subarray(200, 201), flat.subarray(201, 201), flat.subarray(201, 450)];
        const biases = flat.subarray(450);
        const unwritten = Float64Array.of(0.1, -0, 1e21);
        const cases = [
          // The gradient's shape: layers first, then the vector of the same arrays.
          { gradient: { weights: rows, biases }, vector: new JoinedNumbers([...rows, biases]) },
          // Parts never written, written after, repeated, empty, and a part written twice.
          { vector: new JoinedNumbers([unwritten, ...rows, unwritten]), later: rows, again: [biases, biases], joined: new JoinedNumbers([biases, biases]) },
          { empty: new JoinedNumbers([]), onlyEmpty: new JoinedNumbers([rows[2]]), list: [new JoinedNumbers([rows[1]]), rows[1]] },
        ];
        for (const value of cases) expect(Buffer.from(write(value)).toString()).toBe(reference(value).toString());
        expect(JSON.stringify(new JoinedNumbers([rows[1], biases]))).toBe(JSON.stringify([...rows[1], ...biases]));
      });

      it('throws where JSON.stringify throws, and on a top-level value with no JSON text', () => {
        const cycle: Record<string, unknown> = { a: [1] };
        (cycle.a as unknown[]).push(cycle);
        expect(() => write(cycle)).toThrow(TypeError);
        expect(() => write({ n: 1n })).toThrow(TypeError);
        expect(() => write(undefined)).toThrow(TypeError);
        expect(() => write(() => 1)).toThrow(TypeError);
        const shared = { x: 1 };
        expect(Buffer.from(write([shared, shared])).toString()).toBe('[{"x":1},{"x":1}]'); // repeated, not a cycle
        expect(Buffer.from(write({ ok: Float64Array.of(0.5) })).toString()).toBe('{"ok":[0.5]}'); // still usable
      });
    });
  }

  it('writes into a spare buffer offered back when it fits, else into a fresh one', () => {
    const spare = new ArrayBuffer(64);
    offerSpare(spare);
    const small = jsonBytes({ a: Float64Array.of(0.5, -1) });
    expect(Buffer.from(small).toString()).toBe('{"a":[0.5,-1]}');
    expect(small.buffer).toBe(spare);
    const tooSmall = new ArrayBuffer(8);
    offerSpare(tooSmall);
    const big = jsonBytes({ a: Float64Array.of(0.1, 0.2, 0.3) });
    expect(Buffer.from(big).toString()).toBe('{"a":[0.1,0.2,0.3]}');
    expect(big.buffer).not.toBe(tooSmall);
    expect(big.buffer.byteLength).toBe(big.length);
  });

  it('survives a toJSON that calls jsonBytes itself', () => {
    const inner = { toJSON: () => Buffer.from(jsonBytes({ f: Float64Array.of(0.1, 0.2) })).toString() };
    const value = { a: Float64Array.of(1, 2), inner, b: Float64Array.of(3) };
    expect(Buffer.from(jsonBytes(value)).toString()).toBe('{"a":[1,2],"inner":"{\\"f\\":[0.1,0.2]}","b":[3]}');
  });

  it('drops a WebAssembly memory grown past keepBytes and writes correctly with the next one', () => {
    const open = wasmOutputs(loadF64JsonModule()!, 1 << 20);
    const rng = mulberry32(9);
    for (const length of [200_000, 10, 200_000, 0, 5000]) {
      const values = Float64Array.from({ length }, () => normal(rng));
      const out = open();
      out.numbers(values);
      const expected = JSON.stringify(Array.from(values)).slice(1, -1);
      expect(Buffer.from(out.finish()).toString()).toBe(expected);
    }
    const js = jsOutput(1);
    js.numbers(Float64Array.of(1, -0, NaN));
    js.number(0.1);
    expect(Buffer.from(js.finish()).toString()).toBe('1,0,null0.1');
  });

  // JSON.stringify throws past V8's longest string; jsonBytes does too (at maxBytes), and the
  // next call, with its instance reset, writes correctly.
  it.each([['WebAssembly', loadF64JsonModule()], ['JS', null]] as const)('throws a RangeError past maxBytes (%s), then writes the next value', (_, module) => {
    const limited = createJsonBytes(module, 100_000);
    const big = { rows: Array.from({ length: 100 }, (_r, i) => Float64Array.from({ length: 200 }, (_v, j) => Math.sin(i * 200 + j))) };
    expect(JSON.stringify({ rows: big.rows.map((r) => Array.from(r)) }).length).toBeGreaterThan(200_000);
    expect(() => limited(big)).toThrow(RangeError);
    const small = { a: Float64Array.of(0.1, 1e21, 5e-324) };
    expect(Buffer.from(limited(small)).toString()).toBe('{"a":[0.1,1e+21,5e-324]}');
  });
});
