import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { describe, test } from 'node:test';
import { convertHexBase, convertHexBasePrefix, digestPrefix, type HashBase } from '../../../src/hash/base-convert.js';

const hex128 = (n: bigint): string => n.toString(16).padStart(128, '0');

describe('convertHexBase (ubelt _convert_hexstr_base)', () => {
  const cases: { hex: string; base: HashBase; expected: string }[] = [
    { hex: 'ffffffff', base: 26, expected: 'nxmrlxv' }, // ubelt doctest
    { hex: '0', base: 26, expected: '0' }, // ubelt doctest: zero is '0' in every base
    { hex: 'aafffff1', base: 16, expected: 'aafffff1' }, // hex is unchanged
    { hex: '00000000', base: 36, expected: '0' },
    { hex: '0000000000000023', base: 36, expected: 'z' }, // leading zeros of the number are dropped
    { hex: '24', base: 36, expected: '10' },
    { hex: '19', base: 26, expected: 'z' },
    { hex: '1a', base: 26, expected: 'ba' },
  ];
  for (const c of cases) test(`${c.hex} in base ${c.base}`, () => assert.equal(convertHexBase(c.hex, c.base), c.expected));
});

describe('convertHexBasePrefix', () => {
  test('matches the truncated full conversion on 2000 digests', () => {
    for (let i = 0; i < 1000; i++) {
      const hex = crypto.createHash('sha512').update(`digest ${i}`).digest('hex');
      for (const base of [26, 36] as const) assert.equal(convertHexBasePrefix(hex, base, 12), convertHexBase(hex, base).slice(0, 12));
    }
  });

  const boundaries: { name: string; n: bigint; base: 26 | 36; expected: string }[] = [
    { name: '36**98', n: 36n ** 98n, base: 36, expected: '100000000000' },
    { name: '36**98 - 1', n: 36n ** 98n - 1n, base: 36, expected: 'zzzzzzzzzzzz' },
    { name: '36**99 + 36**98', n: 36n ** 99n + 36n ** 98n, base: 36, expected: '110000000000' },
    { name: '2**512 - 1', n: 2n ** 512n - 1n, base: 36, expected: (2n ** 512n - 1n).toString(36).slice(0, 12) },
    { name: 'short number', n: 36n ** 5n, base: 36, expected: '100000' },
    { name: '26**100', n: 26n ** 100n, base: 26, expected: 'baaaaaaaaaaa' },
    { name: '26**100 - 1', n: 26n ** 100n - 1n, base: 26, expected: 'zzzzzzzzzzzz' },
  ];
  for (const b of boundaries) {
    test(b.name, () => {
      assert.equal(convertHexBasePrefix(hex128(b.n), b.base, 12), b.expected);
      assert.equal(convertHexBase(hex128(b.n), b.base).slice(0, 12), b.expected);
    });
  }

  test('hex prefixes are plain slices', () => assert.equal(convertHexBasePrefix('abcdef0123', 16, 8), 'abcdef01'));
});

describe('digestPrefix (a digest as its bytes)', () => {
  const bytesOf = (hex: string): string => Buffer.from(hex, 'hex').toString('latin1');

  test('equals convertHexBasePrefix of its hex in every base and length ids use', () => {
    for (let i = 0; i < 1000; i++) {
      const hex = crypto.hash('sha512', `digest ${i}`, 'hex');
      for (const [base, length] of [[36, 12], [36, 5], [26, 12], [16, 8], [16, 7], [16, 128]] as const) {
        assert.equal(digestPrefix(bytesOf(hex), base, length), convertHexBasePrefix(hex, base, length), `${hex} ${base} ${length}`);
      }
    }
  });

  const exactOnly: { name: string; n: bigint }[] = [
    { name: 'a head the fast path declines (leading zero bytes)', n: 2n ** 495n + 987654321n },
    { name: 'an exact power of 36', n: 36n ** 98n },
    { name: 'zero', n: 0n },
  ];
  for (const c of exactOnly) {
    test(`${c.name}: answered exactly`, () => {
      const hex = hex128(c.n);
      assert.equal(digestPrefix(bytesOf(hex), 36, 12), convertHexBase(hex, 36).slice(0, 12));
    });
  }
});
