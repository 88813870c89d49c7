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
  readonly pair: string;
}

/** The entries of a `depends` dict, sorted by key. */
export type DependsEntries = readonly DependsEntry[];

export function dependsEntry(key: string, value: string): DependsEntry {
  return { key, pair: `_[_TXT${key}_,_TXT${value}_,__]_` };
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
