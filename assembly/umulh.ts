// AssemblyScript: the high half of a 64 × 64 → 128-bit product, which WebAssembly has no
// instruction for. Shared by the number writer (f64-json.ts, Ryu) and reader (decimal-to-f64.ts,
// Eisel–Lemire); inlined into each module.

/** The high half of the 128-bit product a · b, from four 32 × 32 → 64-bit products. */
// @ts-ignore: decorator
@inline export function umulh(a: u64, b: u64): u64 {
  const aLo = a & 0xffffffff, aHi = a >> 32, bLo = b & 0xffffffff, bHi = b >> 32;
  const b00 = aLo * bLo, b01 = aLo * bHi, b10 = aHi * bLo, b11 = aHi * bHi;
  const mid1 = b10 + (b00 >> 32);
  const mid2 = b01 + (mid1 & 0xffffffff);
  return b11 + (mid1 >> 32) + (mid2 >> 32);
}
