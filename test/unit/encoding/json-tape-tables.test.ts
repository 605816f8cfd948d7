// The committed powers of ten (assembly/json-tape-tables.ts) are what the generator writes; the
// generator agrees with its definition for every entry and with known rows of Go's table
// (strconv/eisel_lemire.go, detailedPowersOfTen), which was generated independently.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { POW10_MAX_EXP, POW10_MIN_EXP, jsonTapeTablesSource, pow10Mantissa } from '../../../scripts/json-tape-tables.js';

const MASK64 = (1n << 64n) - 1n;
const halves = (x: bigint): [bigint, bigint] => [x & MASK64, x >> 64n];

describe('json-tape tables', () => {
  it('assembly/json-tape-tables.ts is the generator output (npm run json-tape-tables)', () => {
    const committed = readFileSync(new URL('../../../assembly/json-tape-tables.ts', import.meta.url), 'utf8');
    expect(committed).toBe(jsonTapeTablesSource());
  });

  it('holds for each q a 128-bit m with m ≤ 10^q · 2^k < m + 1', () => {
    for (let q = POW10_MIN_EXP; q <= POW10_MAX_EXP; q++) {
      const m = pow10Mantissa(q);
      expect(m >> 127n).toBe(1n);
      // In integers: m · 10^−q ≤ 2^k < (m + 1) · 10^−q for q < 0; for q ≥ 0, 10^q shifted to 128
      // bits: exact while it fits, else m · 2^s ≤ 10^q < (m + 1) · 2^s.
      if (q < 0) {
        const d = 10n ** BigInt(-q);
        const k = BigInt((m * d).toString(2).length); // the least k with 2^k ≥ m · d (no power of two: d has a factor 5)
        expect(m * d <= 1n << k && 1n << k < (m + 1n) * d).toBe(true);
      } else {
        const p = 10n ** BigInt(q);
        const shift = BigInt(p.toString(2).length - 128);
        if (shift <= 0n) expect(m).toBe(p << -shift); // exact
        else expect((m << shift) <= p && p < (m + 1n) << shift).toBe(true);
      }
    }
  });

  it('matches rows of Go\'s detailedPowersOfTen (low, high)', () => {
    expect(halves(pow10Mantissa(-348))).toEqual([0x1732c869cd60e453n, 0xfa8fd5a0081c0288n]);
    expect(halves(pow10Mantissa(-1))).toEqual([0xccccccccccccccccn, 0xccccccccccccccccn]);
    expect(halves(pow10Mantissa(0))).toEqual([0n, 0x8000000000000000n]);
    expect(halves(pow10Mantissa(28))).toEqual([0x4000000000000000n, 0x813f3978f8940984n]);
    expect(halves(pow10Mantissa(43))).toEqual([0x6d9ccd05d0000000n, 0xe596b7b0c643c719n]);
    expect(halves(pow10Mantissa(308))).toEqual([0x570f09eaa7ea7648n, 0x8e679c2f5e44ff8fn]);
    expect(halves(pow10Mantissa(347))).toEqual([0x4b7195f2d2d1a9fbn, 0xd13eb46469447567n]);
  });
});
