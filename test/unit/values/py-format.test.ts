import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { pyFloatRepr, pyStr, toJson, toPrettyJson } from '../../../src/values/py-format.js';
import type { Value } from '../../../src/values/value.js';

describe('pyFloatRepr matches Python repr(float)', () => {
  const cases: [number, string][] = [
    [0.5, '0.5'],
    [1, '1.0'],
    [0.1, '0.1'],
    [-2.5, '-2.5'],
    [1e-5, '1e-05'],
    [0.0001, '0.0001'],
    [123456789012345.0, '123456789012345.0'],
    [1e16, '1e+16'],
    [1.5e300, '1.5e+300'],
    [5e-324, '5e-324'],
    [0, '0.0'],
    [-0, '-0.0'],
    [Infinity, 'inf'],
    [NaN, 'nan'],
    [0.07, '0.07'],
    [0.175, '0.175'],
    [100, '100.0'],
  ];
  for (const [value, want] of cases) test(`${value} → ${want}`, () => assert.equal(pyFloatRepr(value), want));
});

describe('pyStr renders values as Python str() does', () => {
  const cases: [Value, string][] = [
    [null, 'None'],
    [true, 'True'],
    [false, 'False'],
    [8n, '8'],
    [-3n, '-3'],
    [0.5, '0.5'],
    [2.0, '2.0'],
    ['None', 'None'],
    ['a b', 'a b'],
  ];
  for (const [value, want] of cases) test(`${String(value)} → ${want}`, () => assert.equal(pyStr(value), want));
});

describe('toJson keeps int and float apart', () => {
  const cases: [Value, string][] = [
    [{ a: 1n, b: 1.0, c: 'x', d: null, e: [true, 0.25] }, '{"a": 1, "b": 1.0, "c": "x", "d": null, "e": [true, 0.25]}'],
    [[], '[]'],
    [{}, '{}'],
    ['quote " and \\ and \n', '"quote \\" and \\\\ and \\n"'],
  ];
  for (const [value, want] of cases) test(want, () => assert.equal(toJson(value), want));
  test('pretty JSON indents nested values', () => {
    assert.equal(toPrettyJson([{ a: 1n }, []]), '[\n  {\n    "a": 1\n  },\n  []\n]');
  });
});
