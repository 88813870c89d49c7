/** Characters Python's `shlex.quote` leaves bare (`[\w@%+=:,./-]`, ASCII). */
const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** True when `shlex.quote` leaves the (non-empty) text bare; bare texts joined are bare. */
export function isShlexBare(text: string): boolean {
  return SAFE.test(text);
}

/**
 * Python's `shlex.quote`: bare when safe, otherwise single-quoted with `'` spelled `'"'"'`.
 * Commands are rendered exactly as kwdagger renders them, so invoke.sh reads the same.
 */
export function shlexQuote(text: string): string {
  if (text === '') return "''";
  if (isShlexBare(text)) return text;
  return `'${text.replaceAll("'", `'"'"'`)}'`;
}
