import { shellQuote } from '../shared/shell-quote.js';

/**
 * Escaping for the bash script. Every value is one single-quoted word (see
 * {@link shellQuote}), which bash reads back byte for byte, newlines included;
 * nothing in a quoted word expands.
 * @see https://www.gnu.org/software/bash/manual/bash.html#Single-Quotes
 */

/** Name of the script variable that holds the result root (see {@link bashWord}). */
export const ROOT_VARIABLE = 'gwc_root';

/**
 * One word of a job line. Paths under the root are written `"$gwc_root"'/rest'`:
 * shorter lines, and the root is spelled once at the top of the script.
 */
export function bashWord(word: string, rootSlash: string): string {
  if (rootSlash.length > 1 && word.startsWith(rootSlash)) {
    return `"$${ROOT_VARIABLE}"${shellQuote(word.slice(rootSlash.length - 1))}`;
  }
  return shellQuote(word);
}

/** Text for a `#` comment line: a newline would end it, so control characters become `?`. */
export function bashCommentText(text: string): string {
  return text.replace(/[\x00-\x1f\x7f]/g, '?');
}

/**
 * Job ids name files under job_info/, sit in JSON and in `gwc_job`'s arguments (where
 * `--` means something): letters, digits, `.`, `_`, `-`, not starting with `-` or `.`.
 */
export function isBashSafeId(id: string): boolean {
  return /^[A-Za-z0-9_][A-Za-z0-9._-]*$/.test(id);
}
