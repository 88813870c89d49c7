import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, test } from 'node:test';
import {
  WORD_DOLLAR,
  WORD_LINE_BREAK,
  WORD_NUL,
  WORD_SINGLE_QUOTE,
  WORD_UNSAFE,
  shellJoin,
  shellQuote,
  wordTraits,
} from '../../../../src/targets/shared/shell-quote.js';

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

describe('wordTraits reports what each escaper needs', () => {
  const U = WORD_UNSAFE;
  const traits: [string, number][] = [
    ['', U],
    ['predict', 0],
    ['/srv/runs/a.b_c-d', 0],
    ['--p=1', 0],
    ['1A=b', 0],
    ['A_1=b', U],
    ['a b', U],
    ['é', U],
    ["it's", U | WORD_SINGLE_QUOTE],
    ['$HOME', U | WORD_DOLLAR],
    ['a\nb', U | WORD_LINE_BREAK],
    ['a\rb', U | WORD_LINE_BREAK],
    ['a\0b', U | WORD_NUL],
    ["'$\n\0", U | WORD_SINGLE_QUOTE | WORD_DOLLAR | WORD_LINE_BREAK | WORD_NUL],
  ];
  for (const [word, want] of traits) test(JSON.stringify(word), () => assert.equal(wordTraits(word), want));
});
