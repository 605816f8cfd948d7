// AssemblyScript: one pass over a JSON text (bytes in this module's memory) that checks the whole
// grammar (RFC 8259, as JSON.parse reads it) and writes it as a tape for src/encoding/json-tape.ts
// to build the value from, with every number already converted to the float64 JSON.parse gives.
//
// Only the common case is handled; anything else makes parse() return −1 (BAIL) and the caller
// uses JSON.parse, which also words the errors: a syntax error, a byte ≥ 0x80 (so no UTF-8 and
// no byte-order mark), a backslash in a string (so no escapes: every string is its own bytes),
// a key __proto__ or constructor, nesting deeper than MAX_DEPTH, more than MAX_SLOW hard numbers,
// a text of MAX_LENGTH bytes or more.
//
// Tape: Int32 words. A value is one event; the kind is in the low 3 bits, a count above them:
//   NULL, FALSE, TRUE, NUMBER (the next float64 of the numbers)     1 word
//   STRING | length << 3, then the byte offset of its first character, or −1 − id when it repeats
//     the string numbered id (strings are numbered in order of their first appearance)  2 words
//   ARRAY | count << 3, then `count` values                          1 word + the values
//   NUMBERS | count << 3: an array of numbers only, the next `count` float64 (no further events)
//   OBJECT | count << 3, then `count` times: a key as a STRING's two words, then its value
// Repeats are found for strings of up to INTERN_MAX bytes, the first MAX_INTERNED of them: the
// caller makes one string for all (and V8 sees one key string per key, the fast case).
// Numbers: float64, in document order (converted by decimal-to-f64.ts). One it cannot convert
// exactly (more than 19 significant digits, a subnormal or overflowing result, undecided) is
// written NaN and listed (float64 index, text start, text end) for the caller to convert with
// Number(text): rare, and correct by definition.
// Room, for a text of n bytes: a number takes at least 2 bytes with its separator, so at most
// (n + 1) / 2 float64; the tape takes at most 16 bytes for every 6 of text (`"":"",`), so
// 3n + 16 bytes. The caller reserves that, and puts 16 zero bytes after the text: every loop
// stops at a 0 byte, so none checks for the end.
import { toDouble } from './decimal-to-f64';

const NULL: i32 = 0;
const FALSE: i32 = 1;
const TRUE: i32 = 2;
const NUMBER: i32 = 3;
const STRING: i32 = 4;
const ARRAY: i32 = 5;
const NUMBERS: i32 = 6;
const OBJECT: i32 = 7;

const BAIL: i32 = -1;
/** Deepest nesting of arrays and objects handled (JSON.parse takes more; it then decides). */
const MAX_DEPTH: i32 = 64;
/** Most numbers left to the caller per text. */
const MAX_SLOW: i32 = 1024;
/** Texts must be shorter (128 MiB): counts and lengths then fit above an event's kind, exponents an i32. */
const MAX_LENGTH: i32 = 1 << 27;
/**
 * An exponent is read up to this, then only skipped: no text has as many fraction digits to
 * offset it (they are fewer than MAX_LENGTH), so the value is 0 or infinite either way, and
 * EXPONENT_CAP · 10 + 9 + MAX_LENGTH still fits an i32.
 */
const EXPONENT_CAP: i32 = 200_000_000;

const QUOTE: u32 = 0x22;
const BACKSLASH: u32 = 0x5c;
const COMMA: u32 = 0x2c;
const COLON: u32 = 0x3a;
const MINUS: u32 = 0x2d;
const PLUS: u32 = 0x2b;
const POINT: u32 = 0x2e;
const ZERO: u32 = 0x30;

/** Longest string looked up among the earlier ones. */
const INTERN_MAX: usize = 64;
/** Slots of the table of strings seen (a power of two), at most half of them used. */
const INTERN_SLOTS: u32 = 2048;
const MAX_INTERNED: i32 = 1024;
/** Table slot: generation (the parse that filled it), hash, offset, length, id (i32 each), a spare word. */
const SLOT_BYTES: usize = 24;
const INTERNED: usize = memory.data(<i32>INTERN_SLOTS * <i32>SLOT_BYTES);

