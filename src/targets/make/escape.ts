import { WORD_DOLLAR, WORD_LINE_BREAK, WORD_NUL, WORD_SINGLE_QUOTE, WORD_UNSAFE, shellQuoteWithTraits, wordTraits } from '../shared/shell-quote.js';

/**
 * Escaping for GNU Make 4.3 makefiles.
 * @see https://www.gnu.org/software/make/manual/make.html#Recipe-Syntax
 */

/** Make expands `$` everywhere (targets, recipes, variables): `$$` is a literal `$`. */
export function makeDollars(text: string): string {
  return text.includes('$') ? text.replaceAll('$', '$$$$') : text;
}

/**
 * Shell code a recipe line runs before a word that holds a newline or CR. A recipe
 * line cannot contain a raw newline (make splits it into separate commands) and
 * make drops a CR before a line end, so both are produced by the shell instead;
 * the trailing `x` survives the command substitution, which strips newlines.
 */
export const RECIPE_CONTROL_PRELUDE =
  "gwc_nl=$$(printf '\\nx'); gwc_nl=$${gwc_nl%x}; gwc_cr=$$(printf '\\rx'); gwc_cr=$${gwc_cr%x}; ";

const CONTROL_REFERENCES: Readonly<Record<string, string>> = { '\n': '"$${gwc_nl}"', '\r': '"$${gwc_cr}"' };

/** True when {@link recipeWord} of the text refers to the variables of {@link RECIPE_CONTROL_PRELUDE}. */
export function needsControlPrelude(text: string): boolean {
  return (wordTraits(text) & WORD_LINE_BREAK) !== 0;
}

/**
 * One shell word inside a make recipe line: shell-quoted, `$` doubled, newlines
 * and CRs spelled as references to the prelude's variables.
 */
export function recipeWord(word: string): string {
  return recipeWordWithTraits(word, wordTraits(word));
}

/** {@link recipeWord} for a word whose {@link wordTraits} are known. */
export function recipeWordWithTraits(word: string, traits: number): string {
  if (traits & WORD_LINE_BREAK) {
    return word
      .split(/([\n\r])/)
      .map((piece, i) => (i % 2 === 1 ? (CONTROL_REFERENCES[piece] as string) : piece && recipeWord(piece)))
      .join('');
  }
  // Bare when safe; a NUL is refused there.
  if ((traits & WORD_UNSAFE) === 0 || traits & WORD_NUL) return shellQuoteWithTraits(word, traits);
  return `'${recipeQuotedBody(word, traits)}'`;
}

/**
 * The inside of a single-quoted shell word in a recipe: `'` spelled `'\''`, `$` doubled
 * for make. Both are per character, so the body of a concatenation is the concatenation
 * of the bodies. `traits` are the text's {@link wordTraits}; it has no line break or NUL.
 */
export function recipeQuotedBody(text: string, traits: number): string {
  const quoted = traits & WORD_SINGLE_QUOTE ? text.replaceAll("'", "'\\''") : text;
  return traits & WORD_DOLLAR ? quoted.replaceAll('$', '$$$$') : quoted;
}

/** Defines `GWC_NL` (a newline) for {@link makeVariableValue}; make has no escape for it. */
export const NEWLINE_VARIABLE = 'define GWC_NL\n\n\nendef\n';
/** An empty variable that protects leading blanks and a trailing backslash or CR. */
export const EMPTY_VARIABLE = 'GWC_EMPTY :=\n';

/** A make variable value: its text and the helper variables it refers to. */
export interface MakeVariableValue {
  readonly text: string;
  readonly usesNewline: boolean;
  readonly usesEmpty: boolean;
}

/**
 * The right-hand side of `VAR ?= value` so that the variable expands to exactly `value`:
 * `$` doubled, `#` (which starts a comment) escaped with its backslash run doubled,
 * newlines as `$(GWC_NL)`, leading blanks and a trailing backslash or CR guarded by `$(GWC_EMPTY)`.
 */
export function makeVariableValue(value: string): MakeVariableValue {
  const body = value
    .split('\n')
    .map((line) => makeDollars(line).replace(/(\\*)#/g, (_m, slashes: string) => `${slashes}${slashes}\\#`))
    .join('$(GWC_NL)');
  const guardStart = /^[ \t]/.test(body);
  const guardEnd = /[\\\r]$/.test(body);
  return {
    text: `${guardStart ? '$(GWC_EMPTY)' : ''}${body}${guardEnd ? '$(GWC_EMPTY)' : ''}`,
    usesNewline: value.includes('\n'),
    usesEmpty: guardStart || guardEnd,
  };
}

/** Text for a `#` comment line: control characters would end or continue it, so they become `?`. */
export function makeCommentText(text: string): string {
  return text.replace(/[\x00-\x1f\x7f]/g, '?').replace(/\\+$/, '');
}

/**
 * Characters a path may hold to be a make target and a bare shell word alike: make has
 * no quoting for file names (`:`, `#`, `%`, `=`, `;`, `|`, `*`, `?`, `[`, `]`, `(`, `\`, `$`, blanks...).
 */
const MAKE_SAFE_PATH = /^[A-Za-z0-9._+,@/\u0080-\u{10ffff}-]*$/u;
/** The same set without non-ASCII: a plain regex, several times faster on the usual paths than a `u` one. */
const MAKE_SAFE_ASCII_PATH = /^[A-Za-z0-9._+,@/-]*$/;
const MAKE_UNSAFE_CHAR = /[^A-Za-z0-9._+,@/\u0080-\u{10ffff}-]/gu;

/** True when the path can be written as a make target and a bare shell word. */
export function isMakeSafePath(path: string): boolean {
  return MAKE_SAFE_ASCII_PATH.test(path) || MAKE_SAFE_PATH.test(path);
}

/** The distinct characters that keep a path from being make-safe, in order of appearance. */
export function makeUnsafeCharacters(path: string): string[] {
  return [...new Set(path.match(MAKE_UNSAFE_CHAR) ?? [])];
}

/** Names usable as phony targets (node names); others could be options, paths or specials. */
export function isMakeSafeName(name: string): boolean {
  return /^[A-Za-z0-9_][A-Za-z0-9._-]*$/.test(name);
}
