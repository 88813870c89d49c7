import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DIGIT_BYTES, MAX_DIGITS, readDigits, writeDigits } from '../../../src/hash/digits-channel.js';

describe('digits slots', () => {
  // Ids have 12 (kwdagger) or 8 (geowatch-v2) digits; a digest that is a small number has fewer.
  const cases = ['', '7', 'z0a9k', '0123abcd', 'abcdefghijkl', 'zzzzzzzzzzzz', '0123456789abcdef'];
  for (const digits of cases) {
    test(`${digits.length} digits "${digits}" read back as written`, () => {
      const ring = Buffer.alloc(3 * DIGIT_BYTES, 0x78);
      writeDigits(ring, 1, digits);
      assert.equal(readDigits(ring, DIGIT_BYTES, digits.length), digits);
      // Its neighbours are untouched.
      assert.equal(ring.subarray(0, DIGIT_BYTES).toString('latin1'), 'x'.repeat(DIGIT_BYTES));
      assert.equal(ring.subarray(2 * DIGIT_BYTES).toString('latin1'), 'x'.repeat(DIGIT_BYTES));
    });
  }

  test('a slot holds at most MAX_DIGITS digits, padded with zero bytes', () => {
    const ring = Buffer.alloc(DIGIT_BYTES);
    writeDigits(ring, 0, 'abc');
    assert.deepEqual([...ring.subarray(3, MAX_DIGITS)], new Array(MAX_DIGITS - 3).fill(0));
  });
});
