import { WORD_LINE_BREAK, shellQuoteWithTraits, wordTraits } from '../shared/shell-quote.js';

/**
 * Escaping for the tmux target's driver (bash) and its job table, where every job is one line
 * that the worker (sh) reads with `read -r` and turns back into words with `eval "set -- ..."`.
 */

/** A newline or CR inside single quotes, spelled with bash's ANSI-C quoting so the word stays on one line. */
const LINE_BREAKS: Readonly<Record<string, string>> = { '\n': "'$'\\n''", '\r': "'$'\\r''" };

/**
 * One bash word on a single line: single-quoted like {@link shellQuoteWithTraits}, with every
 * newline and CR closing the quote, inserted as `$'\n'` / `$'\r'` and the quote reopened.
 */
export function bashLineWord(word: string): string {
  const traits = wordTraits(word);
  const quoted = shellQuoteWithTraits(word, traits);
  if ((traits & WORD_LINE_BREAK) === 0) return quoted;
  return quoted.replace(/[\n\r]/g, (c) => LINE_BREAKS[c] as string);
}

/** A newline or CR inside single quotes, spelled as the worker's variables that hold them. */
const LINE_BREAK_VARIABLES: Readonly<Record<string, string>> = { '\n': `'"$gwc_nl"'`, '\r': `'"$gwc_cr"'` };

/**
 * One POSIX sh word on a single line, for the job table that the worker (sh) reads with `read -r`
 * and turns back into words with `eval "set -- ..."`: single-quoted like
 * {@link shellQuoteWithTraits}, with every newline and CR closing the quote, inserted as
 * `"$gwc_nl"` / `"$gwc_cr"` (which the worker defines) and the quote reopened.
 */
export function shLineWord(word: string): string {
  const traits = wordTraits(word);
  const quoted = shellQuoteWithTraits(word, traits);
  if ((traits & WORD_LINE_BREAK) === 0) return quoted;
  return quoted.replace(/[\n\r]/g, (c) => LINE_BREAK_VARIABLES[c] as string);
}

/**
 * Queue names become tmux session names (`cmdq_<name>_NNN`), file names and a regex in the
 * driver: tmux rewrites `.` and `:` in session names, so only these characters are accepted.
 */
const QUEUE_NAME = /^[A-Za-z0-9_-]+$/;

export function isTmuxQueueName(name: string): boolean {
  return QUEUE_NAME.test(name);
}

/** Job ids name files under job_info/ and appear in JSON the worker writes with printf. */
const JOB_ID = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

export function isQueueJobId(id: string): boolean {
  return JOB_ID.test(id);
}

/** Text for a `#` comment line: control characters would end it, so they become `?`. */
export function commentText(text: string): string {
  return text.replace(/[\x00-\x1f\x7f]/g, '?');
}
