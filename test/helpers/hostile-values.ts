/**
 * Values that break naive quoting somewhere between TS, an engine, the shell and the runner.
 * Each engine's test adds the values its own escaping has to survive.
 */
export const HOSTILE_VALUES: readonly string[] = [
  'plain',
  '',
  ' ',
  'two  spaces ',
  'a\nb',
  '\n',
  'ends with newline\n',
  'a\r\nb',
  'cr\r',
  'tab\there',
  '\t',
  '$HOME',
  '$$',
  '$(id)',
  '${x}',
  '`id`',
  '#comment',
  'x # y',
  '%s %d %% %b',
  ':',
  'a=b',
  'FOO=bar',
  '*',
  '?',
  '[a]',
  '{{ x }}',
  "it's",
  '"dq"',
  `'"'"'`,
  '\\',
  'trail\\',
  '\\n',
  '\\\n',
  '-n',
  '-e',
  '--',
  'Zürich ✓ 東京 🎉',
  'semi;colon|pipe&amp<>',
  '~',
  '!',
  'x'.repeat(20000),
];

/** {@link HOSTILE_VALUES} plus the values one engine's escaping must survive too. */
export function hostileValues(...engineValues: readonly string[]): readonly string[] {
  return [...HOSTILE_VALUES, ...engineValues];
}
