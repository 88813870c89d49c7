/**
 * The 12 leading base-36 digits of a 512-bit digest, in floating point.
 *
 * An id is the first 12 digits of the digest written in base 36, `floor(n / 36^k)`
 * for the `k` that leaves 12 digits. BigInt division gets it exactly but costs about
 * a microsecond (parse 128 hex digits, compare, divide, print): a million ids spend a
 * second there. Here the quotient comes from the digest's leading 156 bits times a
 * double-double `36^-k` (about 106 bits), which fixes it to within 2^-40; when the
 * product lies that close to an integer, or the digest is short enough that 156 bits
 * are not its whole head, the caller's exact path answers instead (`undefined`).
 * Both happen about once in 2^12 digests (a leading zero byte) or never in practice.
 */

/** Digits of the result, and the chunk the arithmetic works in: 36^4 < 2^21. */
const DIGITS = 12;
const CHUNK = 36 ** 4;
/** A digest read as three 52-bit chunks (13 hex digits each) and where each stands. */
const CHUNK_HEX = 13;
const SCALE_A = 2 ** 460;
const SCALE_B = 2 ** 408;
const SCALE_C = 2 ** 356;
/** Fewer significant bits than this in the first chunk: the head is too short (leading zeros). */
const MIN_FIRST_CHUNK = 2 ** 40;
/** How close to an integer the quotient may come before the exact path is asked. */
const MARGIN = 2 ** -30;
/** Dekker's splitter for doubles: 2^27 + 1. */
const SPLITTER = 134217729;

/** `36^-k` as a double-double, and `36^(k + 12)` as a double: the bound of numbers with `k + 12` digits. */
interface Power {
  readonly hi: number;
  readonly lo: number;
  readonly bound: number;
}

/** Every power a 512-bit digest can need (it has at most 100 base-36 digits). */
const POWERS: readonly Power[] = Array.from({ length: 100 - DIGITS + 1 }, (_, k) => powerOf(k));

function powerOf(k: number): Power {
  // 2^600 / 36^k keeps 150 or more bits of 36^-k: enough for the 106 a double-double holds.
  const scaled = (1n << 600n) / 36n ** BigInt(k);
  const hi = Number(scaled);
  const lo = Number(scaled - BigInt(hi));
  return { hi: hi * 2 ** -600, lo: lo * 2 ** -600, bound: Number(36n ** BigInt(k + DIGITS)) };
}

/** The value of a hex digit's character code, or -1. */
const HEX_VALUE: readonly number[] = Array.from({ length: 128 }, (_, c) => {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
});

/** The 52-bit number written by 13 hex digits from `at`, or NaN for a character that is not one. */
function hexChunk(hex: string, at: number): number {
  let value = 0;
  for (let i = at; i < at + CHUNK_HEX; i++) {
    const digit = HEX_VALUE[hex.charCodeAt(i)] ?? -1;
    if (digit < 0) return Number.NaN;
    value = value * 16 + digit;
  }
  return value;
}

/** `a * b` as an unevaluated sum `product + error`, exactly (Dekker): returns the error. */
function productError(a: number, b: number, product: number): number {
  const ca = SPLITTER * a;
  const aHi = ca - (ca - a);
  const aLo = a - aHi;
  const cb = SPLITTER * b;
  const bHi = cb - (cb - b);
  const bLo = b - bHi;
  return aHi * bHi - product + aHi * bLo + aLo * bHi + aLo * bLo;
}

/**
 * The first 12 base-36 digits of the 128-hex-digit number `hex`, or undefined when the
 * floating-point result is not certain (then the exact path must answer).
 */
export function base36Prefix12(hex: string): string | undefined {
  if (hex.length !== 128) return undefined;
  return prefixOfHead(hexChunk(hex, 0), hexChunk(hex, CHUNK_HEX), hexChunk(hex, 2 * CHUNK_HEX));
}

/**
 * {@link base36Prefix12} of a digest given as its 64 bytes, one character each (Node's
 * `latin1` digest): a third cheaper to get from the hash than hex, and read without parsing.
 */
