import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { shellJoin, shellQuote } from '../../../../src/targets/shared/shell-quote.js';

const CASES: [string, string, string][] = [
  ['empty', '', "''"],
  ['plain word', 'predict', 'predict'],
  ['option with value', '--fp=abc', '--fp=abc'],
  ['path', '/srv/gwc/runs/a.b_c-d', '/srv/gwc/runs/a.b_c-d'],
  ['assignment-like word', 'FOO=bar', "'FOO=bar'"],
  ['underscore assignment', '_=x', "'_=x'"],
  ['empty name is no assignment', '=x', '=x'],
  ['unsafe after a leading =', '=x y', "'=x y'"],
  ['digit first is no assignment', '9a=b', '9a=b'],
  ['option with a path value', '--link=/a/b=c', '--link=/a/b=c'],
  ['space', 'a b', "'a b'"],
  ['single quote', "it's", "'it'\\''s'"],
  ['double quote', 'say "hi"', `'say "hi"'`],
  ['dollar', '$HOME', "'$HOME'"],
  ['command substitution', '$(rm -rf /)', "'$(rm -rf /)'"],
  ['backtick', '`id`', "'`id`'"],
  ['glob', '*.py', "'*.py'"],
  ['braces', '{{ x }}', "'{{ x }}'"],
  ['newline', 'a\nb', "'a\nb'"],
  ['tab', 'a\tb', "'a\tb'"],
  ['trailing backslash', 'a\\', "'a\\'"],
  ['tilde', '~/x', "'~/x'"],
  ['hash', '#x', "'#x'"],
  ['non-ASCII', 'Zürich', "'Zürich'"],
  ['only quotes', "''", "''\\'''\\'''"],
];

describe('shellQuote', () => {
  for (const [name, input, expected] of CASES) {
    test(name, () => assert.equal(shellQuote(input), expected));
  }

  test('rejects NUL, which no argument can hold', () => {
    assert.throws(() => shellQuote('a\0b'), /NUL/);
  });

  test('the shell reads every quoted word back byte-identical', () => {
    const words = CASES.map(([, input]) => input);
    const script = `for w in ${shellJoin(words)}; do printf '%s\\0' "$w"; done`;
    const out = execFileSync('sh', ['-c', script], { encoding: 'utf8' });
    assert.deepEqual(out.split('\0').slice(0, -1), words);
  });
});
