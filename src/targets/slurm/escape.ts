import { WORD_LINE_BREAK, shellQuoteWithTraits, wordTraits } from '../shared/shell-quote.js';

/** How a bash word spells a newline or CR without holding one. */
const CONTROL_WORDS: Readonly<Record<string, string>> = { '\n': "$'\\n'", '\r': "$'\\r'" };

/**
 * One word of a job table line: a bash word that `eval "set -- $line"` turns back
 * into exactly `word`. Single-quoted like any shell word, except that newlines and
 * CRs are spelled `$'\n'` / `$'\r'`, so every job stays on one line of the table.
 */
export function tableWord(word: string): string {
  const traits = wordTraits(word);
  if ((traits & WORD_LINE_BREAK) === 0) return shellQuoteWithTraits(word, traits);
  return word
    .split(/([\n\r])/)
    .map((piece, i) => (i % 2 === 1 ? (CONTROL_WORDS[piece] as string) : piece && tableWord(piece)))
    .join('');
}

/** Words joined into one job table line (no newline inside). */
export function tableLine(words: readonly string[]): string {
  return words.map(tableWord).join(' ');
}

/** Text for a `#` comment line: control characters would end it, so they become `?`. */
export function commentText(text: string): string {
  return text.replace(/[\x00-\x1f\x7f]/g, '?');
}

/** Sorted distinct indices as Slurm's `--array` ranges, e.g. `0-3,7,9-10`. */
export function indexRanges(indices: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < indices.length; ) {
    const start = indices[i] as number;
    let end = start;
    while (i + 1 < indices.length && indices[i + 1] === end + 1) {
      i += 1;
      end += 1;
    }
    i += 1;
    parts.push(start === end ? String(start) : `${start}-${end}`);
  }
  return parts.join(',');
}

/** `%` starts a pattern in sbatch's --output/--error (`%A`, `%a`, ...); `%%` is a literal one. */
export function sbatchPathText(path: string): string {
  return path.replaceAll('%', '%%');
}
