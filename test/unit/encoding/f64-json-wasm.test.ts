// assembly/f64-json.ts against the engine's own String(x), byte for byte: random bit patterns over
// every exponent, the values our responses hold (uniform in [−1, 1], gaussian at many scales),
// integers to 2^53 and past it, every power of ten and its neighbours, the layout boundaries
// (1e21, 1e-7), the extremes, subnormals and −0. The module writes in bulk (writeNumbers) and one at
// a time (writeNumber); both are checked. Needs `npm run build`.
import { describe, expect, it } from 'vitest';
import { loadF64JsonModule } from '../../../src/encoding/byte-output.js';
import { mulberry32, normal, type Rng } from '../../../src/core/rng.js';

interface F64JsonExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  writeNumber(x: number, at: number): number;
  writeNumbers(input: number, count: number, output: number): number;
}

const compiled = loadF64JsonModule();
const decoder = new TextDecoder();

/** What JSON.stringify writes for x. */
const expected = (x: number): string => (Number.isFinite(x) ? String(x) : 'null');

/** The texts the module writes for values, in bulk. */
function writeAll(values: Float64Array): string[] {
  const k = new WebAssembly.Instance(compiled!, {}).exports as unknown as F64JsonExports;
  const input = k.heapBase();
  const output = input + values.length * 8;
  const need = output + values.length * 26 + 64;
  k.memory.grow(Math.ceil(Math.max(0, need - k.memory.buffer.byteLength) / 65536));
  new Float64Array(k.memory.buffer).set(values, input / 8);
  const length = k.writeNumbers(input, values.length, output);
  return values.length === 0 ? [] : decoder.decode(new Uint8Array(k.memory.buffer, output, length)).split(',');
}

/** The first value whose text differs from String(x), with both texts, or null. */
function firstMismatch(values: Float64Array): { x: number; bits: string; expected: string; actual: string } | null {
  const texts = writeAll(values);
  expect(texts.length).toBe(values.length);
  for (let i = 0; i < values.length; i++) {
    if (texts[i] !== expected(values[i])) {
      const bits = new DataView(values.buffer, values.byteOffset + i * 8, 8).getBigUint64(0, true);
      return { x: values[i], bits: bits.toString(16), expected: expected(values[i]), actual: texts[i] };
    }
  }
  return null;
}

const view = new DataView(new ArrayBuffer(8));
const bitsOf = (x: number): bigint => { view.setFloat64(0, x); return view.getBigUint64(0); };
const fromBits = (b: bigint): number => { view.setBigUint64(0, BigInt.asUintN(64, b)); return view.getFloat64(0); };
/** The finite doubles within `steps` ulps of x on each side (through zero and into the subnormals). */
function neighbours(x: number, steps: number): number[] {
  const out: number[] = [];
  const b = bitsOf(Math.abs(x));
  for (let d = -steps; d <= steps; d++) {
    const n = b + BigInt(d);
    if (n < 0n || n >= 0x7ff0000000000000n) continue;
    out.push(fromBits(n), -fromBits(n));
  }
  return out;
}

function randomBits(count: number, rng: Rng): Float64Array {
  const u = new Uint32Array(count * 2);
  for (let i = 0; i < u.length; i++) u[i] = Math.floor(rng() * 2 ** 32);
  const values = new Float64Array(u.buffer);
  return values.filter(Number.isFinite);
}

