import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { describeCycle, topoOrder, type OrderEdge } from '../../../src/pipeline/topo-order.js';

/** `a>b` is an edge from a to b. */
function edges(...specs: string[]): OrderEdge[] {
  return specs.map((spec) => {
    const [from, to] = spec.split('>') as [string, string];
    return { from, to };
  });
}

describe('topoOrder', () => {
  const cases: { name: string; names: string[]; edges: OrderEdge[]; order: string[]; cycles?: string[] }[] = [
    { name: 'no edges keeps declaration order', names: ['c', 'a', 'b'], edges: [], order: ['c', 'a', 'b'] },
    { name: 'an edge moves a node after its source', names: ['b', 'a'], edges: edges('a>b'), order: ['a', 'b'] },
    { name: 'a chain declared backwards', names: ['c', 'b', 'a'], edges: edges('a>b', 'b>c'), order: ['a', 'b', 'c'] },
    {
      name: 'ties go to the earlier declaration, also after a release',
      names: ['x', 'd', 'a', 'b'],
      edges: edges('a>d', 'a>b'),
      // x is ready first; then a (d waits for it); then d before b by declaration.
      order: ['x', 'a', 'd', 'b'],
    },
    { name: 'a diamond', names: ['sink', 'left', 'right', 'src'], edges: edges('src>left', 'src>right', 'left>sink', 'right>sink'), order: ['src', 'left', 'right', 'sink'] },
    { name: 'duplicate edges are fine', names: ['b', 'a'], edges: edges('a>b', 'a>b'), order: ['a', 'b'] },
    { name: 'a self-loop', names: ['a', 'b'], edges: edges('a>a'), order: ['b', 'a'], cycles: ['a → a'] },
    {
      name: 'a cycle and a node waiting on it',
      names: ['a', 'b', 'c', 'd'],
      edges: edges('a>b', 'b>c', 'c>a', 'c>d'),
      order: ['a', 'b', 'c', 'd'],
      cycles: ['a → b → c → a'],
    },
    {
      name: 'two independent cycles are both reported, each by its shortest loop',
      names: ['p', 'q', 'r', 'x', 'y'],
      edges: edges('p>q', 'q>p', 'q>r', 'r>p', 'y>x', 'x>y'),
      order: ['p', 'q', 'r', 'x', 'y'],
      cycles: ['p → q → p', 'x → y → x'],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const result = topoOrder(c.names, c.edges);
      assert.deepEqual(result.order, c.order);
      assert.deepEqual(result.cycles.map(describeCycle), c.cycles ?? []);
    });
  }

  test('a cycle is returned as its edges, spans included', () => {
    const source = { path: 'p.yaml', text: 'xxxxxxxx' };
    const closing: OrderEdge = { from: 'b', to: 'a', span: { source, start: 2, end: 4 } };
    const { cycles } = topoOrder(['a', 'b'], [{ from: 'a', to: 'b' }, closing]);
    assert.deepEqual(cycles, [[{ from: 'a', to: 'b' }, closing]]);
  });

  test('an edge to an unknown name is a caller bug', () => {
    assert.throws(() => topoOrder(['a'], edges('a>z')), /unknown node/);
  });
});
