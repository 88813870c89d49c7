/** Levenshtein distance, for did-you-mean suggestions. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/** The closest candidate within a third of the word's length, if any. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.ceil(word.length / 3)) + 1;
  for (const candidate of [...candidates].sort()) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}

/** `did you mean "x"?` or a list of the valid choices. */
export function suggest(word: string, candidates: readonly string[], noun = 'one of'): string {
  const match = closest(word, candidates);
  if (match !== undefined) return `did you mean "${match}"?`;
  const shown = [...candidates].sort().slice(0, 12).map((c) => `"${c}"`);
  const more = candidates.length > 12 ? `, … (${candidates.length} in all)` : '';
  return candidates.length ? `use ${noun} ${shown.join(', ')}${more}` : 'nothing is declared here yet';
}
