/**
 * kwdagger's `depends` (node name → algo id) as the text of the stream ubelt
 * hashes, built from pieces a job shares with its upstream job.
 *
 * `depends` is a plain dict of text to text, so its stream (see `ubeltSerialize`)
 * is `_[_` + the pairs in key order + `_]_`, each pair `_[_TXT<key>_,_TXT<value>_,__]_`
 * and every pair after the second followed by `_,_`. Node names and ids are ASCII
 * (names are validated, ids are base 16/36 digits), so the text is the byte stream,
 * and a job's stream is its upstream job's pairs with its own pair put in place:
 * no dict to copy, sort and serialize per job.
 */

/** One `depends` entry and its serialized pair. */
export interface DependsEntry {
  readonly key: string;
  /** The algo id. */
  readonly value: string;
  readonly pair: string;
}

/** The entries of a `depends` dict, sorted by key. */
export type DependsEntries = readonly DependsEntry[];

export function dependsEntry(key: string, value: string): DependsEntry {
  return { key, value, pair: `_[_TXT${key}_,_TXT${value}_,__]_` };
}

/** `entries` with `entry` set: inserted in key order, or replacing the entry of its key. */
export function withEntry(entries: DependsEntries, entry: DependsEntry): DependsEntry[] {
  const out: DependsEntry[] = [];
  let placed = false;
  for (const e of entries) {
    if (!placed && entry.key <= e.key) {
      out.push(entry);
      placed = true;
      if (entry.key === e.key) continue;
    }
    out.push(e);
  }
  if (!placed) out.push(entry);
  return out;
}

/** Several predecessors' entries merged as `Object.assign` would (the last one of a key wins), then `own`. */
export function mergedEntries(parts: readonly DependsEntries[], own: DependsEntry): DependsEntry[] {
  const byKey = new Map<string, DependsEntry>();
  for (const part of parts) for (const e of part) byKey.set(e.key, e);
  byKey.set(own.key, own);
  return [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** The text ubelt hashes for the dict of `entries` (sorted). */
export function dependsStream(entries: DependsEntries): string {
  let text = '_[_';
  for (let i = 0; i < entries.length; i++) {
    text += (entries[i] as DependsEntry).pair;
    if (i > 0) text += '_,_';
  }
  return `${text}_]_`;
}

/** The text of each entries array's pairs, as its stream holds them between `_[_` and `_]_`. */
const PAIRS_TEXT = new WeakMap<DependsEntries, string>();

/** The pairs of `entries` as their stream holds them, remembered: an upstream job's entries are extended by each job under it. */
function pairsText(entries: DependsEntries): string {
  let text = PAIRS_TEXT.get(entries);
  if (text === undefined) {
    const stream = dependsStream(entries);
    text = stream.slice(3, stream.length - 3);
    PAIRS_TEXT.set(entries, text);
  }
  return text;
}

/**
 * `dependsStream(withEntry(entries, entry))` without making the array. A job's own
 * entry usually sorts after its upstream job's (then it is appended: the entries
 * before it keep their places and separators, and it gets the separator of every
 * pair after the first), so the stream is the upstream pairs' remembered text plus
 * one pair.
 */
export function streamWithEntry(entries: DependsEntries, entry: DependsEntry): string {
  return appendsEntry(entries, entry) ? `_[_${pairsText(entries)}${entry.pair}_,__]_` : dependsStream(withEntry(entries, entry));
}

/** Whether `entry` sorts after every one of `entries`: then their stream with it is {@link streamHead} plus {@link streamTail}. */
export function appendsEntry(entries: DependsEntries, entry: DependsEntry): boolean {
  const last = entries[entries.length - 1];
  return last !== undefined && last.key < entry.key;
}

/** What the stream of `entries` and an entry appended to them starts with. */
export function streamHead(entries: DependsEntries): string {
  return `_[_${pairsText(entries)}`;
}

/** What the stream of some entries and `entry` appended to them ends with. */
export function streamTail(entry: DependsEntry): string {
  return `${entry.pair}_,__]_`;
}
