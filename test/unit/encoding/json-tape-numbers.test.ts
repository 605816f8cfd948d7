// The WebAssembly parser's numbers (assembly/json-tape.ts) against the engine's JSON.parse, bit
// for bit (Object.is, so −0 counts): the shortest texts String(x) writes for random bit patterns
// over every exponent and for gradient-like values; toFixed, toExponential and toPrecision texts;
// random digit strings up to 25 digits with exponents far past the float64 range; exact and
// near halfway points between neighbouring doubles; the literal edge cases. Needs `npm run build`.
import { describe, expect, it } from 'vitest';
import { mulberry32, normal, type Rng } from '../../../src/core/rng.js';
import { createFastJsonParser } from '../../../src/encoding/json-tape.js';
import { loadBuiltWasm } from '../../../src/wasm.js';

const compiled = loadBuiltWasm('json-tape.wasm');
const parse = compiled ? createFastJsonParser(compiled) : () => undefined;

interface Mismatch { text: string; expected: string; actual: string }

const show = (x: unknown): string => (Object.is(x, -0) ? '-0' : String(x));
const shorten = (text: string): string => (text.length > 100 ? `${text.slice(0, 50)}…(${text.length} characters)…${text.slice(-30)}` : text);

/** Numbers per parsed array: below the 1024 the parser leaves to JS (past that it bails). */
const BATCH = 1000;

/** The first number text whose value differs from JSON.parse's, parsed in JSON arrays of BATCH. */
function firstMismatch(texts: string[]): Mismatch | null {
  for (let from = 0; from < texts.length; from += BATCH) {
    const batch = texts.slice(from, from + BATCH);
    const json = `[${batch.join(',')}]`;
    const parsed = parse(Buffer.from(json));
    if (parsed === undefined) return { text: shorten(json), expected: 'a value', actual: 'bailed' };
    const actual = parsed.value as number[];
    const expected = JSON.parse(json) as number[];
    if (actual.length !== expected.length) return { text: shorten(json), expected: `${expected.length} numbers`, actual: `${actual.length}` };
    for (let i = 0; i < batch.length; i++) {
      if (!Object.is(actual[i], expected[i])) return { text: shorten(batch[i]), expected: show(expected[i]), actual: show(actual[i]) };
    }
  }
  return null;
}

function randomBits(count: number, rng: Rng): Float64Array {
  const u = new Uint32Array(count * 2);
  for (let i = 0; i < u.length; i++) u[i] = Math.floor(rng() * 2 ** 32);
  return new Float64Array(u.buffer).filter(Number.isFinite);
}

const int = (rng: Rng, n: number): number => Math.floor(rng() * n);

function digits(rng: Rng, count: number): string {
  let s = '';
  for (let i = 0; i < count; i++) s += String(int(rng, 10));
  return s;
}

/** −?int[.frac][e±exp] with 1 to 25 digits in all, leading zeros and exponents to ±400. */
function randomDecimal(rng: Rng): string {
  const total = 1 + int(rng, 25);
  const intDigits = int(rng, total + 1);
  let intPart = digits(rng, intDigits).replace(/^0+(?=\d)/, '');
  if (intPart === '') intPart = '0';
  const fraction = intDigits < total ? `.${digits(rng, total - intDigits)}` : '';
  const e = rng() < 0.3 ? '' : `${rng() < 0.5 ? 'e' : 'E'}${['', '+', '-'][int(rng, 3)]}${int(rng, rng() < 0.5 ? 25 : 400)}`;
  return `${rng() < 0.5 ? '-' : ''}${intPart}${fraction}${e}`;
}

const view = new DataView(new ArrayBuffer(8));
const bitsOf = (x: number): bigint => { view.setFloat64(0, x); return view.getBigUint64(0); };
const fromBits = (b: bigint): number => { view.setBigUint64(0, b); return view.getFloat64(0); };

