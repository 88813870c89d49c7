import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RequestedConfig, nodeKeys } from '../../../src/graph/configure-node.js';
import type { Route } from '../../../src/graph/routing.js';

const route = (local: string, kind: Route['kind'] = 'param'): Route => ({ node: 'track', local, kind });

describe('nodeKeys', () => {
  const cases: { name: string; routes: Route[]; locals: string[]; localOf: number[] }[] = [
    { name: 'one name a route', routes: [route('a'), route('b')], locals: ['a', 'b'], localOf: [0, 1] },
    // Two grid keys for one name (the node's own prefix and a namespace): one place, the first.
    { name: 'a name routed twice', routes: [route('a'), route('b'), route('a')], locals: ['a', 'b'], localOf: [0, 1, 0] },
    { name: 'scheduler keys are no names', routes: [route('__enabled__', 'special'), route('a')], locals: ['a'], localOf: [-1, 0] },
    { name: 'no keys', routes: [], locals: [], localOf: [] },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const keys = nodeKeys(c.routes, c.routes.map((r, i) => `k${i}.${r.local}`));
      assert.deepEqual(keys.locals, c.locals);
      assert.deepEqual(keys.localOf, c.localOf);
    });
  }
});

describe('RequestedConfig', () => {
  const requested = new RequestedConfig(['a', 'b'], [1, null]);
  test('get and has, a null value included', () => {
    assert.equal(requested.size, 2);
    assert.equal(requested.get('a'), 1);
    assert.equal(requested.get('b'), null);
    assert.equal(requested.get('c'), undefined);
    assert.deepEqual([requested.has('b'), requested.has('c')], [true, false]);
  });
});
