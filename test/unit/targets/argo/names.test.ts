import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DNS_LABEL, NameScope, dnsName, padded } from '../../../../src/targets/argo/names.js';

describe('dnsName', () => {
  const CASES: readonly [string, string][] = [
    ['predict_id_vpqa8zhuivpa', 'predict-id-vpqa8zhuivpa'],
    ['Predict.Node', 'predict-node'],
    ['7up', 'x-7up'],
    ['__x__', 'x'],
    ['', 'x-'],
    ['ünï', 'n'],
    ['a--b', 'a--b'],
    ['-lead', 'lead'],
  ];
  for (const [text, expected] of CASES) {
    test(`${JSON.stringify(text)} → ${expected.replace(/-$/, '')}`, () => {
      const name = dnsName(text);
      assert.equal(name, expected.replace(/-+$/, ''));
      assert.match(name, DNS_LABEL);
    });
  }

  test('long text is cut to the limit without a trailing dash', () => {
    const name = dnsName(`${'a'.repeat(39)}-${'b'.repeat(40)}`, 40);
    assert.equal(name, 'a'.repeat(39));
  });
});

describe('NameScope', () => {
  test('names that sanitize alike get -2, -3 suffixes', () => {
    const scope = new NameScope();
    assert.deepEqual(['a_b', 'a-b', 'A.B', 'c'].map((t) => scope.claim(t)), ['a-b', 'a-b-2', 'a-b-3', 'c']);
  });

  test('a suffix keeps the name within its length', () => {
    const scope = new NameScope(10);
    scope.claim('abcdefghijkl');
    const second = scope.claim('abcdefghijkl');
    assert.equal(second, 'abcdefgh-2');
    assert.ok(second.length <= 10);
  });
});

test('padded numbers sort in order', () => {
  assert.deepEqual([padded(2, 4), padded(10, 4), padded(12345, 4)], ['0002', '0010', '12345']);
});