/** The exact decimal text of the midpoint between positive finite x and the next double up. */
function midpointText(x: number): string {
  const bits = bitsOf(x);
  const exponent = Number(bits >> 52n);
  const fraction = bits & ((1n << 52n) - 1n);
  // x = m · 2^e exactly; the midpoint is (2m + 1) · 2^(e − 1).
  const m = exponent === 0 ? fraction : fraction | (1n << 52n);
  const e = (exponent === 0 ? 1 : exponent) - 1075;
  const n = 2n * m + 1n;
  const k = e - 1;
  if (k >= 0) return (n << BigInt(k)).toString();
  const scaled = (n * 5n ** BigInt(-k)).toString().padStart(-k + 1, '0'); // n / 2^−k = n · 5^−k / 10^−k
  return `${scaled.slice(0, scaled.length + k)}.${scaled.slice(scaled.length + k)}`;
}

/** A decimal text cut to `count` significant digits (as d.ddd…e±x). */
function significant(text: string, count: number): string {
  const [intPart, frac = ''] = text.split('.');
  const all = (intPart + frac).replace(/^0+/, '');
  const exp = intPart.replace(/^0+/, '').length > 0 ? intPart.replace(/^0+/, '').length - 1 : -(frac.length - frac.replace(/^0+/, '').length) - 1;
  const d = all.slice(0, count);
  return `${d[0]}${d.length > 1 ? `.${d.slice(1)}` : ''}e${exp}`;
}

