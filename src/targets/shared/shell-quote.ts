/**
 * A word a POSIX shell takes as is: no glob, expansion or separator characters.
 * Regexes rather than a character loop: they scan in native code, and quoting
 * runs for every argument of a million jobs.
 */
const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;
/** `NAME=...` as a bare first word would be an assignment, not a command. */
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;
/** Characters that need more than plain single quotes. */
const SPECIAL = /['$\n\r\0]/;
const LINE_BREAK = /[\n\r]/;

/** Bits of {@link wordTraits}. */
export const WORD_UNSAFE = 1;
export const WORD_SINGLE_QUOTE = 2;
export const WORD_DOLLAR = 4;
/** A newline or CR. */
export const WORD_LINE_BREAK = 8;
export const WORD_NUL = 16;

/** What a word holds, as WORD_* bits (targets escape further from these). */
export function wordTraits(word: string): number {
  if (SAFE_WORD.test(word)) return ASSIGNMENT.test(word) ? WORD_UNSAFE : 0;
  if (!SPECIAL.test(word)) return WORD_UNSAFE;
  let traits = WORD_UNSAFE;
  if (word.includes("'")) traits |= WORD_SINGLE_QUOTE;
  if (word.includes('$')) traits |= WORD_DOLLAR;
  if (LINE_BREAK.test(word)) traits |= WORD_LINE_BREAK;
  if (word.includes('\0')) traits |= WORD_NUL;
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
