import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { describe, test } from 'node:test';
import { base36Prefix12, base36Prefix12OfBytes } from '../../../src/hash/base36-prefix.js';
import { convertHexBasePrefix } from '../../../src/hash/base-convert.js';

const hex128 = (n: bigint): string => n.toString(16).padStart(128, '0');
const exact = (hex: string): string => BigInt(`0x${hex}`).toString(36).slice(0, 12);
/** The digest's bytes, one character each (Node's `binary` digest). */
const bytesOf = (hex: string): string => Buffer.from(hex, 'hex').toString('latin1');

describe('base36Prefix12', () => {
  test('agrees with BigInt on 20,000 digests, or leaves them to it', () => {
    let left = 0;
    for (let i = 0; i < 20000; i++) {
      const hex = crypto.hash('sha512', `id ${i}`, 'hex');
      const fast = base36Prefix12(hex);
      if (fast === undefined) left++;
      else assert.equal(fast, exact(hex), hex);
      assert.equal(base36Prefix12OfBytes(crypto.hash('sha512', `id ${i}`, 'binary')), fast, hex);
    }
    // Only digests with a leading zero byte (about 1 in 4096) are left.
    assert.ok(left < 20, `${left} left to the exact path`);
  });

  // Numbers whose quotient is an integer or just short of one, whose digit count is at a
  // power of 36, or whose head is too short: floating point cannot be sure, so it declines.
  const m = 36n ** 11n + 12345n;
  const uncertain: [string, bigint][] = [
    ['a quotient just above an integer', m * 36n ** 87n + 5n],
    ['a quotient just below an integer', m * 36n ** 87n - 1n],
    ['an exact power of 36', 36n ** 98n],
    ['just below a power of 36', 36n ** 99n - 1n],
    ['a head of fewer than 40 bits (leading zeros)', 2n ** 495n + 987654321n],
    ['zero', 0n],
  ];
  for (const [name, n] of uncertain) {
    test(`declines ${name}; the prefix is still exact`, () => {
      assert.equal(base36Prefix12(hex128(n)), undefined);
      assert.equal(base36Prefix12OfBytes(bytesOf(hex128(n))), undefined);
      assert.equal(convertHexBasePrefix(hex128(n), 36, 12), n === 0n ? '0' : n.toString(36).slice(0, 12));
    });
  }

  const certain: [string, bigint][] = [
    ['the largest digest', 2n ** 512n - 1n],
    ['a quotient in the middle of its unit', m * 36n ** 87n + 36n ** 87n / 2n],
    ['100 digits, the smallest top chunk', 36n ** 99n + 36n ** 96n * 7n + 36n ** 87n * 18n],
    ['a leading zero byte, 43 bits of head left', 2n ** 503n + 987654321n],
  ];
  for (const [name, n] of certain) {
    test(`answers ${name}`, () => {
      assert.equal(base36Prefix12(hex128(n)), n.toString(36).slice(0, 12));
      assert.equal(base36Prefix12OfBytes(bytesOf(hex128(n))), n.toString(36).slice(0, 12));
    });
  }

  test('declines what is not 128 hex digits', () => {
    assert.equal(base36Prefix12('ff'), undefined);
    assert.equal(base36Prefix12(`${'f'.repeat(20)}g${'f'.repeat(107)}`), undefined);
  });

  test('declines what is not 64 bytes', () => {
    assert.equal(base36Prefix12OfBytes(bytesOf('ff'.repeat(63))), undefined);
    assert.equal(base36Prefix12OfBytes(bytesOf('ff'.repeat(65))), undefined);
  });

  // Each byte of the 156-bit head in turn, at its lowest and highest: the chunks that split a
  // byte (bytes 6 and 19) must read it as hex does.
  test('reads every byte of the head as hex does', () => {
    const base = crypto.hash('sha512', 'head bytes', 'hex');
    for (let at = 0; at < 20; at++) {
      for (const byte of ['00', '0f', 'f0', 'ff', '5a']) {
        const hex = base.slice(0, 2 * at) + byte + base.slice(2 * at + 2);
        assert.equal(base36Prefix12OfBytes(bytesOf(hex)), base36Prefix12(hex), `byte ${at} = ${byte}`);
      }
    }
  });

  test('reads upper-case hex as lower-case', () => {
    const hex = crypto.hash('sha512', 'upper', 'hex');
    assert.equal(base36Prefix12(hex.toUpperCase()), base36Prefix12(hex));
  });
});
