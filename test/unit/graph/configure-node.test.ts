import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  FinalLayout,
  RequestedConfig,
  givenValues,
  hasDefaultOutputs,
  nodeKeys,
  perfEntries,
  type ConfiguredNode,
  type NodeOutputs,
} from '../../../src/graph/configure-node.js';
import type { Value, ValueMap } from '../../../src/values/value.js';
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

/** A node configured by hand: requested keys in row order, resolved inputs, perf and algo. */
function configured(spec: {
  requested: [string, Value][];
  inputs: [string, Value][];
  perf?: [string, Value][];
  algo: ValueMap;
}): ConfiguredNode {
  const inputs = new Map(spec.inputs);
  return {
    requested: new RequestedConfig(spec.requested.map(([k]) => k), spec.requested.map(([, v]) => v)),
    resolved: { inputs, names: [...inputs.keys()], values: [...inputs.values()], unconnected: [], preds: [] },
    perf: new Map(spec.perf ?? []),
    algo: spec.algo,
    rowOptions: {},
  };
}

/** kwdagger's final_config written out: a dict filled group by group (a key keeps its first place, takes its last value). */
function kwdaggerFinal(c: ConfiguredNode, outputs: NodeOutputs, dir: string): ValueMap {
  const final: Record<string, Value> = {};
  c.requested.keys.forEach((key, i) => (final[key] = c.requested.values[i] as Value));
  for (const [name, value] of c.resolved.inputs) final[name] = value;
  outputs.names.forEach((name, j) => {
    const override = c.requested.get(name);
    final[name] = typeof override === 'string' ? override : dir + (outputs.suffixes[j] as string);
  });
  for (const [name, value] of c.perf) final[name] = value;
  for (const key of Object.keys(c.algo)) final[key] = c.algo[key] as Value;
  return final;
}

describe('FinalLayout: the final config read where its values are', () => {
  const outputs: NodeOutputs = { names: ['out', 'log'], suffixes: ['/out.json', ''] };
  const dir = '/runs/g/n/n_id_abc';
  const cases: { name: string; node: ConfiguredNode }[] = [
    {
      name: 'a sweep job: a param, an input, perf defaults',
      node: configured({ requested: [['p', 1n]], inputs: [['src', '/up/out.txt']], perf: [['workers', 1n]], algo: { p: 1n } }),
    },
    {
      name: 'requested keys come first, in row order, with their final values',
      node: configured({
        requested: [['workers', 4n], ['src', 'x.txt'], ['p', 2.5]],
        inputs: [['src', 'x.txt'], ['other', null]],
        perf: [['threads', 2n], ['workers', 4n]],
        algo: { p: 2.5, other: null, q: 'default' },
      }),
    },
    {
      name: 'an output the grid sets, the other at its default path',
      node: configured({ requested: [['log', '/elsewhere/log'], ['p', true]], inputs: [], algo: { p: true } }),
    },
    {
      name: 'an output set to something not a path keeps its default',
      node: configured({ requested: [['out', null]], inputs: [['src', ['a', 'b']]], algo: {} }),
    },
    { name: 'nothing requested, no perf', node: configured({ requested: [], inputs: [['src', 's']], algo: { q: { nested: [1n] } } }) },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const defaultOutputs = hasDefaultOutputs(c.node, outputs);
      const layout = new FinalLayout(c.node, outputs, defaultOutputs);
      const given = givenValues(c.node, outputs, defaultOutputs);
      const own = { algo: c.node.algo, perfValues: perfEntries(c.node.perf).values };
      const want = kwdaggerFinal(c.node, outputs, dir);
      const got = layout.config(given, own, dir, outputs);
      assert.deepEqual(Object.keys(got), Object.keys(want), 'key order');
      assert.deepEqual(got, want);
      // The kept values: null where an output is at its default path.
      layout.keys.forEach((key, i) => {
        const j = layout.outputAt(i);
        const kept = j >= 0 && typeof c.node.requested.get(key) !== 'string' ? null : want[key];
        assert.deepEqual(layout.valueAt(i, given, own), kept, key);
        if (j >= 0) assert.deepEqual(layout.outputValue(j, given), kept, key);
      });
      assert.equal(layout.fits(c.node, defaultOutputs), true);
      assert.equal(layout.fits(c.node, !defaultOutputs), false);
    });
  }

  test('fits a job with the same keys, not one whose keys differ', () => {
    const a = configured({ requested: [['p', 1n]], inputs: [['src', 'a']], perf: [['w', 1n]], algo: { p: 1n, q: 2n } });
    const layout = new FinalLayout(a, outputs, true);
    const same = { ...configured({ requested: [], inputs: [['src', 'b']], perf: [['w', 3n]], algo: { p: 5n, q: 6n } }), requested: new RequestedConfig(a.requested.keys, [5n]) };
    assert.equal(layout.fits(same, true), true);
    const cases: [string, ConfiguredNode][] = [
      ['algo keys in another order', { ...a, algo: { q: 2n, p: 1n } }],
      ['another input', configured({ requested: [['p', 1n]], inputs: [['src2', 'a']], perf: [['w', 1n]], algo: { p: 1n, q: 2n } })],
      ['another perf key', { ...a, perf: new Map([['v', 1n]]) }],
      ['other requested keys', { ...a, requested: new RequestedConfig(['p'], [1n]) }],
    ];
    for (const [name, other] of cases) assert.equal(layout.fits(other, true), false, name);
  });

  test('a requested key no group sets is an internal error', () => {
    const node = configured({ requested: [['stray', 1n]], inputs: [], algo: {} });
    assert.throws(() => new FinalLayout(node, outputs, true), /internal: requested key "stray"/);
  });
});