describe('the WebAssembly JSON parser\'s numbers', () => {
  it('is built and compiles here', () => {
    expect(compiled, 'dist/wasm/json-tape.wasm: run npm run build').not.toBeNull();
  });

  it('reads the edge cases as JSON.parse does, in arrays and as whole documents', () => {
    const edges = [
      '0', '-0', '0.0', '-0.0', '0e5', '0.0e5', '-0e-5', '0E+0', '0.1e-0', '1E+2', '1e2', '1E-2', '-1.5e-3', '10', '100e-2',
      '9007199254740991', '9007199254740992', '9007199254740993', '9007199254740994', '9007199254740995',
      '18014398509481985', '9223372036854775807', '9223372036854775808', '18446744073709551615', '18446744073709551616',
      '9999999999999999999', '10000000000000000000', '99999999999999999999', '1e22', '1e23', '9.999999999999999e22', '8.41e21',
      '0.1', '0.2', '0.3', '0.30000000000000004', '1.0000000000000002', '0.9999999999999999', '4.35', '1.005', '2.675',
      '1.7976931348623157e308', '1.7976931348623158e308', '1.7976931348623159e308', '-1.7976931348623159e308', '1e308', '1e309',
      '1e400', '-1e400', '1e-400', '-1e-400', '123e-330', '5e-324', '4.9406564584124654e-324', '2.4703282292062327e-324',
      '2.4703282292062328e-324', '2.2250738585072011e-308', '2.2250738585072014e-308', '2.225073858507201e-308', '1e-7', '1e-308',
      '1e0000000000000000000001', '1e-99999999999', '1e99999999999', '0e99999999999', '123456789012345678901234567890',
      `0.${'0'.repeat(400)}1`, `1${'0'.repeat(400)}`, `1${'0'.repeat(308)}`, `0.${'0'.repeat(320)}5`, '0.000001', '1234.5678e-2',
      '7.2057594037927933e16', '72057594037927933', '3.0e-1', '4.4501477170144023e-308', '2.2250738585072012e-308',
    ];
    expect(firstMismatch(edges)).toBeNull();
    for (const text of edges) expect(parse(Buffer.from(text))?.value, text).toBe(JSON.parse(text));
  });

  it('reads exponents that long fractions offset (0.000…1e1000001 is 1)', () => {
    const zeros = '0'.repeat(1_000_000);
    const texts = [`0.${zeros}1e1000001`, `0.${zeros}1e1000000`, `-0.${zeros}25e1000001`, `1${zeros}e-1000000`, `1${zeros}e-1000001`, `0.${zeros}1e-1000001`];
    expect(firstMismatch(texts)).toBeNull();
  });

  it('reads 2 million shortest texts of random bit patterns (every exponent, subnormals included)', () => {
    const values = randomBits(2_000_000, mulberry32(2024));
    expect(firstMismatch(Array.from(values, String))).toBeNull();
  });

  it('reads 1 million gradient-like values: uniform in [−1, 1], gaussian at scales 1e-8 … 1e4, pixels k/255', () => {
    const rng = mulberry32(11);
    const texts: string[] = [];
    for (let i = 0; i < 1_000_000; i += 4) {
      texts.push(String(rng() * 2 - 1), String(normal(rng) * 10 ** (int(rng, 13) - 8)), String(int(rng, 256) / 255), String(-normal(rng) * 0.05));
    }
    expect(firstMismatch(texts)).toBeNull();
  });

  it('reads toFixed, toExponential and toPrecision texts (up to 21 digits)', () => {
    const rng = mulberry32(5);
    const texts: string[] = [];
    for (let i = 0; i < 300_000; i++) {
      const x = (rng() < 0.5 ? normal(rng) : rng() * 2 - 1) * 10 ** (int(rng, 41) - 20);
      const variant = int(rng, 3);
      if (variant === 0 && Math.abs(x) < 1e21) texts.push(x.toFixed(int(rng, 21)));
      else if (variant === 1) texts.push(x.toExponential(int(rng, 21)));
      else texts.push(x.toPrecision(1 + int(rng, 21)));
    }
    expect(firstMismatch(texts)).toBeNull();
  });

  it('reads 1 million random digit strings (1 to 25 digits, exponents to ±400)', () => {
    const rng = mulberry32(99);
    const texts = Array.from({ length: 1_000_000 }, () => randomDecimal(rng));
    expect(firstMismatch(texts)).toBeNull();
  });

  it('reads exact halfway points between neighbouring doubles, and texts just around them', () => {
    const rng = mulberry32(31);
    const texts: string[] = [];
    const around = (exact: string): void => {
      texts.push(exact);
      for (const count of [16, 17, 18, 19, 20]) {
        const cut = significant(exact, count);
        texts.push(cut);
        const [mantissa, exp] = cut.split('e');
        const last = mantissa.length - 1;
        const up = mantissa.slice(0, last) + String(Math.min(9, Number(mantissa[last]) + 1));
        texts.push(`${up}e${exp}`);
      }
    };
    for (let i = 0; i < 3000; i++) {
      const x = fromBits(BigInt(int(rng, 0x7fe)) << 52n | BigInt(int(rng, 2 ** 26)) << 26n | BigInt(int(rng, 2 ** 26)));
      if (x > 0 && Number.isFinite(x)) around(midpointText(x));
    }
    // Integers past 2^53 (ties with at most 19-20 digits, exact powers of ten), and subnormals.
    for (let i = 0; i < 3000; i++) around(midpointText((2 ** 52 + int(rng, 2 ** 52)) * 2 ** (1 + int(rng, 12))));
    for (let i = 0; i < 500; i++) around(midpointText(fromBits(BigInt(1 + int(rng, 2 ** 30)))));
    for (let e = 53; e < 64; e++) texts.push(String(2n ** BigInt(e) + 1n), `${2n ** BigInt(e) + 1n}0e-1`, `${2n ** BigInt(e) + 3n}`);
    expect(firstMismatch(texts)).toBeNull();
  });

  it('reads every power of ten 1e-400 … 1e400 and d·10^e with its neighbours in the last digit', () => {
    const texts: string[] = [];
    for (let e = -400; e <= 400; e++) {
      texts.push(`1e${e}`, `-1e${e}`);
      for (let d = 1; d <= 9; d++) {
        const x = Number(`${d}e${e}`);
        if (x === 0 || !Number.isFinite(x)) continue;
        const b = bitsOf(x);
        for (const n of [b - 1n, b, b + 1n]) texts.push(String(fromBits(n)));
      }
    }
    expect(firstMismatch(texts)).toBeNull();
  });
});
