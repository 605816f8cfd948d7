// Exact equality of parsed JSON values, stricter than toEqual: numbers by Object.is (so −0 is
// not 0), own keys in the same order, arrays of the same length, the same prototypes.

/** The JSON Pointer of the first difference between a and b (with both sides), or null when they are the same. */
export function jsonDifference(a: unknown, b: unknown, at = ''): string | null {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) {
    return Object.is(a, b) ? null : `${at || '/'}: ${describe(a)} ≠ ${describe(b)}`;
  }
  if (Array.isArray(a) !== Array.isArray(b) || Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) {
    return `${at || '/'}: different kinds of object`;
  }
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length || keysA.some((k, i) => k !== keysB[i])) {
    return `${at || '/'}: keys ${JSON.stringify(keysA.slice(0, 20))} ≠ ${JSON.stringify(keysB.slice(0, 20))}`;
  }
  for (const key of keysA) {
    const d = jsonDifference((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${at}/${key}`);
    if (d !== null) return d;
  }
  return null;
}

function describe(x: unknown): string {
  return Object.is(x, -0) ? '-0' : typeof x === 'string' ? JSON.stringify(x) : String(x);
}
