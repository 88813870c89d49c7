import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DigitsTable, digitsKey } from '../../../src/hash/digits-table.js';

describe('DigitsTable', () => {
  const cases: { name: string; digits: string[]; key?: (digits: string) => number }[] = [
    { name: 'a few ids', digits: ['a1', 'b2', 'c3'] },
    { name: 'past several growths', digits: Array.from({ length: 5000 }, (_, i) => i.toString(36).padStart(12, '0')) },
    // Every entry on one key: the digits alone tell them apart.
    { name: 'all keys equal', digits: Array.from({ length: 300 }, (_, i) => `d${i}`), key: () => 7 },
    { name: 'negative keys', digits: Array.from({ length: 300 }, (_, i) => `n${i}`), key: (d) => -digitsKey(d) - 1 },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const keyOf = c.key ?? digitsKey;
      const table = new DigitsTable<number>((i, digits) => c.digits[i] === digits);
      c.digits.forEach((digits, i) => {
        assert.equal(table.get(keyOf(digits), digits), undefined, `${digits} before it is added`);
        table.add(keyOf(digits), i);
      });
      assert.equal(table.size, c.digits.length);
      c.digits.forEach((digits, i) => assert.equal(table.get(keyOf(digits), digits), i));
      assert.equal(table.get(keyOf('absent'), 'absent'), undefined);
    });
  }
});

describe('digitsKey', () => {
  test('is a 32-bit integer that tells near digits apart', () => {
    const keys = new Set(Array.from({ length: 1000 }, (_, i) => digitsKey(`abcdefghij${i.toString(36).padStart(2, '0')}`)));
    assert.equal(keys.size, 1000);
    for (const key of keys) assert.equal(key, key | 0);
  });
});
