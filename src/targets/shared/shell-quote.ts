/** Characters a POSIX shell word may hold without quoting (no glob, no expansion, no separator). */
const SAFE_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_@%+=:,./-';
/** Characters of a shell variable name: `NAME=...` as a bare word would be an assignment. */
const NAME_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_';

// Lookup tables and one scan instead of regexes: quoting runs for every argument of a million jobs.
const SAFE = charTable(SAFE_CHARS);
const NAME = charTable(NAME_CHARS);

function charTable(chars: string): Uint8Array {
  const table = new Uint8Array(128);
  for (let i = 0; i < chars.length; i += 1) table[chars.charCodeAt(i)] = 1;
  return table;
}

/** Bits of {@link wordTraits}. */
export const WORD_UNSAFE = 1;
export const WORD_SINGLE_QUOTE = 2;
export const WORD_DOLLAR = 4;
/** A newline or CR. */
export const WORD_LINE_BREAK = 8;
export const WORD_NUL = 16;

/** What a word holds, as WORD_* bits, found in one pass (targets escape further from these). */
export function wordTraits(word: string): number {
  let traits = word === '' ? WORD_UNSAFE : 0;
  const first = word.charCodeAt(0);
  let inName = NAME[first] === 1 && !(first >= 48 && first <= 57); // a name cannot start with a digit
  for (let i = 0; i < word.length; i += 1) {
    const c = word.charCodeAt(i);
    if (c < 128 && SAFE[c] === 1) {
      if (inName && NAME[c] === 0) {
        inName = false;
        if (c === 61) traits |= WORD_UNSAFE; // NAME= would be an assignment
      }
      continue;
    }
    traits |= WORD_UNSAFE;
    if (c === 39) traits |= WORD_SINGLE_QUOTE;
    else if (c === 36) traits |= WORD_DOLLAR;
    else if (c === 10 || c === 13) traits |= WORD_LINE_BREAK;
    else if (c === 0) traits |= WORD_NUL;
  }
  return traits;
}

/** {@link shellQuote} for a word whose {@link wordTraits} are known. */
export function shellQuoteWithTraits(word: string, traits: number): string {
  if ((traits & WORD_UNSAFE) === 0) return word;
  if (traits & WORD_NUL) throw new Error('internal: a shell word cannot contain NUL');
  return `'${traits & WORD_SINGLE_QUOTE ? word.replaceAll("'", "'\\''") : word}'`;
}

/**
 * One word for a POSIX shell: bare when it is safe, otherwise single-quoted with
 * `'` spelled `'\''`. Any byte sequence (newlines included) survives; NUL cannot be an argument.
 */
export function shellQuote(word: string): string {
  return shellQuoteWithTraits(word, wordTraits(word));
}

/** Words joined into one shell command line. */
export function shellJoin(words: readonly string[]): string {
  return words.map(shellQuote).join(' ');
}
