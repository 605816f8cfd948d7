// AssemblyScript: a decimal m · 10^e (m < 10^19, as a JSON number's digits) to the nearest float64,
// ties to even: the value JSON.parse gives. Used by json-tape.ts.
//   - Clinger's fast path when m ≤ 2^53 and |e| ≤ 22: m and 10^|e| are exact doubles, so one
//     multiplication or division, correctly rounded by the hardware, is the answer;
//   - otherwise Eisel–Lemire (Daniel Lemire, "Number Parsing at a Gigabyte per Second", 2021;
//     as Go's strconv/eisel_lemire.go): m times a 128-bit truncated 10^e (json-tape-tables.ts),
//     which decides the rounding in all but rare cases; it says so when it cannot (NaN here).
// WebAssembly has no 64 × 64 → 128-bit multiply: umulh (umulh.ts) builds its high half from 32-bit halves.
import { POW10_128, POW10_MIN_EXP } from './json-tape-tables';
import { umulh } from './umulh';

/** 10^0 … 10^22: the powers of ten a float64 holds exactly. */
const POW10_F64: usize = memory.data<f64>([
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
  1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
]);

/** mantissa · 10^exp10 (mantissa < 10^19) correctly rounded, negated when `negative`; NaN when not decided here (Eisel–Lemire undecided, a subnormal or overflowing result). */
export function toDouble(mantissa: u64, exp10: i32, negative: bool): f64 {
  const sign: f64 = negative ? -1.0 : 1.0;
  if (mantissa == 0) return sign * 0.0;
  // Below 10^19 · 10^−343 < 2^−1075 (half the least subnormal): 0. From 10^309 on: infinity.
  if (exp10 < -342) return sign * 0.0;
  if (exp10 > 308) return sign * Infinity;
  // Clinger's fast path: both operands exact, so one correctly rounded operation.
  if (mantissa <= <u64>1 << 53 && exp10 >= -22 && exp10 <= 22) {
    const m = <f64>mantissa;
    return sign * (exp10 < 0 ? m / load<f64>(POW10_F64 + (<usize>-exp10 << 3)) : m * load<f64>(POW10_F64 + (<usize>exp10 << 3)));
  }
  return eiselLemire(mantissa, exp10, negative);
}

/**
 * Eisel–Lemire (Lemire 2021; as Go's strconv/eisel_lemire.go and Nigel Tao's write-up): the
 * float64 nearest man · 10^exp10, or NaN when the truncated 128-bit power of ten cannot decide
 * the rounding, or the result is subnormal or overflows. POW10_MIN_EXP ≤ exp10 ≤ POW10_MAX_EXP.
 */
function eiselLemire(man: u64, exp10: i32, negative: bool): f64 {
  const pow = POW10_128 + (<usize>(exp10 - POW10_MIN_EXP) << 4);
  const powLo = load<u64>(pow);
  const powHi = load<u64>(pow, 8);
  // Normalization: man's top bit set; 217706 / 2^16 ≈ log₂ 10.
  const lz = <i32>clz(man);
  man <<= <u64>lz;
  let exp2: i64 = <i64>(((217706 * exp10) >> 16) + 64 + 1023 - lz);
  // Multiplication by the high 64 bits of the power.
  let xLo = man * powHi;
  let xHi = umulh(man, powHi);
  // Wider approximation: the low 9 bits all ones may carry; add the product with the low half.
  if ((xHi & 0x1ff) == 0x1ff && xLo + man < man) {
    const yLo = man * powLo;
    const yHi = umulh(man, powLo);
    let mergedHi = xHi;
    const mergedLo = xLo + yHi;
    if (mergedLo < xLo) mergedHi++;
    if ((mergedHi & 0x1ff) == 0x1ff && mergedLo + 1 == 0 && yLo + man < man) return NaN;
    xHi = mergedHi;
    xLo = mergedLo;
  }
  // Shifting to 54 bits.
  const msb = xHi >> 63;
  let mantissa = xHi >> (msb + 9);
  exp2 -= <i64>(1 ^ msb);
  // Half-way ambiguity: an exact tie the truncation may hide.
  if (xLo == 0 && (xHi & 0x1ff) == 0 && (mantissa & 3) == 1) return NaN;
  // From 54 to 53 bits, rounding half up (ties are exact only where decided above).
  mantissa += mantissa & 1;
  mantissa >>= 1;
  if (mantissa >> 53 > 0) {
    mantissa >>= 1;
    exp2++;
  }
  if (exp2 <= 0 || exp2 >= 0x7ff) return NaN; // subnormal or overflow
  return reinterpret<f64>((<u64>exp2 << 52) | (mantissa & 0xfffffffffffff) | (<u64>negative << 63));
}
