import { ScalarPathMemo } from '../values/scalar-path-memo.js';
import type { Value, ValueMap } from '../values/value.js';
import { hasKeysInOrder } from '../values/keys.js';

/**
 * Ids (or what is made of them) remembered by the values of flat configs. A node's
 * configs in a sweep have the same keys, in the same order, with scalar values the
 * grid repeats, so the path of their values finds an id where the bytes a config
 * hashes to would have to be made and hashed into a key first. Configs with other keys start the tree over; empty
 * configs, lists, mappings and -0 are left to the caller (see {@link ScalarPathMemo}).
 */
export class ScalarConfigMemo<T extends string | object = string> {
  readonly #paths: ScalarPathMemo<T>;
  /** The keys of the configs in the tree, in order. */
  #keys: readonly string[] = [];

  /** At most `limit` ids are kept: past that the tree starts over. */
  constructor(limit: number) {
    this.#paths = new ScalarPathMemo(limit);
  }

  /**
   * The id remembered for `config`, or undefined: not seen yet (then {@link remember}
   * takes its id) or not a flat config of scalars (then it does nothing).
   */
  find(config: ValueMap): T | undefined {
    if (!hasKeysInOrder(config, this.#keys)) {
      this.#keys = Object.keys(config);
      this.#paths.clear();
    }
    // An empty config (the tree's keys before the first config, too) has no path.
    return this.#keys.length === 0 ? undefined : this.#paths.find(config, this.#keys.length, this.#valueAt);
  }

  /** Remembers the id of the config {@link find} last missed. */
  remember(id: T): void {
    this.#paths.remember(id);
  }

  readonly #valueAt = (config: ValueMap, i: number): Value => config[this.#keys[i] as string] as Value;
}
