import crypto from 'node:crypto';
import { isUnorderedMap, type Value, type ValueMap } from '../values/value.js';
import { convertHexBase, digestPrefix, type HashBase } from './base-convert.js';
import { ScalarConfigMemo } from './scalar-memo.js';

/**
 * Byte-exact port of ubelt's `hash_data` (ubelt 1.4.2, the version kwdagger
 * ids are made with): `_update_hasher` / `_convert_to_hashable` write a byte
 * stream that sha512 digests. The stream is built in one reusable buffer, since
 * a large grid hashes millions of small configs.
 */

export type { HashBase } from './base-convert.js';

/**
 * A value ubelt cannot hash: outside the value domain (ubelt raises
 * `TypeError`) or text with a lone surrogate (Python's utf-8 encoder raises).
 */
export class UnhashableValueError extends Error {
  constructor(
    readonly value: unknown,
    what = `a value of type ${typeof value}`,
  ) {
    super(`cannot hash ${what}`);
    this.name = 'UnhashableValueError';
  }
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** A growable byte buffer, reset for every stream; serialization is synchronous, so one is enough. */
class ByteWriter {
  bytes = Buffer.allocUnsafe(4096);
  length = 0;

  reserve(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    const grown = Buffer.allocUnsafe(Math.max(2 * this.bytes.length, this.length + extra));
    this.bytes.copy(grown, 0, 0, this.length);
    this.bytes = grown;
  }

  /** Text known to be ASCII (longer type prefixes, nan and inf). */
  ascii(text: string): void {
    this.reserve(text.length);
    for (let i = 0; i < text.length; i++) this.bytes[this.length++] = text.charCodeAt(i);
  }

  /** Python's `str.encode('utf-8')`, which refuses lone surrogates. */
  utf8(text: string): void {
    this.reserve(3 * text.length);
    const start = this.length;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0x80) {
        if (LONE_SURROGATE.test(text)) throw new UnhashableValueError(text, 'text with a lone surrogate');
        this.length = start + this.bytes.write(text, start, 'utf8');
        return;
      }
      this.bytes[this.length++] = c;
    }
  }

  /** Three ASCII bytes: every structure token and most type prefixes, written without a loop. */
  three(a: number, b: number, c: number): void {
    this.reserve(3);
    const at = this.length;
    this.bytes[at] = a;
    this.bytes[at + 1] = b;
    this.bytes[at + 2] = c;
    this.length = at + 3;
  }

  /** `_,_` */
  sep(): void {
    this.three(0x5f, 0x2c, 0x5f);
  }

  /** `_[_` */
  open(): void {
    this.three(0x5f, 0x5b, 0x5f);
  }

  /** `_]_` */
  close(): void {
    this.three(0x5f, 0x5d, 0x5f);
  }

  byte(value: number): void {
    this.reserve(1);
    this.bytes[this.length++] = value;
  }

  view(): Buffer {
    return this.bytes.subarray(0, this.length);
  }
}

const SLASH = 0x2f;

/** `2 ** (8k - 1)`: the first int that needs more than k bytes (k = 1..7). */
const BYTE_LIMITS = [0, 2 ** 7, 2 ** 15, 2 ** 23, 2 ** 31, 2 ** 39, 2 ** 47, 2 ** 55];

/**
 * ubelt `_int_to_bytes` for a safe integer: big-endian two's complement in
 * `ceil((bit_length + 1) / 8)` bytes, where `bit_length` is that of the
 * magnitude (so -128 takes two bytes). Floor division keeps negatives exact.
 */
function writeSmallInt(out: ByteWriter, n: number): void {
  const magnitude = Math.abs(n);
  let size = 1;
  while (magnitude >= (BYTE_LIMITS[size] as number)) size++;
  out.reserve(size);
  for (let i = out.length + size - 1; i >= out.length; i--) {
    const high = Math.floor(n / 256);
    out.bytes[i] = n - high * 256;
    n = high;
  }
  out.length += size;
}

/** Python's `int.bit_length()`: the bit length of the magnitude. */
function bitLength(n: bigint): number {
  if (n === 0n) return 0;
  const hex = (n < 0n ? -n : n).toString(16);
  return 4 * (hex.length - 1) + (32 - Math.clz32(parseInt(hex[0] as string, 16)));
}

function writeBigInt(out: ByteWriter, n: bigint): void {
  const size = Math.ceil((bitLength(n) + 1) / 8);
  const twos = n < 0n ? (1n << BigInt(8 * size)) + n : n;
  out.reserve(size);
  out.bytes.write(twos.toString(16).padStart(2 * size, '0'), out.length, 'hex');
  out.length += size;
}

function writeInt(out: ByteWriter, n: bigint): void {
  if (n > -0x20000000000000n && n < 0x20000000000000n) writeSmallInt(out, Number(n));
  else writeBigInt(out, n);
}

