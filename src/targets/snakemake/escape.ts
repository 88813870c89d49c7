/**
 * Escaping for Snakefiles (Python source run by Snakemake 7.21).
 * @see https://snakemake.readthedocs.io/en/v7.21.0/snakefiles/rules.html
 */

/** Python's spelling of the control characters JSON would write as `\uXXXX` too. */
const PYTHON_ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '"': '\\"', '\\': '\\\\' };

/**
 * A double-quoted Python string literal holding exactly `text`: backslash, quote and
 * control characters escaped, everything else (non-ASCII included) written as is.
 */
export function pythonString(text: string): string {
  const body = text.replace(/["\\\x00-\x1f\x7f\u2028\u2029]/g, (c) => PYTHON_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `"${body}"`;
}

/** Text for a `#` comment line: a control character would end it, so it becomes `?`. */
export function pythonCommentText(text: string): string {
  return text.replace(/[\x00-\x1f\x7f\u2028\u2029]/g, '?');
}

/**
 * Characters Snakemake cannot take literally in an output pattern: braces open
 * wildcards (`{{` is not an escape there), control characters would break lines
 * of the job table and the shell.
 */
const PATTERN_UNSAFE_CHAR = /[{}\x00-\x1f\x7f]/g;

/** The distinct characters that keep a path out of a Snakemake pattern, in order of appearance. */
export function patternUnsafeCharacters(path: string): string[] {
  return [...new Set(path.match(PATTERN_UNSAFE_CHAR) ?? [])];
}

/** What the `id` wildcard matches: a job id, never a `/` (so one node's pattern cannot match another's). */
export const ID_WILDCARD_REGEX = '[A-Za-z0-9_.+-]+';
const ID_PATTERN = new RegExp(`^${ID_WILDCARD_REGEX}$`);

/** True when the id fits the `id` wildcard (and so is also a bare shell word and a TSV field). */
export function isWildcardId(id: string): boolean {
  return ID_PATTERN.test(id) && id !== '.' && id !== '..';
}

const PYTHON_KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield'.split(
    ' ',
  ),
);

/**
 * Rule names: a node's own name when it is a Python identifier (ASCII) that is
 * neither a keyword nor taken, otherwise a sanitized `node_<name>` with a number
 * appended until it is unique. `reserved` holds names the Snakefile already uses.
 */
export function ruleNames(nodes: readonly string[], reserved: ReadonlySet<string>): string[] {
  const taken = new Set(reserved);
  return nodes.map((node) => {
    let name = /^[A-Za-z_][A-Za-z0-9_]*$/.test(node) && !PYTHON_KEYWORDS.has(node) ? node : `node_${node.replace(/[^A-Za-z0-9_]/g, '_')}`;
    if (taken.has(name)) {
      let n = 2;
      while (taken.has(`${name}_${n}`)) n += 1;
      name = `${name}_${n}`;
    }
    taken.add(name);
    return name;
  });
}
