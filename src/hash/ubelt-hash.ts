import crypto from 'node:crypto';
import { isUnorderedMap, isValueList, type Value, type ValueMap } from '../values/value.js';

/**
 * Byte-exact port of ubelt's `hash_data` serialization (ubelt 1.4.2, the one
 * kwdagger ids are made with). Bytes are carried in "binary" strings (one char
 * per byte) because that is the cheapest way to build them in JavaScript.
 */

const SEP = '_,_';
const ITER_PREFIX = '_[_';
const ITER_SUFFIX = '_]_';

/** A value ubelt cannot hash (a non-finite float). */
export class UnhashableValueError extends Error {
  constructor(readonly value: Value) {
    super(`cannot hash ${String(value)}`);
    this.name = 'UnhashableValueError';
  }
}

const ASCII = /^[\x00-\x7f]*$/;

function utf8Binary(text: string): string {
  return ASCII.test(text) ? text : Buffer.from(text, 'utf8').toString('latin1');
}

/** ubelt `_int_to_bytes`: big-endian two's complement in `(bit_length + 1) / 8` bytes, rounded up. */
export function intBytes(n: bigint): string {
  const magnitude = n < 0n ? -n : n;
  const bitLength = magnitude === 0n ? 0 : magnitude.toString(2).length;
  const length = Math.ceil((bitLength + 1) / 8);
  const modulus = 1n << BigInt(8 * length);
  const hex = (((n % modulus) + modulus) % modulus).toString(16).padStart(2 * length, '0');
  let out = '';
  for (let i = 0; i < hex.length; i += 2) out += String.fromCharCode(parseInt(hex.slice(i, i + 2), 16));
  return out;
}

/** Python's `float.as_integer_ratio()`: the exact value as a reduced fraction. */
export function floatRatio(x: number): [bigint, bigint] {
  if (!Number.isFinite(x)) throw new UnhashableValueError(x);
  if (x === 0) return [0n, 1n];
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exponent = biased === 0 ? -1074 : biased - 1075;
  if (biased !== 0) mantissa |= 1n << 52n;
  while (exponent < 0 && (mantissa & 1n) === 0n) {
    mantissa >>= 1n;
    exponent += 1;
  }
  const sign = x < 0 ? -1n : 1n;
  if (exponent >= 0) return [sign * (mantissa << BigInt(exponent)), 1n];
  return [sign * mantissa, 1n << BigInt(-exponent)];
}

/** Sorted (DICT) or written (ODICT) key order of a mapping. */
function pairsOf(map: ValueMap, sorted: boolean): Value[] {
  const keys = Object.keys(map);
  if (sorted) keys.sort();
  return keys.map((k) => [k, map[k] as Value]);
}

/** `_convert_to_hashable` for everything that is not a sequence: [prefix, bytes]. */
function hashable(value: Value): [string, string] {
  switch (typeof value) {
    case 'string':
      return ['TXT', utf8Binary(value)];
    case 'bigint':
      return ['INT', intBytes(value)];
    case 'boolean':
      return ['INT', value ? '\x01' : '\x00'];
    case 'number': {
      const [num, den] = floatRatio(value);
      return ['FLT', `${intBytes(num)}/${intBytes(den)}`];
    }
    default:
      break;
  }
  if (value === null) return ['NULL', 'NONE'];
  const map = value as ValueMap;
  const unordered = isUnorderedMap(map);
  return [unordered ? 'DICT' : 'ODICT', serialize(pairsOf(map, unordered), true)];
}

/**
 * ubelt `_update_hasher`. Its known quirk is kept: once a sequence meets an
 * item that is itself a sequence, that item gets no separator after it, while
 * every later item does.
 */
function serialize(value: Value, types: boolean): string {
  if (!isValueList(value)) {
    const [prefix, bytes] = hashable(value);
    return types ? prefix + bytes : bytes;
  }
  let out = ITER_PREFIX;
  let i = 0;
  for (; i < value.length && !isValueList(value[i]); i++) {
    const [prefix, bytes] = hashable(value[i] as Value);
    out += (types ? prefix : '') + bytes + SEP;
  }
  if (i < value.length) {
    out += serialize(value[i] as Value, types);
    for (i += 1; i < value.length; i++) out += serialize(value[i] as Value, types) + SEP;
  }
  return out + ITER_SUFFIX;
}

/**
 * The bytes `ub.hash_data(data)` feeds sha512. A top-level mapping is a plain
 * dict (kwdagger's configs are), so its keys are sorted.
 */
export function ubeltSerialize(data: Value): Buffer {
  return Buffer.from(serializeTop(data), 'latin1');
}

function serializeTop(data: Value): string {
  const isMap = !isValueList(data) && typeof data === 'object' && data !== null;
  return isMap ? serialize(pairsOf(data as ValueMap, true), true) : serialize(data, false);
}

/** One-shot sha512 hex; `crypto.hash` (Node ≥ 20.12) skips a Hash object per id. */
const sha512Hex: (bytes: string) => string =
  typeof crypto.hash === 'function'
    ? (bytes) => crypto.hash('sha512', ASCII.test(bytes) ? bytes : Buffer.from(bytes, 'latin1'), 'hex')
    : (bytes) => crypto.createHash('sha512').update(bytes, 'latin1').digest('hex');

const BASE26 = 'abcdefghijklmnopqrstuvwxyz';

function toBase26(n: bigint): string {
  if (n === 0n) return 'a';
  let out = '';
  for (; n > 0n; n /= 26n) out = BASE26[Number(n % 26n)] + out;
  return out;
}

/** `ub.hash_data(data, base=…)`: sha512 over the serialization, as hex or the whole number in base 36 or 26. */
export function hashData(data: Value, base: 16 | 26 | 36): string {
  const hex = sha512Hex(serializeTop(data));
  if (base === 16) return hex;
  const n = BigInt(`0x${hex}`);
  return base === 36 ? n.toString(36) : toBase26(n);
}
