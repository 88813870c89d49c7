import type { Value, ValueMap } from '../values/value.js';

/** A level of the tree: a value of one key → the next level, or the remembered id at the last key. */
type Level = Map<Value, Level | string>;

/**
 * Ids remembered by the values of flat configs. A node's configs in a sweep have the
 * same keys, in the same order, with scalar values that the grid repeats (the very
 * same objects, or equal numbers), so a tree of maps with one level per key finds an
 * id by a few map lookups, where the bytes a config hashes to would have to be made
 * and hashed into a key first.
 *
 * Map keys compare as SameValueZero, which is what two configs hashing alike needs
 * for scalars: `1n`, `1`, `true` and `'1'` stay apart (so do int and float, as bigint
 * and number), and all NaNs hash alike. Only -0 is told apart from 0 by hashing, so a
 * config holding it, a list or a mapping is left to the caller.
 */
export class ScalarConfigMemo {
  readonly #limit: number;
  /** The keys of the configs in the tree, in order. */
  #keys: readonly string[] = [];
  #root: Level = new Map();
  #size = 0;
  /** Where {@link find} stopped: the last level and the last value, for {@link remember}. */
  #level: Level | undefined;
  #value: Value = null;

  /** At most `limit` ids are kept: past that the tree starts over. */
  constructor(limit: number) {
    this.#limit = limit;
  }

  /**
   * The id remembered for `config`, or undefined: not seen yet (then {@link remember}
   * takes its id) or not a flat config of scalars (then it does nothing).
   */
  find(config: ValueMap): string | undefined {
    this.#level = undefined;
    const shape = this.#shapeOf(config);
    if (shape === NOT_FLAT) return undefined;
    if (shape === OTHER_KEYS) {
      this.#keys = Object.keys(config);
      this.#root = new Map();
      this.#size = 0;
    }
    const keys = this.#keys;
    let level = this.#root;
    const last = keys.length - 1;
    for (let i = 0; i < last; i++) {
      const value = config[keys[i] as string] as Value;
      let next = level.get(value);
      if (next === undefined) level.set(value, (next = new Map()));
      level = next as Level;
    }
    this.#level = level;
    this.#value = config[keys[last] as string] as Value;
    const id = level.get(this.#value);
    return typeof id === 'string' ? id : undefined;
  }

  /** Remembers the id of the config {@link find} last missed. */
  remember(id: string): void {
    const level = this.#level;
    if (level === undefined) return;
    if (this.#size >= this.#limit) {
      this.#root = new Map();
      this.#size = 0;
      this.#level = undefined;
      return;
    }
    level.set(this.#value, id);
    this.#size += 1;
    this.#level = undefined;
  }

  /** Whether the config is flat, and if so whether its keys are the tree's, in order (without making a key array). */
  #shapeOf(config: ValueMap): typeof SAME_KEYS | typeof OTHER_KEYS | typeof NOT_FLAT {
    const keys = this.#keys;
    let same = true;
    let i = 0;
    for (const key in config) {
      if (!isMemoScalar(config[key] as Value)) return NOT_FLAT;
      if (keys[i] !== key) same = false;
      i++;
    }
    if (i === 0) return NOT_FLAT;
    return same && i === keys.length ? SAME_KEYS : OTHER_KEYS;
  }
}

const SAME_KEYS = 0;
const OTHER_KEYS = 1;
const NOT_FLAT = 2;

function isMemoScalar(value: Value): boolean {
  return typeof value === 'object' ? value === null : !Object.is(value, -0);
}
