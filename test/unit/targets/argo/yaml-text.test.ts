import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { yamlBlock, yamlString, yamlStringList } from '../../../../src/targets/argo/yaml-text.js';

const HOSTILE: readonly [string, string][] = [
  ['empty', ''],
  ['quotes', `it's "quoted"`],
  ['shell', '$HOME `date` $(id) ${x}'],
  ['newlines and tabs', 'a\nb\r\nc\td'],
  ['yaml indicators', '# % : = * & ! | > @ ` - ? [x] {y} , '],
  ['argo tags', '{{workflow.name}} {{=expr}}'],
  ['backslashes', 'C:\\path\\ \\n not a newline'],
  ['leading dash', '-rf'],
  ['yaml 1.1 booleans', 'yes'],
  ['number-like', '0x1F'],
  ['non-ASCII', 'ünïcødé ✓ 日本 😀'],
  ['YAML 1.1 line breaks', 'a\u0085b\u2028c\u2029d'],
  ['C1 control and DEL', 'a\u0080b\u007fc\u009f'],
  ['BOM', '\ufeffx'],
  ['control characters', '\u0001\u001b[0m\u0000'],
  ['long', 'x'.repeat(10000)],
];

describe('yamlString', () => {
  for (const [name, text] of HOSTILE) {
    test(`${name} reads back exactly`, () => {
      assert.equal(parse(`value: ${yamlString(text)}\n`).value, text);
    });
  }

  test('YAML 1.1 line breaks and non-printables are escaped, never raw', () => {
    assert.doesNotMatch(yamlString('a\u0085b\u2028c\u2029d\u0080'), /[\u0085\u2028\u2029\u0080]/);
  });
});

describe('yamlStringList', () => {
  test('a flow list of quoted strings', () => {
    const texts = HOSTILE.map(([, t]) => t);
    assert.deepEqual(parse(`list: ${yamlStringList(texts)}\n`).list, texts);
  });
});

describe('yamlBlock', () => {
  const SCRIPTS: readonly [string, string, 'block' | 'quoted'][] = [
    ['a script', '#!/bin/sh\necho "$1" # hi\n\nexit 0\n', 'block'],
    ['a script with tabs inside lines', 'case $1 in\n\tx) ;;\nesac\n', 'block'],
    ['no final newline', 'echo hi', 'quoted'],
    ['two final newlines', 'echo hi\n\n', 'quoted'],
    ['trailing blanks', 'echo hi  \n', 'quoted'],
    ['leading blank', ' echo hi\n', 'quoted'],
    ['a CR', 'echo hi\r\n', 'quoted'],
  ];
  for (const [name, text, style] of SCRIPTS) {
    test(`${name} reads back exactly (${style})`, () => {
      const scalar = yamlBlock(text, 4);
      assert.equal(scalar.startsWith('|'), style === 'block');
      assert.equal(parse(`data:\n  key: ${scalar}\n`).data.key, text);
    });
  }
});
