/**
 * ubelt `_convert_hexstr_base`: the whole digest, read as one number, written
 * in base 36 (`0-9a-z`) or base 26 (`a-z`) without leading zeros. Ids then
 * keep the most significant digits, so the full conversion is only needed when
 * the whole string is asked for; a prefix takes two BigInt divisions, or (the
 * ids' 12 base-36 digits) floating point when that is certain (`base36-prefix.ts`).
 */

import { base36Prefix12, base36Prefix12OfBytes } from './base36-prefix.js';

/** The digest bases ubelt names: hex, `alphanum` and `abc`. */
export type HashBase = 16 | 26 | 36;

/** BigInt's base-26 digits `0-9a-p`, shifted onto ubelt's `a-z`. */
function base26Digits(radix26: string): string {
  let out = '';
  for (let i = 0; i < radix26.length; i++) {
    const c = radix26.charCodeAt(i);
    out += String.fromCharCode(c <= 0x39 ? c + 49 : c + 10);
  }
  return out;
}

function spell(n: bigint, base: 26 | 36): string {
  return base === 36 ? n.toString(36) : base26Digits(n.toString(26));
}

/** `POWERS[base][k] = base ** k`, up to the first power above any 512-bit digest. */
const POWERS = new Map<number, bigint[]>();

function powersOf(base: 26 | 36): bigint[] {
  let table = POWERS.get(base);
  if (table) return table;
  table = [1n];
  for (let p = 1n; p < 1n << 520n; ) table.push((p *= BigInt(base)));
  POWERS.set(base, table);
  return table;
}

/** How many digits `n` (> 0) has in `base`. */
function digitCount(n: bigint, powers: readonly bigint[]): number {
  let digits = powers.length - 1;
  while (digits > 1 && n < (powers[digits - 1] as bigint)) digits--;
  return digits;
}

/** The digest `hex` in `base`, as ubelt spells it (zero is `'0'` in every base, as in ubelt). */
export function convertHexBase(hex: string, base: HashBase): string {
  if (base === 16) return hex;
  const n = BigInt(`0x${hex}`);
  return n === 0n ? '0' : spell(n, base);
}

/** The first `length` characters of {@link convertHexBase}, without converting the whole number. */
export function convertHexBasePrefix(hex: string, base: HashBase, length: number): string {
  if (base === 16) return hex.slice(0, length);
  // The ids' case (12 digits of a 512-bit digest in base 36) in floating point, when it is certain.
  const fast = base === 36 && length <= 12 ? base36Prefix12(hex) : undefined;
  if (fast !== undefined) return length === 12 ? fast : fast.slice(0, length);
  const n = BigInt(`0x${hex}`);
  if (n === 0n) return '0'.slice(0, length);
  const powers = powersOf(base);
  const digits = digitCount(n, powers);
  if (digits <= length || n >= (powers[powers.length - 1] as bigint)) return spell(n, base).slice(0, length);
  // floor(n / base^(digits - length)) has exactly `length` digits: the leading ones of n.
  return spell(n / (powers[digits - length] as bigint), base);
}

/**
 * {@link convertHexBasePrefix} of a digest given as its bytes, one character each (Node's
 * `latin1` digest, which the hash makes faster than hex): what ids are made from.
 */
export function digestPrefix(digest: string, base: HashBase, length: number): string {
  if (base === 16) return leadingHex(digest, length);
  const fast = base === 36 && length <= 12 ? base36Prefix12OfBytes(digest) : undefined;
  if (fast !== undefined) return length === 12 ? fast : fast.slice(0, length);
  return convertHexBasePrefix(Buffer.from(digest, 'latin1').toString('hex'), base, length);
}

const HEX_DIGITS = '0123456789abcdef';

/** The first `length` hex digits of the bytes `digest`. */
function leadingHex(digest: string, length: number): string {
  let hex = '';
  for (let i = 0; hex.length < length && i < digest.length; i++) {
    const byte = digest.charCodeAt(i);
    hex += HEX_DIGITS[byte >> 4] as string;
    hex += HEX_DIGITS[byte & 15] as string;
  }
  return hex.slice(0, length);
}
