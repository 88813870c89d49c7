import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { commentText, indexRanges, sbatchPathText, tableLine, tableWord } from '../../../../src/targets/slurm/escape.js';

const WORDS: [string, string][] = [
  ['plain', 'plain'],
  ['', "''"],
  ['a b', "'a b'"],
  ["it's", "'it'\\''s'"],
  ['a\nb', "a$'\\n'b"],
  ['a b\n', "'a b'$'\\n'"],
  ['\n', "$'\\n'"],
  ['x\r\n', "x$'\\r'$'\\n'"],
  ['$HOME', "'$HOME'"],
  ['--dir', '--dir'],
];

describe('tableWord', () => {
  for (const [word, expected] of WORDS) {
    test(`${JSON.stringify(word)} → ${expected}`, () => assert.equal(tableWord(word), expected));
  }

  test('a table line holds no newline and bash reads it back word for word', () => {
    const words = ['a\nb', '', ' ', "'", '\\', '$(id)', '`id`', '\r', 'tab\t', 'Zürich ✓', '%A', '{{ x }}', '-n', 'x'.repeat(5000)];
    const line = tableLine(words);
    assert.ok(!line.includes('\n'));
    const script = `eval "set -- $1"; printf '%s\\0' "$@"`;
    const result = spawnSync('bash', ['-c', script, 'bash', line], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(result.stdout.split('\0').slice(0, -1), words);
  });
});

describe('indexRanges', () => {
  const CASES: [number[], string][] = [
    [[], ''],
    [[0], '0'],
    [[0, 1, 2, 3], '0-3'],
    [[0, 2, 3, 7, 9, 10], '0,2-3,7,9-10'],
    [[1000], '1000'],
  ];
  for (const [indices, expected] of CASES) {
    test(`${JSON.stringify(indices)} → "${expected}"`, () => assert.equal(indexRanges(indices), expected));
  }
});

describe('sbatch paths and comments', () => {
  test('a literal % in an --output path is doubled', () => assert.equal(sbatchPathText('/a%b/%%'), '/a%%b/%%%%'));
  test('control characters cannot end a comment line', () => assert.equal(commentText('a\nb\tc'), 'a?b?c'));
});