/** `2 ** k` in `_int_to_bytes` form: a single set bit. */
function writePowerOfTwo(out: ByteWriter, k: number): void {
  const size = Math.ceil((k + 2) / 8);
  out.reserve(size);
  for (let i = out.length; i < out.length + size; i++) out.bytes[i] = 0;
  out.bytes[out.length + size - 1 - Math.floor(k / 8)] = 1 << k % 8;
  out.length += size;
}

const FLOAT_BITS = new DataView(new ArrayBuffer(8));

function trailingZeros32(word: number): number {
  return 31 - Math.clz32(word & -word);
}

/**
 * `FLT` payload: `int(num) + b'/' + int(den)` from Python's exact
 * `float.as_integer_ratio()`, read off the IEEE-754 bits (den is a power of
 * two). ubelt writes nan and ±inf, which have no ratio, as `str(float)`.
 */
function writeFloat(out: ByteWriter, x: number): void {
  if (!Number.isFinite(x)) {
    out.ascii(Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf');
    return;
  }
  FLOAT_BITS.setFloat64(0, x);
  const hi = FLOAT_BITS.getUint32(0);
  const lo = FLOAT_BITS.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  const mantHi = (hi & 0xfffff) | (biased === 0 ? 0 : 0x100000);
  if (mantHi === 0 && lo === 0) {
    out.three(0, SLASH, 1); // 0.0 and -0.0 are 0/1
    return;
  }
  let exponent = biased === 0 ? -1074 : biased - 1075;
  const zeros = lo !== 0 ? trailingZeros32(lo) : 32 + trailingZeros32(mantHi);
  const shift = exponent < 0 ? Math.min(zeros, -exponent) : 0;
  let mantissa = (mantHi * 2 ** 32 + lo) / 2 ** shift; // exact: below 2 ** 53
  exponent += shift;
  if (x < 0) mantissa = -mantissa;
  if (exponent >= 0) {
    const whole = mantissa * 2 ** exponent;
    if (Math.abs(whole) < 2 ** 53) writeSmallInt(out, whole);
    else writeBigInt(out, BigInt(mantissa) << BigInt(exponent));
    out.byte(SLASH);
    out.byte(1);
    return;
  }
  writeSmallInt(out, mantissa);
  out.byte(SLASH);
  writePowerOfTwo(out, -exponent);
}

/** Python's `sorted` on str keys compares code points; JS `<` compares UTF-16 units (they differ only past U+FFFF). */
const SURROGATE = /[\ud800-\udfff]/;

function byCodePoint(a: string, b: string): number {
  const x = [...a].map((c) => c.codePointAt(0) as number);
  const y = [...b].map((c) => c.codePointAt(0) as number);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
  return x.length - y.length;
}

/** Insertion sort: configs have a handful of keys, where it beats `Array.prototype.sort`. */
function sortedKeys(map: ValueMap): string[] {
  const keys = Object.keys(map);
  if (keys.length < 2) return keys;
  if (keys.length > 16) keys.sort();
  else {
    for (let i = 1; i < keys.length; i++) {
      const key = keys[i] as string;
      let j = i - 1;
      for (; j >= 0 && (keys[j] as string) > key; j--) keys[j + 1] = keys[j] as string;
      keys[j + 1] = key;
    }
  }
  return keys.some((k) => SURROGATE.test(k)) ? keys.sort(byCodePoint) : keys;
}

/**
 * A mapping's hashable: the list of `(key, value)` tuples, always with type
 * prefixes (ubelt's `_hashable_sequence(..., types=True)`). Every item is a
 * tuple, so the whole list takes the recursive path: no separator after the
 * first pair. Inside a pair, a sequence value is the first sequence item, so
 * it gets no separator either.
 */
function writeMapping(out: ByteWriter, map: ValueMap, keys: readonly string[]): void {
  out.open();
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const value = map[key] as Value;
    out.open();
    out.three(0x54, 0x58, 0x54); // TXT
    out.utf8(key);
    out.sep();
    if (Array.isArray(value)) writeSequence(out, value, true);
    else {
      writeScalar(out, value, true);
      out.sep();
    }
    out.close();
    if (i > 0) out.sep();
  }
  out.close();
}

/** `_convert_to_hashable`: `prefix + hashable` for everything but a sequence (a mapping counts as a scalar). */
function writeScalar(out: ByteWriter, value: Value, types: boolean): void {
  switch (typeof value) {
    case 'string':
      if (types) out.three(0x54, 0x58, 0x54); // TXT
      out.utf8(value);
      return;
    case 'bigint':
      if (types) out.three(0x49, 0x4e, 0x54); // INT
      writeInt(out, value);
      return;
    case 'boolean': // bool is an int subclass: True hashes as 1
      if (types) out.three(0x49, 0x4e, 0x54); // INT
      out.byte(value ? 1 : 0);
      return;
    case 'number':
      if (types) out.three(0x46, 0x4c, 0x54); // FLT
      writeFloat(out, value);
      return;
    case 'object': {
      if (value === null) {
        out.ascii(types ? 'NULLNONE' : 'NONE');
        return;
      }
      const map = value as ValueMap;
      const plain = isUnorderedMap(map);
      if (types) out.ascii(plain ? 'DICT' : 'ODICT');
      writeMapping(out, map, plain ? sortedKeys(map) : Object.keys(map));
      return;
    }
    default:
      throw new UnhashableValueError(value);
  }
}