export function base36Prefix12OfBytes(digest: string): string | undefined {
  if (digest.length !== 64) return undefined;
  // The same three 52-bit chunks as in hex: bytes 0-5 and the high half of byte 6; its low
  // half and bytes 7-12; bytes 13-18 and the high half of byte 19.
  const split6 = digest.charCodeAt(6);
  const a = bytesValue(digest, 0) * 16 + (split6 >> 4);
  const b = (split6 & 15) * 2 ** 48 + bytesValue(digest, 7);
  const c = bytesValue(digest, 13) * 16 + (digest.charCodeAt(19) >> 4);
  return prefixOfHead(a, b, c);
}

/** The 48-bit number of the six bytes from `at`. */
function bytesValue(digest: string, at: number): number {
  let value = 0;
  for (let i = at; i < at + 6; i++) value = value * 256 + digest.charCodeAt(i);
  return value;
}

/** The 12 leading digits of a digest whose first 156 bits are the chunks `a b c` (52 bits each). */
function prefixOfHead(a: number, b: number, c: number): string | undefined {
  if (!(a >= MIN_FIRST_CHUNK)) return undefined;
  if (Number.isNaN(b) || Number.isNaN(c)) return undefined;
  const big = a * SCALE_A;
  // The number of digits: the first power bound above the head (rounding near a bound is caught below).
  let k = POWERS.length - 1;
  while (k > 0 && big < (POWERS[k - 1] as Power).bound) k--;
  const power = POWERS[k] as Power;
  const head = big * power.hi;
  const rest = productError(big, power.hi, head) + big * power.lo + b * SCALE_B * power.hi + b * SCALE_B * power.lo + c * SCALE_C * power.hi;
  const whole = Math.floor(rest);
  const fraction = rest - whole;
  if (fraction < MARGIN || fraction > 1 - MARGIN) return undefined;
  return spellQuotient(head, whole);
}

/**
 * The 12 base-36 digits of `head + whole` (head an integer double of up to 63 bits,
 * whole a small integer), or undefined when the sum does not have 12 digits.
 */
function spellQuotient(head: number, whole: number): string | undefined {
  // Two 32-bit halves, exactly: head is an integer, so the split loses nothing.
  let high = Math.floor(head / 2 ** 32);
  let low = head - high * 2 ** 32 + whole;
  const carry = Math.floor(low / 2 ** 32);
  high += carry;
  low -= carry * 2 ** 32;
  if (high < 0 || high >= 2 ** 32) return undefined;
  // The sum in 16-bit limbs is high's two and low's two. Divided by 36^4 limb by limb (each
  // step below 2^37, exact); the first step's quotient is high / 36^4, as high < 2^32.
  const q2 = Math.floor(high / CHUNK);
  let v = (high - q2 * CHUNK) * 65536 + Math.floor(low / 65536);
  const q1 = Math.floor(v / CHUNK);
  v = (v - q1 * CHUNK) * 65536 + (low % 65536);
  const q0 = Math.floor(v / CHUNK);
  const d0 = v - q0 * CHUNK;
  // The quotient, limbs q2 q1 q0 (q2 < 2^12), divided again: q2 * 65536 + q1 < 2^28 is exact.
  v = q2 * 65536 + q1;
  const r1 = Math.floor(v / CHUNK);
  v = (v - r1 * CHUNK) * 65536 + q0;
  const r0 = Math.floor(v / CHUNK);
  const d1 = v - r0 * CHUNK;
  const d2 = r1 * 65536 + r0;
  // 12 digits: the top chunk has exactly 4.
  if (d2 < 36 ** 3 || d2 >= CHUNK) return undefined;
  return String.fromCharCode(
    digitCode(d2, 46656), digitCode(d2, 1296), digitCode(d2, 36), digitCode(d2, 1),
    digitCode(d1, 46656), digitCode(d1, 1296), digitCode(d1, 36), digitCode(d1, 1),
    digitCode(d0, 46656), digitCode(d0, 1296), digitCode(d0, 36), digitCode(d0, 1),
  );
}

/** The character codes of `0-9a-z`. */
const DIGIT_CODES: readonly number[] = Array.from('0123456789abcdefghijklmnopqrstuvwxyz', (c) => c.charCodeAt(0));

/** The code of the base-36 digit of `chunk` worth `place` (1, 36, 36^2 or 36^3). */
function digitCode(chunk: number, place: number): number {
  return DIGIT_CODES[Math.floor(chunk / place) % 36] as number;
}