/** The numbers left to the caller: (float64 index, text start, text end) as i32. */
const SLOW: usize = memory.data(MAX_SLOW * 12);

let text: usize = 0; // the first byte of the text
let tapeAt: usize = 0; // where the next event goes
let numbersStart: usize = 0;
let numberAt: usize = 0; // where the next float64 goes
let slowCount: i32 = 0;
let f64Key = false;
let generation: u32 = 0; // slots of other generations are empty: no clearing between parses
let stringCount: i32 = 0; // strings numbered so far
let internedCount: i32 = 0;

/** The first byte the caller may use, 16-aligned. */
export function heapBase(): usize {
  return (__heap_base + 15) & ~15;
}

/** Float64 values written by the last parse. */
export function numberCount(): i32 {
  return <i32>((numberAt - numbersStart) >> 3);
}

/** Numbers the last parse left to the caller, listed at slowNumbers(). */
export function slowNumberCount(): i32 {
  return slowCount;
}

export function slowNumbers(): usize {
  return SLOW;
}

/** Whether the last parse met a key "f64" (the compact number-array encoding, src/encoding/f64.ts). */
export function sawF64Key(): bool {
  return f64Key;
}

/**
 * Parses the `length` bytes at `input` (followed by 16 zero bytes), writing float64 from
 * `numbers` on (8-aligned) and the tape from `tape` on. Returns the tape's length in words, or
 * BAIL (−1).
 */
export function parse(input: usize, length: i32, numbers: usize, tape: usize): i32 {
  text = input;
  tapeAt = tape;
  numbersStart = numbers;
  numberAt = numbers;
  slowCount = 0;
  f64Key = false;
  stringCount = 0;
  internedCount = 0;
  if (++generation == 0) {
    memory.fill(INTERNED, 0, <usize>INTERN_SLOTS * SLOT_BYTES); // after 2^32 parses: forget every slot
    generation = 1;
  }
  if (length <= 0 || length >= MAX_LENGTH) return BAIL;
  let p = parseValue(skipSpace(input), 0);
  if (p == 0) return BAIL;
  p = skipSpace(p);
  if (p != input + <usize>length) return BAIL;
  return <i32>((tapeAt - tape) >> 2);
}

// @ts-ignore: decorator
@inline function isSpace(c: u32): bool {
  // Space, tab, LF, CR: bits 32, 9, 10 and 13.
  return c <= 0x20 && ((<u64>1 << c) & 0x100002600) != 0;
}

// @ts-ignore: decorator
@inline function skipSpace(p: usize): usize {
  while (isSpace(load<u8>(p))) p++;
  return p;
}

// @ts-ignore: decorator
@inline function emit(word: i32): void {
  store<i32>(tapeAt, word);
  tapeAt += 4;
}

/** The value starting at p (no space before it); returns its end, 0 when it is not JSON or bails. */
function parseValue(p: usize, depth: i32): usize {
  const c = <u32>load<u8>(p);
  if (c == QUOTE) {
    const end = scanString(p + 1);
    if (end == 0) return 0;
    emitString(p + 1, end);
    return end + 1;
  }
  if (c == 0x5b) return parseArray(p + 1, depth + 1); // [
  if (c == 0x7b) return parseObject(p + 1, depth + 1); // {
  if (c == 0x74) { // true
    if (load<u32>(p) != 0x65757274) return 0;
    emit(TRUE);
    return p + 4;
  }
  if (c == 0x66) { // false
    if (load<u32>(p, 1) != 0x65736c61) return 0;
    emit(FALSE);
    return p + 5;
  }
  if (c == 0x6e) { // null
    if (load<u32>(p) != 0x6c6c756e) return 0;
    emit(NULL);
    return p + 4;
  }
  const end = parseNumber(p);
  if (end != 0) emit(NUMBER);
  return end;
}

/** A string's two words: its length, and its offset or −1 − the id of the same string met before. */
function emitString(start: usize, end: usize): void {
  const length = end - start;
  emit(STRING | (<i32>length << 3));
  if (length <= INTERN_MAX) {
    const id = internedId(start, length);
    if (id >= 0) {
      emit(-1 - id);
      return;
    }
  }
  emit(<i32>(start - text));
  stringCount++;
}

