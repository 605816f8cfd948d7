// The committed powers of five (assembly/f64-json-tables.ts) are what the generator writes, and
// the generator agrees with known entries of Ryu's published tables.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { f64JsonTablesSource, pow5, pow5Inv } from '../../../scripts/f64-json-tables.js';

const MASK64 = (1n << 64n) - 1n;
const halves = (x: bigint): [bigint, bigint] => [x & MASK64, x >> 64n];

describe('f64-json tables', () => {
  it('assembly/f64-json-tables.ts is the generator output (npm run f64-tables)', () => {
    const committed = readFileSync(new URL('../../../assembly/f64-json-tables.ts', import.meta.url), 'utf8');
    expect(committed).toBe(f64JsonTablesSource());
  });

  it('matches entries of Ryu d2s_full_table.h (low, high)', () => {
    expect(halves(pow5Inv(0))).toEqual([1n, 288230376151711744n]);
    expect(halves(pow5Inv(1))).toEqual([3689348814741910324n, 230584300921369395n]);
    expect(halves(pow5Inv(291))).toEqual([14258051472207991719n, 179769313486231590n]);
    expect(halves(pow5(0))).toEqual([0n, 72057594037927936n]);
    expect(halves(pow5(1))).toEqual([0n, 90071992547409920n]);
    expect(halves(pow5(325))).toEqual([2850236603241744433n, 111253692925360069n]);
  });
});
