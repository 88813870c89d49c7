import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isWildcardId, patternUnsafeCharacters, pythonCommentText, pythonString, ruleNames } from '../../../../src/targets/snakemake/escape.js';

describe('pythonString', () => {
  const CASES: [string, string, string][] = [
    ['plain', 'abc', '"abc"'],
    ['empty', '', '""'],
    ['double quote', 'say "hi"', '"say \\"hi\\""'],
    ['single quote stays', "it's", `"it's"`],
    ['backslash', 'a\\b', '"a\\\\b"'],
    ['newline, CR and tab', 'a\nb\rc\td', '"a\\nb\\rc\\td"'],
    ['other control characters', '\x00\x1b\x7f', '"\\u0000\\u001b\\u007f"'],
    ['line separators Python splits on', '\u2028\u2029', '"\\u2028\\u2029"'],
    ['braces and dollars are not special', '{x} ${y} {{z}}', '"{x} ${y} {{z}}"'],
    ['non-ASCII stays', 'Zürich 東京 🎉', '"Zürich 東京 🎉"'],
  ];
  for (const [name, text, expected] of CASES) {
    test(name, () => assert.equal(pythonString(text), expected));
  }
});

describe('pythonCommentText', () => {
  test('control characters become ?', () => assert.equal(pythonCommentText('a\nb\rc\u2028d'), 'a?b?c?d'));
});

describe('patternUnsafeCharacters', () => {
  const CASES: [string, string[]][] = [
    ['/srv/gwc/runs', []],
    ['/srv/my runs/$x:#%=*', []],
    ['/srv/{x}', ['{', '}']],
    ['/srv/a\nb\tc', ['\n', '\t']],
  ];
  for (const [path, expected] of CASES) {
    test(JSON.stringify(path), () => assert.deepEqual(patternUnsafeCharacters(path), expected));
  }
});

describe('isWildcardId', () => {
  const CASES: [string, boolean][] = [
    ['predict_id_vpqa8zhuivpa', true],
    ['a.b+c-d', true],
    ['', false],
    ['.', false],
    ['..', false],
    ['a/b', false],
    ['a b', false],
    ['{a}', false],
    ['Zürich', false],
  ];
  for (const [id, expected] of CASES) {
    test(JSON.stringify(id), () => assert.equal(isWildcardId(id), expected));
  }
});

describe('ruleNames', () => {
  const CASES: [string, string[], string[]][] = [
    ['identifiers stay', ['predict', 'track'], ['predict', 'track']],
    ['reserved all is renamed', ['all'], ['all_2']],
    ['keywords are prefixed', ['if', 'class'], ['node_if', 'node_class']],
    ['other characters become _', ['my-node', '3d', 'Zürich'], ['node_my_node', 'node_3d', 'node_Z_rich']],
    ['collisions get a number', ['a-b', 'a.b', 'node_a_b'], ['node_a_b', 'node_a_b_2', 'node_a_b_3']],
  ];
  for (const [name, nodes, expected] of CASES) {
    test(name, () => assert.deepEqual(ruleNames(nodes, new Set(['all'])), expected));
  }
});