/**
 * `_update_hasher` on a list or tuple. ubelt's known separator bug is kept:
 * items are written `item _,_` until the first item that is itself a
 * sequence; that one is written with no separator after it, and every later
 * item, sequence or not, is followed by one.
 */
function writeSequence(out: ByteWriter, items: readonly Value[], types: boolean): void {
  out.open();
  let i = 0;
  for (; i < items.length && !Array.isArray(items[i]); i++) {
    writeScalar(out, items[i] as Value, types);
    out.sep();
  }
  if (i < items.length) {
    writeSequence(out, items[i] as readonly Value[], types);
    for (i += 1; i < items.length; i++) {
      writeValue(out, items[i] as Value, types);
      out.sep();
    }
  }
  out.close();
}

function writeValue(out: ByteWriter, value: Value, types: boolean): void {
  if (Array.isArray(value)) writeSequence(out, value, types);
  else writeScalar(out, value, types);
}

const WRITER = new ByteWriter();

/**
 * Fills the shared writer with the stream for `data`. A top-level mapping is a
 * plain dict (kwdagger's configs and `depends` are), so its keys are sorted
 * whatever its origin.
 */
function fill(data: Value, types: boolean): ByteWriter {
  WRITER.length = 0;
  if (data !== null && typeof data === 'object' && !Array.isArray(data)) {
    if (types) WRITER.ascii('DICT');
    writeMapping(WRITER, data as ValueMap, sortedKeys(data as ValueMap));
  } else writeValue(WRITER, data, types);
  return WRITER;
}

/**
 * The bytes `ub.hash_data(data)` feeds sha512 (`types=False` at the top, as
 * kwdagger calls it; `types` = true gives `ub.hash_data(data, types=True)`).
 */
export function ubeltSerialize(data: Value, types = false): Buffer {
  return Buffer.from(fill(data, types).view());
}

/** sha512 as hex; one-shot `crypto.hash` (Node ≥ 20.12) saves a Hash object per id. Text is hashed as UTF-8. */
export function sha512Hex(data: string | Uint8Array): string {
  return crypto.hash('sha512', data, 'hex');
}

/** sha512 as its 64 bytes, one character each (`binary`, that is `latin1`): cheaper than hex for what reads the bytes (see `digestPrefix`). */
function sha512Bytes(data: string | Uint8Array): string {
  return crypto.hash('sha512', data, 'binary');
}

/**
 * The first `length` digits in `base` of the sha512 of `data`: how every id is made
 * from its stream, on either thread (the hashing thread must give what this one does).
 */
export function sha512Prefix(data: string | Uint8Array, base: HashBase, length: number): string {
  return digestPrefix(sha512Bytes(data), base, length);
}

function digestHex(data: Value): string {
  return sha512Hex(fill(data, false).view());
}

/** `ub.hash_data(data, base=base)`: the sha512 digest, in hex or the whole number in base 36 or 26. */
export function hashData(data: Value, base: HashBase): string {
  return convertHexBase(digestHex(data), base);
}

/** `ub.hash_data(data, base=base)[:length]`, without converting digits that are cut off. */
export function hashDataPrefix(data: Value, base: HashBase, length: number): string {
  return sha512Prefix(fill(data, false).view(), base, length);
}

/**
 * `prefix` plus {@link hashDataPrefix}, remembered. In a sweep a node's own config
 * repeats across rows (every upstream combination meets the same values), so most of
 * its ids are found instead of being hashed again: flat configs of scalars by their
 * values (see {@link ScalarConfigMemo}), others by the bytes they serialize to. At
 * most `limit` ids are kept in each: past that the memo starts over.
 */
export function memoizedHashPrefix(prefix: string, base: HashBase, length: number, limit = 1 << 16): (data: Value) => string {
  const ids = new Map<string, string>();
  const byValues = new ScalarConfigMemo(limit);
  return (data) => {
    const flat = data !== null && typeof data === 'object' && !Array.isArray(data);
    let id = flat ? byValues.find(data as ValueMap) : undefined;
    if (id !== undefined) return id;
    const stream = fill(data, false);
    const key = stream.bytes.toString('latin1', 0, stream.length);
    id = ids.get(key);
    if (id === undefined) {
      id = prefix + sha512Prefix(stream.view(), base, length);
      if (ids.size >= limit) ids.clear();
      ids.set(key, id);
    }
    if (flat) byValues.remember(id);
    return id;
  };
}
