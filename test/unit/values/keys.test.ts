import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { hasKeysInOrder, hasMapKeysInOrder } from '../../../src/values/keys.js';

const CASES: [string, Record<string, unknown>, string[], boolean][] = [
  ['the same keys', { a: 1, b: 2 }, ['a', 'b'], true],
  ['another order', { b: 2, a: 1 }, ['a', 'b'], false],
  ['a key fewer', { a: 1 }, ['a', 'b'], false],
  ['a key more', { a: 1, b: 2, c: 3 }, ['a', 'b'], false],
  ['both empty', {}, [], true],
  ['integer-like keys come first, as Object.keys lists them', { b: 1, 2: 2, 1: 3 }, ['1', '2', 'b'], true],
  ['undefined values still count', { a: undefined }, ['a'], true],
];

describe('hasKeysInOrder', () => {
  for (const [name, object, keys, expected] of CASES) {
    test(name, () => {
      assert.equal(hasKeysInOrder(object, keys), expected);
      assert.equal(hasKeysInOrder(object, keys), Object.keys(object).join('\0') === keys.join('\0') && Object.keys(object).length === keys.length);
    });
  }
});

describe('hasMapKeysInOrder', () => {
  for (const [name, object, keys, expected] of CASES) {
    test(name, () => assert.equal(hasMapKeysInOrder(new Map(Object.entries(object)), keys), expected));
  }
});