/** The id of an earlier string with the same bytes, or −1 (this one then noted, while there is room). */
function internedId(start: usize, length: usize): i32 {
  // FNV-1a over the bytes.
  let hash: u32 = 0x811c9dc5;
  for (let i: usize = 0; i < length; i++) hash = (hash ^ load<u8>(start + i)) * 0x01000193;
  let at = INTERNED + <usize>(hash & (INTERN_SLOTS - 1)) * SLOT_BYTES;
  while (load<u32>(at) == generation) {
    if (load<u32>(at, 4) == hash && load<i32>(at, 12) == <i32>length && sameBytes(text + <usize>load<i32>(at, 8), start, length)) {
      return load<i32>(at, 16);
    }
    at += SLOT_BYTES;
    if (at == INTERNED + <usize>INTERN_SLOTS * SLOT_BYTES) at = INTERNED;
  }
  if (internedCount < MAX_INTERNED) {
    store<u32>(at, generation);
    store<u32>(at, hash, 4);
    store<i32>(at, <i32>(start - text), 8);
    store<i32>(at, <i32>length, 12);
    store<i32>(at, stringCount, 16);
    internedCount++;
  }
  return -1;
}

function sameBytes(a: usize, b: usize, length: usize): bool {
  for (let i: usize = 0; i < length; i++) if (load<u8>(a + i) != load<u8>(b + i)) return false;
  return true;
}

/** The closing quote of the string whose characters start at p, or 0 (a control character, an escape, non-ASCII, no end). */
function scanString(p: usize): usize {
  let c = <u32>load<u8>(p);
  while (c >= 0x20 && c < 0x80 && c != QUOTE && c != BACKSLASH) c = load<u8>(++p);
  return c == QUOTE ? p : 0;
}

/** The elements after '['; returns the end of the array, or 0. Numbers-only arrays drop their NUMBER events. */
function parseArray(p: usize, depth: i32): usize {
  if (depth > MAX_DEPTH) return 0;
  const start = tapeAt;
  tapeAt += 4;
  p = skipSpace(p);
  let count: i32 = 0;
  let numbersOnly = true;
  if (load<u8>(p) != 0x5d) {
    for (;;) {
      const c = <u32>load<u8>(p);
      if (c == MINUS || c - ZERO < 10) {
        p = parseNumber(p);
        if (p == 0) return 0;
        emit(NUMBER);
      } else {
        numbersOnly = false;
        p = parseValue(p, depth);
        if (p == 0) return 0;
      }
      count++;
      p = skipSpace(p);
      const next = load<u8>(p);
      if (next == 0x5d) break; // ]
      if (next != COMMA) return 0;
      p = skipSpace(p + 1);
    }
  }
  if (numbersOnly) {
    tapeAt = start + 4;
    store<i32>(start, NUMBERS | (count << 3));
  } else {
    store<i32>(start, ARRAY | (count << 3));
  }
  return p + 1;
}

/** The members after '{'; returns the end of the object, or 0. */
function parseObject(p: usize, depth: i32): usize {
  if (depth > MAX_DEPTH) return 0;
  const start = tapeAt;
  tapeAt += 4;
  p = skipSpace(p);
  let count: i32 = 0;
  if (load<u8>(p) != 0x7d) {
    for (;;) {
      if (load<u8>(p) != QUOTE) return 0;
      const key = p + 1;
      const end = scanString(key);
      if (end == 0 || isForbiddenKey(key, end - key)) return 0;
      emitString(key, end);
      p = skipSpace(end + 1);
      if (load<u8>(p) != COLON) return 0;
      p = parseValue(skipSpace(p + 1), depth);
      if (p == 0) return 0;
      count++;
      p = skipSpace(p);
      const next = load<u8>(p);
      if (next == 0x7d) break; // }
      if (next != COMMA) return 0;
      p = skipSpace(p + 1);
    }
  }
  store<i32>(start, OBJECT | (count << 3));
  return p + 1;
}

