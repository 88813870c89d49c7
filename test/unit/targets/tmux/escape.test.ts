import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { bashLineWord, commentText, isQueueJobId, isTmuxQueueName, shLineWord } from '../../../../src/targets/tmux/escape.js';
import { HOSTILE } from './hostile-values.js';

describe('bashLineWord', () => {
  const CASES: [string, string, string][] = [
    ['plain', 'predict', 'predict'],
    ['empty', '', "''"],
    ['dollar', '$HOME', "'$HOME'"],
    ['single quote', "it's", "'it'\\''s'"],
    ['newline', 'a\nb', "'a'$'\\n''b'"],
    ['CRLF', 'a\r\nb', "'a'$'\\r'''$'\\n''b'"],
    ['only a newline', '\n', "''$'\\n'''"],
    ['tab stays raw inside quotes', 'a\tb', "'a\tb'"],
    ['assignment-looking word', 'A=b', "'A=b'"],
  ];
  for (const [name, input, expected] of CASES) test(name, () => assert.equal(bashLineWord(input), expected));

  test('never contains a newline or CR: every job stays one line of the table', () => {
    for (const value of HOSTILE) assert.doesNotMatch(bashLineWord(value), /[\n\r]/);
  });

  test('bash turns the words back into the exact values (eval into an array, as the worker does)', () => {
    const line = HOSTILE.map(bashLineWord).join(' ');
    const script = 'IFS= read -r line; eval "args=($line)"; printf \'%s\\0\' "${args[@]}"';
    const result = spawnSync('bash', ['-c', script], { input: `${line}\n`, encoding: 'utf8', maxBuffer: 1 << 24 });
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(result.stdout.split('\0').slice(0, -1), HOSTILE);
  });
});

describe('shLineWord', () => {
  const CASES: [string, string, string][] = [
    ['plain', 'predict', 'predict'],
    ['empty', '', "''"],
    ['dollar', '$HOME', "'$HOME'"],
    ['single quote', "it's", "'it'\\''s'"],
    ['newline', 'a\nb', `'a'"$gwc_nl"'b'`],
    ['CRLF', 'a\r\nb', `'a'"$gwc_cr"''"$gwc_nl"'b'`],
    ['tab stays raw inside quotes', 'a\tb', "'a\tb'"],
  ];
  for (const [name, input, expected] of CASES) test(name, () => assert.equal(shLineWord(input), expected));

  test('never contains a newline or CR: every job stays one line of the table', () => {
    for (const value of HOSTILE) assert.doesNotMatch(shLineWord(value), /[\n\r]/);
  });

  for (const shell of ['sh', 'bash']) {
    test(`${shell} turns the words back into the exact values (eval into "$@", as the worker does)`, () => {
      const line = HOSTILE.map(shLineWord).join(' ');
      const script =
        "gwc_nl='\n' gwc_cr=$(printf '\\r'); IFS= read -r line; eval \"set -- $line\"; for a do printf '%s' \"$a\"; printf '\\000'; done";
      const result = spawnSync(shell, ['-c', script], { input: `${line}\n`, encoding: 'utf8', maxBuffer: 1 << 24 });
      assert.equal(result.status, 0, result.stderr);
      assert.deepEqual(result.stdout.split('\0').slice(0, -1), HOSTILE);
    });
  }
});

describe('names', () => {
  const QUEUES: [string, boolean][] = [
    ['schedule-eval', true],
    ['secondary_eval2', true],
    ['a.b', false],
    ['a:b', false],
    ['', false],
    ['has space', false],
    ["q'", false],
    ['Zürich', false],
  ];
  for (const [name, ok] of QUEUES) test(`queue name ${JSON.stringify(name)}`, () => assert.equal(isTmuxQueueName(name), ok));

  const IDS: [string, boolean][] = [
    ['predict_id_10wddoow17dg', true],
    ['trk.pxl_id_1', true],
    ['a-b', true],
    ['.hidden', false],
    ['-n', false],
    ['a b', false],
    ['a/b', false],
    ['a"b', false],
    ['', false],
  ];
  for (const [id, ok] of IDS) test(`job id ${JSON.stringify(id)}`, () => assert.equal(isQueueJobId(id), ok));

  test('comment text has no control characters', () => {
    assert.equal(commentText('a\nb\r\tc'), 'a?b??c');
  });
});
