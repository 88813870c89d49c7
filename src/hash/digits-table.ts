/**
 * Values by the hash digits of an id: one node's jobs by process id, for merging grid
 * rows into jobs (and the hashing thread's record of the digits it answered). The table
 * is keyed by a number hashed from the digits alone, not from the whole id text: a `Map`
 * of a million fresh `<node>_id_<digits>` strings spends most of its time flattening
 * and hashing them and chasing its own entries. Open addressing over an `Int32Array`;
 * equal keys are told apart by the digits, given as `D` (a string, or where they are).
 */
export class DigitsTable<T, D = string> {
  /**
   * Per shard (chosen by the key's top bits), per slot two numbers: entry index + 1
   * (0 = empty) and the entry's key. Shards grow one at a time: growing one table of a
   * million entries stopped the hashing thread for 20–40 ms (the builder waited for it),
   * a shard's growth takes a sixty-fourth of that.
   */
  readonly #shards: Int32Array[] = Array.from({ length: SHARDS }, () => new Int32Array(2 * FIRST_SHARD_SLOTS));
  /** Per shard, its entries. */
  readonly #counts = new Int32Array(SHARDS);
  #values: T[] = [];
  /** Whether a stored value is the one of these digits (values name their digits; the table keeps no copy). */
  readonly #hasDigits: (value: T, digits: D) => boolean;

  constructor(hasDigits: (value: T, digits: D) => boolean) {
    this.#hasDigits = hasDigits;
  }

  get size(): number {
    return this.#values.length;
  }

  /** The value stored for `digits`, whose key is `key` (see {@link digitsKey}). */
  get(key: number, digits: D): T | undefined {
    const slots = this.#shards[key >>> SHARD_SHIFT] as Int32Array;
    const mask = (slots.length >> 1) - 1;
    for (let at = key & mask; ; at = (at + 1) & mask) {
      const entry = slots[2 * at] as number;
      if (entry === 0) return undefined;
      if (slots[2 * at + 1] === key && this.#hasDigits(this.#values[entry - 1] as T, digits)) return this.#values[entry - 1];
    }
  }

  /** Stores a value for digits not in the table yet (its key is `key`). */
  add(key: number, value: T): void {
    const shard = key >>> SHARD_SHIFT;
    const count = (this.#counts[shard] as number) + 1;
    this.#counts[shard] = count;
    let slots = this.#shards[shard] as Int32Array;
    // At most half the slots are used: probes stay short.
    if (4 * count > slots.length) this.#shards[shard] = slots = grown(slots);
    this.#values.push(value);
    place(slots, key, this.#values.length);
  }
}

/** Shards of a {@link DigitsTable}, by the top bits of the key. */
const SHARD_BITS = 6;
const SHARDS = 1 << SHARD_BITS;
const SHARD_SHIFT = 32 - SHARD_BITS;
const FIRST_SHARD_SLOTS = 8;

function place(slots: Int32Array, key: number, entry: number): void {
  const mask = (slots.length >> 1) - 1;
  let at = key & mask;
  while (slots[2 * at] !== 0) at = (at + 1) & mask;
  slots[2 * at] = entry;
  slots[2 * at + 1] = key;
}

function grown(old: Int32Array): Int32Array {
  const slots = new Int32Array(2 * old.length);
  for (let at = 0; at < old.length; at += 2) if (old[at] !== 0) place(slots, old[at + 1] as number, old[at] as number);
  return slots;
}

/** A table key for id digits (FNV-1a over their characters). */
export function digitsKey(digits: string): number {
  let key = 0x811c9dc5;
  for (let i = 0; i < digits.length; i++) key = Math.imul(key ^ digits.charCodeAt(i), 0x01000193);
  return key | 0;
}
