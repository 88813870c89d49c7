import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { floatRatio, hashData, intBytes, ubeltSerialize, UnhashableValueError } from '../../../src/hash/ubelt-hash.js';
import { markUnordered, type Value } from '../../../src/values/value.js';

/** Test vectors of the reference (sha512 hex[:8], base36[:12], byte stream). */
const VECTORS: { data: Value; bytes?: string; hex8: string; b36?: string }[] = [
  { data: { a: 1n }, bytes: '_[__[_TXTa_,_INT\x01_,__]__]_', hex8: 'b663c2c1', b36: 't06hrkwppyg8' },
  { data: { a: 1n, b: 'x' }, bytes: '_[__[_TXTa_,_INT\x01_,__]__[_TXTb_,_TXTx_,__]__,__]_', hex8: 'b8731d3e', b36: 'tbz1xz62x0nf' },
  { data: { thresh: 0.5 }, bytes: '_[__[_TXTthresh_,_FLT\x01/\x02_,__]__]_', hex8: 'e061f69b' },
  { data: { k: null }, bytes: '_[__[_TXTk_,_NULLNONE_,__]__]_', hex8: 'a1b740c1' },
  { data: { k: [1n, 2n] }, bytes: '_[__[_TXTk_,__[_INT\x01_,_INT\x02_,__]__]__]_', hex8: '185a4c6b' },
  { data: { k: markUnordered({ n: 1n }) }, bytes: '_[__[_TXTk_,_DICT_[__[_TXTn_,_INT\x01_,__]__]__,__]__]_', hex8: '63bb7b4c' },
  { data: {}, bytes: '_[__]_', hex8: 'abd043ec' },
  { data: { model: 'm1.pt', dataset: 'data.kwcoco.json', thresh: 0.3 }, hex8: '8637bcbf', b36: 'lce98yedf17j' },
  { data: { thresh: 0.3, dataset: 'data.kwcoco.json', model: 'm1.pt' }, hex8: '8637bcbf', b36: 'lce98yedf17j' },
  { data: { pred: 'pred_algo_id_8637bcbf' }, hex8: '429b061d' },
  { data: { eval: 'eval_algo_id_827e04d8', pred: 'pred_algo_id_8637bcbf' }, hex8: 'a64e2a17' },
  // type sensitivity
  { data: { thresh: 0.1 }, hex8: '9f08fb8c' },
  { data: { thresh: '0.1' }, hex8: 'cdd91cb6' },
];

describe('ubelt hash_data test vectors', () => {
  for (const v of VECTORS) {
    test(`${v.hex8} ${v.b36 ?? ''}`, () => {
      if (v.bytes !== undefined) assert.equal(ubeltSerialize(v.data).toString('latin1'), v.bytes);
      assert.equal(hashData(v.data, 16).slice(0, 8), v.hex8);
      if (v.b36 !== undefined) assert.equal(hashData(v.data, 36).slice(0, 12), v.b36);
    });
  }

  test('1 and True hash alike, 1.0 differently', () => {
    const one = hashData({ k: 1n }, 16);
    assert.equal(hashData({ k: true }, 16), one);
    assert.notEqual(hashData({ k: 1.0 }, 16), one);
  });
});

describe('serialization details', () => {
  // Top-level items carry no type prefix (types=False); everything inside a mapping does.
  const cases: { name: string; data: Value; bytes: string }[] = [
    { name: 'nested sequence quirk: no separator after the first sequence item', data: { k: [[1n], [2n]] }, bytes: '_[__[_TXTk_,__[__[_INT\x01_,__]__[_INT\x02_,__]__,__]__]__]_' },
    { name: 'scalars before a sequence keep their separators', data: { k: [1n, [2n], 3n] }, bytes: '_[__[_TXTk_,__[_INT\x01_,__[_INT\x02_,__]_INT\x03_,__]__]__]_' },
    { name: 'top-level scalars carry no type prefix', data: 'abc', bytes: 'abc' },
    { name: 'top-level sequence items carry no type prefix', data: [1n, 'a'], bytes: '_[_\x01_,_a_,__]_' },
    { name: 'ordered mappings hash in written order as ODICT', data: { k: { b: 1n, a: 2n } }, bytes: '_[__[_TXTk_,_ODICT_[__[_TXTb_,_INT\x01_,__]__[_TXTa_,_INT\x02_,__]__,__]__,__]__]_' },
    { name: 'plain dicts hash sorted as DICT', data: { k: markUnordered({ b: 1n, a: 2n }) }, bytes: '_[__[_TXTk_,_DICT_[__[_TXTa_,_INT\x02_,__]__[_TXTb_,_INT\x01_,__]__,__]__,__]__]_' },
    { name: 'utf-8 text', data: { k: 'é' }, bytes: '_[__[_TXTk_,_TXT\xc3\xa9_,__]__]_' },
    { name: 'false is INT 0', data: { k: false }, bytes: '_[__[_TXTk_,_INT\x00_,__]__]_' },
  ];
  for (const c of cases) test(c.name, () => assert.equal(ubeltSerialize(c.data).toString('latin1'), c.bytes));

  const ints: [bigint, number[]][] = [
    [0n, [0]],
    [1n, [1]],
    [127n, [127]],
    [128n, [0, 128]],
    [255n, [0, 255]],
    [256n, [1, 0]],
    [-1n, [255]],
    [-128n, [255, 128]],
    [-129n, [255, 127]],
    [2n ** 64n, [1, 0, 0, 0, 0, 0, 0, 0, 0]],
  ];
  for (const [n, bytes] of ints) {
    test(`int_to_bytes(${n})`, () => assert.deepEqual([...Buffer.from(intBytes(n), 'latin1')], bytes));
  }

  const floats: [number, bigint, bigint][] = [
    [0.5, 1n, 2n],
    [-2.5, -5n, 2n],
    [0.1, 3602879701896397n, 36028797018963968n],
    [3.0, 3n, 1n],
      ];
  for (const [x, num, den] of floats.slice(0, 4)) {
    test(`as_integer_ratio(${x})`, () => assert.deepEqual(floatRatio(x), [num, den]));
  }
  test('as_integer_ratio of a subnormal', () => assert.deepEqual(floatRatio(5e-324), [1n, 2n ** 1074n]));
  test('as_integer_ratio of a huge float is an integer', () => {
    const [num, den] = floatRatio(1e300);
    assert.equal(den, 1n);
    assert.equal(Number(num), 1e300);
  });
  test('non-finite floats cannot be hashed', () => {
    assert.throws(() => hashData({ k: Infinity }, 36), UnhashableValueError);
    assert.throws(() => hashData({ k: NaN }, 36), UnhashableValueError);
  });
  test('base 26 uses a-z', () => assert.match(hashData({ a: 1n }, 26), /^[a-z]+$/));
});
