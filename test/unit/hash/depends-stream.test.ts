import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { dependsEntry, dependsStream, mergedEntries, streamWithEntry, withEntry, type DependsEntries } from '../../../src/hash/depends-stream.js';
import { processId } from '../../../src/hash/ids.js';
import { hashData, sha512Hex, ubeltSerialize } from '../../../src/hash/ubelt-hash.js';

function entriesOf(depends: Record<string, string>): DependsEntries {
  return Object.keys(depends)
    .sort()
    .map((key) => dependsEntry(key, depends[key] as string));
}

describe('dependsStream is the stream ubelt hashes for a depends dict', () => {
  const cases: Record<string, string>[] = [
    {},
    { predict: 'predict_algo_id_3q6dcvd0l4ax' },
    { predict: 'predict_algo_id_3q6dcvd0l4ax', track: 'track_algo_id_pah425pgwjt5' },
    { e: 'e_algo_id_1', a: 'a_algo_id_2', c: 'c_algo_id_3', b: 'b_algo_id_4', d: 'd_algo_id_5' },
    { 'trk.pxl': 'x_algo_id_aaaaaaaaaaaa', trk_pxl: 'y', Upper: 'z', '0node': 'w' },
  ];
  for (const depends of cases) {
    test(JSON.stringify(Object.keys(depends)), () => {
      const stream = dependsStream(entriesOf(depends));
      assert.equal(stream, ubeltSerialize(depends).toString('latin1'));
      assert.equal(sha512Hex(stream), hashData(depends, 16));
    });
  }
});

describe('entries are built from the upstream job', () => {
  const upstream = entriesOf({ a: 'a_algo_id_1', c: 'c_algo_id_3' });
  const cases: { name: string; got: DependsEntries; want: Record<string, string> }[] = [
    { name: 'own key last', got: withEntry(upstream, dependsEntry('d', 'd_algo_id_4')), want: { a: 'a_algo_id_1', c: 'c_algo_id_3', d: 'd_algo_id_4' } },
    { name: 'own key first', got: withEntry(upstream, dependsEntry('0', '0_algo_id_0')), want: { 0: '0_algo_id_0', a: 'a_algo_id_1', c: 'c_algo_id_3' } },
    { name: 'own key between', got: withEntry(upstream, dependsEntry('b', 'b_algo_id_2')), want: { a: 'a_algo_id_1', b: 'b_algo_id_2', c: 'c_algo_id_3' } },
    { name: 'own key replaces', got: withEntry(upstream, dependsEntry('c', 'c_algo_id_9')), want: { a: 'a_algo_id_1', c: 'c_algo_id_9' } },
    {
      name: 'fan-in: the last predecessor of a key wins, then the node itself',
      got: mergedEntries([upstream, entriesOf({ b: 'b_algo_id_2', c: 'c_algo_id_7' })], dependsEntry('e', 'e_algo_id_5')),
      want: { a: 'a_algo_id_1', b: 'b_algo_id_2', c: 'c_algo_id_7', e: 'e_algo_id_5' },
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.deepEqual(c.got, entriesOf(c.want));
      // The same process id as hashing the dict itself.
      assert.equal(processId('n', c.want, 'geowatch-v2'), `n_id_${sha512Hex(dependsStream(c.got)).slice(0, 8)}`);
    });
  }
});

describe('streamWithEntry is the stream of the entries with one more', () => {
  const BASES: Record<string, string>[] = [
    {},
    { m: 'm_algo_id_1' },
    { c: 'c_algo_id_1', m: 'm_algo_id_2' },
    { b: 'b_algo_id_1', d: 'd_algo_id_2', f: 'f_algo_id_3' },
  ];
  // Before every entry, between them, after them, and in place of one.
  const KEYS = ['a', 'c', 'e', 'm', 'z'];
  for (const base of BASES) {
    for (const key of KEYS) {
      test(`${JSON.stringify(Object.keys(base))} + ${key}`, () => {
        const entries = entriesOf(base);
        const own = dependsEntry(key, `${key}_algo_id_own`);
        for (let asked = 0; asked < 2; asked++) {
          const stream = streamWithEntry(entries, own);
          assert.equal(stream, dependsStream(withEntry(entries, own)), `asked ${asked + 1} time(s)`);
          assert.equal(stream, ubeltSerialize({ ...base, [key]: `${key}_algo_id_own` }).toString('latin1'));
        }
      });
    }
  }
});
