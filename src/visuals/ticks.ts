// Axis ticks: "nice" steps (1, 2, 5 × 10^e) on a linear axis, whole decades on a log axis.
// Tick values are computed as k·step and rounded to 12 significant digits, so 0.1 + 0.2 never
// shows up as 0.30000000000000004 and the same domain always gives the same ticks.

/** `at` is the tick's place in axis units: the value itself on a linear axis, log₁₀ of it on a log axis. */
export interface Tick { value: number; at: number; label: string }
/** min and max in axis units; `log` says how a value becomes axis units. */
export interface Axis { min: number; max: number; ticks: Tick[]; log: boolean }

/** A value in axis units (a log axis takes log₁₀). */
export function axisUnits(axis: Axis, value: number): number {
  return axis.log ? Math.log10(value) : value;
}

const clean = (v: number) => Number(v.toPrecision(12)) || 0;

function niceStep(span: number, count: number): { step: number; exponent: number } {
  const raw = span / Math.max(1, count);
  const exponent = Math.floor(Math.log10(raw));
  const base = 10 ** exponent;
  const fraction = raw / base - 1e-9; // 0.2 / 0.1 is 2.0000000000000004, and it means 2
  const mantissa = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return mantissa === 10 ? { step: clean(10 * base), exponent: exponent + 1 } : { step: clean(mantissa * base), exponent };
}

function linearLabel(value: number, exponent: number, largest: number): string {
  if (exponent < -4 || largest >= 1e7) return String(Number(value.toPrecision(6)));
  return value.toFixed(Math.max(0, -exponent));
}

/** A linear axis covering [lo, hi] whose ends are ticks; about `count` intervals. */
export function linearAxis(lo: number, hi: number, count = 5, integer = false): Axis {
  if (!(hi > lo)) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    return linearAxis(lo - pad, hi + pad, count, integer);
  }
  let { step, exponent } = niceStep(hi - lo, count);
  if (integer && step < 1) { step = 1; exponent = 0; }
  const first = Math.floor(lo / step);
  const last = Math.ceil(hi / step);
  const largest = Math.max(Math.abs(first * step), Math.abs(last * step));
  const ticks: Tick[] = [];
  for (let k = first; k <= last; k++) {
    const value = clean(k * step);
    ticks.push({ value, at: value, label: linearLabel(value, exponent, largest) });
  }
  return { min: ticks[0].value, max: ticks[ticks.length - 1].value, ticks, log: false };
}

function decadeLabel(k: number): string {
  return Math.abs(k) >= 4 ? `1e${k}` : String(10 ** k);
}

function multipleLabel(m: number, k: number): string {
  return Math.abs(k) >= 4 ? `${m}e${k}` : String(clean(m * 10 ** k));
}

/**
 * A log₁₀ axis from the decade at or below lo to the decade at or above hi (lo > 0). Over one or
 * two decades, 2× and 5× each decade are ticks too.
 */
export function logAxis(lo: number, hi: number, maxTicks = 8): Axis {
  const first = Math.floor(Math.log10(lo));
  let last = Math.ceil(Math.log10(hi));
  if (last === first) last += 1;
  const stride = Math.ceil((last - first) / maxTicks);
  last = first + Math.ceil((last - first) / stride) * stride;
  const ticks: Tick[] = [];
  for (let k = first; k <= last; k += stride) {
    ticks.push({ value: 10 ** k, at: k, label: decadeLabel(k) });
    if (last - first <= 2 && k < last) {
      for (const m of [2, 5]) ticks.push({ value: clean(m * 10 ** k), at: k + Math.log10(m), label: multipleLabel(m, k) });
    }
  }
  return { min: first, max: last, ticks, log: true };
}