/** Whether a key is __proto__ or constructor (prototype poisoning: JSON.parse's path refuses them); notes "f64". */
function isForbiddenKey(key: usize, length: usize): bool {
  if (length == 3) {
    if ((load<u32>(key) & 0xffffff) == 0x343666) f64Key = true; // "f64"
    return false;
  }
  if (length == 9) return load<u64>(key) == 0x5f6f746f72705f5f && load<u8>(key, 8) == 0x5f; // "__proto_" "_"
  if (length == 11) return load<u64>(key) == 0x63757274736e6f63 && (load<u32>(key, 8) & 0xffffff) == 0x726f74; // "construc" "tor"
  return false;
}

// @ts-ignore: decorator
@inline function digitAt(p: usize): u32 {
  return <u32>load<u8>(p) - ZERO; // ≥ 10 (wrapping) when not a digit
}

/** Whether the 8 bytes of v are all ASCII digits (fast_float's test: a byte outside '0'…'9' sets a high nibble ≠ 3). */
// @ts-ignore: decorator
@inline function eightDigits(v: u64): bool {
  return ((v & 0xf0f0f0f0f0f0f0f0) | (((v + 0x0606060606060606) & 0xf0f0f0f0f0f0f0f0) >> 4)) == 0x3333333333333333;
}

/** The value of 8 ASCII digits, first digit in the lowest byte (fast_float's SWAR: pairs, then fours, then eight). */
// @ts-ignore: decorator
@inline function eightDigitsValue(v: u64): u64 {
  v -= 0x3030303030303030;
  v = v * 10 + (v >> 8);
  return (((v & 0x000000ff000000ff) * (100 + (<u64>1000000 << 32))) + (((v >> 16) & 0x000000ff000000ff) * (1 + (<u64>10000 << 32)))) >> 32;
}

/**
 * The number starting at p, −?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+−]?[0-9]+)?, written to the
 * numbers; returns its end, or 0.
 */
function parseNumber(p: usize): usize {
  const start = p;
  const negative = load<u8>(p) == MINUS;
  p += <usize>negative;
  let mantissa: u64 = 0;
  let digits: i32 = 0; // significant digits read into mantissa (past 19 it has overflowed)
  let exp10: i32 = 0;
  let d = digitAt(p);
  if (d == 0) {
    p++; // a leading 0 is the whole integer part
  } else if (d < 10) {
    const first = p;
    do {
      mantissa = mantissa * 10 + d;
      d = digitAt(++p);
    } while (d < 10);
    digits = <i32>(p - first);
  } else {
    return 0;
  }
  if (load<u8>(p) == POINT) {
    const point = ++p;
    // 0.000123: the zeros after the point are not significant digits.
    if (mantissa == 0) while (load<u8>(p) == ZERO) p++;
    const first = p;
    // Eight digits at a time while they last: most of our numbers have 16 or 17.
    let eight = load<u64>(p);
    while (eightDigits(eight)) {
      mantissa = mantissa * 100000000 + eightDigitsValue(eight);
      p += 8;
      eight = load<u64>(p);
    }
    d = digitAt(p);
    while (d < 10) {
      mantissa = mantissa * 10 + d;
      d = digitAt(++p);
    }
    if (p == point) return 0;
    digits += <i32>(p - first);
    exp10 = -<i32>(p - point);
  }
  if ((load<u8>(p) | 0x20) == 0x65) { // e or E
    const sign = load<u8>(++p);
    if (sign == MINUS || sign == PLUS) p++;
    d = digitAt(p);
    if (d >= 10) return 0;
    let exponent: i32 = 0;
    do {
      if (exponent < EXPONENT_CAP) exponent = exponent * 10 + <i32>d;
      d = digitAt(++p);
    } while (d < 10);
    exp10 += sign == MINUS ? -exponent : exponent;
  }
  const value = digits > 19 ? NaN : toDouble(mantissa, exp10, negative);
  if (isNaN(value)) {
    if (slowCount == MAX_SLOW) return 0;
    const entry = SLOW + <usize>slowCount * 12;
    store<i32>(entry, numberCount());
    store<i32>(entry, <i32>(start - text), 4);
    store<i32>(entry, <i32>(p - text), 8);
    slowCount++;
  }
  store<f64>(numberAt, value);
  numberAt += 8;
  return p;
}