describe('float64 → JSON number text in WebAssembly', () => {
  it('is built and compiles here', () => {
    expect(compiled, 'dist/wasm/f64-json.wasm: run npm run build').not.toBeNull();
  });

  it('writes the extremes, subnormals, −0 and the layout boundaries as String(x) does', () => {
    const edges = [
      0, -0, 1, -1, 0.1, 0.2, 0.3, 1 / 3, 2 / 3, 0.1 + 0.2, 123.456, 100, 1e15, 1e16, 1e17,
      5e-324, -5e-324, Number.MIN_VALUE, Number.MAX_VALUE, -Number.MAX_VALUE, Number.EPSILON,
      2.2250738585072014e-308, 2.225073858507201e-308, 4.9406564584124654e-324, 1.7976931348623157e308,
      1e21, 1e-7, 1e-6, 1e20, 999999999999999900000, 123456789012345680000, 1.5e-7, 9.999999999999999e-7,
      1e23, 9.999999999999999e22, 8.41e21, 5e-7, 0.000001, 0.0000012345678901234567, 2 ** 53, 2 ** 53 + 2,
      2 ** 63, 2 ** 64, 2 ** 1023, 2 ** -1022, 2 ** -1074, 2 ** -1073, 3 * 2 ** -1074,
      Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 4.35, 0.57, 1.005, 2.675, 299792458, 6.02214076e23,
      NaN, Infinity, -Infinity,
    ];
    const around = [1e21, 1e-7, 1e-6, 1e20, 2 ** 53, 5e-324, Number.MAX_VALUE, 2.2250738585072014e-308];
    const values = Float64Array.from([...edges, ...around.flatMap((x) => neighbours(x, 16))]);
    expect(firstMismatch(values)).toBeNull();
  });

  it('writes every power of ten from 1e-324 to 1e308, its multiples d·10^e and their neighbours', () => {
    const values: number[] = [];
    for (let e = -324; e <= 308; e++) {
      for (let d = 1; d <= 9; d++) {
        const x = Number(`${d}e${e}`);
        if (x === 0 || !Number.isFinite(x)) continue;
        values.push(...neighbours(x, d === 1 ? 4 : 1));
      }
    }
    expect(values.length).toBeGreaterThan(10_000);
    expect(firstMismatch(Float64Array.from(values))).toBeNull();
  });

  it('writes integers to 2^53 and beyond (where shortest digits are followed by zeros)', () => {
    const rng = mulberry32(7);
    const values: number[] = [];
    for (let i = 0; i < 100_000; i++) {
      values.push(Math.floor(rng() * 2 ** 53)); // safe integers, all lengths below
      values.push(Math.floor(rng() * 10 ** (1 + Math.floor(rng() * 15))));
      values.push(Math.floor(rng() * 2 ** 53) * 2 ** Math.floor(rng() * 80)); // past 2^53: even 2^64 and 1e21
      values.push(Math.floor(rng() * 1000) * 10 ** Math.floor(rng() * 30)); // round decimals: ties
    }
    for (let e = 0; e <= 1023; e++) values.push(2 ** e, 2 ** e - 1, 2 ** e + 1, -(2 ** e));
    expect(firstMismatch(Float64Array.from(values))).toBeNull();
  });

  it('writes 2 million random bit patterns (every exponent, subnormals included)', () => {
    const values = randomBits(2_000_000, mulberry32(2024));
    expect(values.length).toBeGreaterThan(1_990_000);
    expect(firstMismatch(values)).toBeNull();
  });

  it('writes 1 million gradient-like values: uniform in [−1, 1] and gaussian at scales 1e-8 … 1e4', () => {
    const rng = mulberry32(11);
    const values = new Float64Array(1_000_000);
    for (let i = 0; i < values.length; i += 2) {
      values[i] = rng() * 2 - 1;
      values[i + 1] = normal(rng) * 10 ** (Math.floor(rng() * 13) - 8);
    }
    expect(firstMismatch(values)).toBeNull();
  });

  it('writes the same bytes one at a time (writeNumber) as in bulk', () => {
    const k = new WebAssembly.Instance(compiled!, {}).exports as unknown as F64JsonExports;
    const at = k.heapBase();
    const values = Float64Array.from([...randomBits(20_000, mulberry32(3)), -0, NaN, Infinity, 1e21, 1e-7]);
    const bulk = writeAll(values);
    for (let i = 0; i < values.length; i++) {
      const end = k.writeNumber(values[i], at);
      expect(decoder.decode(new Uint8Array(k.memory.buffer, at, end - at))).toBe(bulk[i]);
    }
    expect(k.writeNumbers(at, 0, at + 64)).toBe(0);
  });
});
