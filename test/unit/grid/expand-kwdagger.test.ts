import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertRows, gridOf, rowsOf } from '../../helpers/grid-of.js';
import { countRows, expandGrid } from '../../../src/grid/index.js';
import type { Value, ValueMap } from '../../../src/values/value.js';




const expand = (text: string): ValueMap[] => [...expandGrid(gridOf(text))];

describe('kwdagger worked examples (§1.11)', () => {
  test('A: scalars and lists, last key fastest', () => {
    assertRows(
      expand('matrix: {a.x: [1, 2], a.y: foo, b.z: [0.1, 0.2]}'),
      rowsOf(`
- {a.x: 1, a.y: foo, b.z: 0.1}
- {a.x: 1, a.y: foo, b.z: 0.2}
- {a.x: 2, a.y: foo, b.z: 0.1}
- {a.x: 2, a.y: foo, b.z: 0.2}`),
    );
  });

  test('B: include, the GitHub docs example', () => {
    const text = `
matrix: {fruit: [apple, pear], animal: [cat, dog]}
include:
  - {color: green}
  - {color: pink, animal: cat}
  - {fruit: apple, shape: circle}
  - {fruit: banana}
  - {fruit: banana, animal: cat}`;
    assertRows(
      expand(text),
      rowsOf(`
- {fruit: apple, animal: cat, color: pink, shape: circle}
- {fruit: apple, animal: dog, color: green, shape: circle}
- {fruit: pear, animal: cat, color: pink}
- {fruit: pear, animal: dog, color: green}
- {fruit: banana}
- {fruit: banana, animal: cat}`),
    );
  });

  test('C: submatrices fork rows', () => {
    const text = `
matrix: {step1.src: [dset1, dset2], step1.res: [10, 20]}
submatrices:
  - {step1.src: dset1, step2.src: big1}
  - {step1.src: dset2, step2.src: [big2A, big2B]}`;
    assertRows(
      expand(text),
      rowsOf(`
- {step1.src: dset1, step1.res: 10, step2.src: big1}
- {step1.src: dset1, step1.res: 20, step2.src: big1}
- {step1.src: dset2, step1.res: 10, step2.src: big2A}
- {step1.src: dset2, step1.res: 10, step2.src: big2B}
- {step1.src: dset2, step1.res: 20, step2.src: big2A}
- {step1.src: dset2, step1.res: 20, step2.src: big2B}`),
    );
  });

  test('D: two submatrix groups give 20 rows', () => {
    const text = `
matrix:
  s1.src: [d1, d2, d3, d4]
  s1.res: [10, 20, 30]
submatrices1:
  - {s1.res: 10, s2.res: [10, 15]}
  - {s1.res: 20, s2.res: 20}
submatrices2:
  - {s1.src: d1, s2.src: b1A}
  - {s1.src: d2, s2.src: [b2A, b2B]}
  - {s1.src: d3, s2.src: b3A}`;
    const rows = expand(text);
    assert.equal(rows.length, 20);
    assert.ok(rows.filter((r) => r['s1.src'] === 'd4').every((r) => !('s2.src' in r)));
    assert.ok(rows.filter((r) => r['s1.res'] === 30n).every((r) => !('s2.res' in r)));
    const d2at10 = rows.filter((r) => r['s1.src'] === 'd2' && r['s1.res'] === 10n);
    assertRows(
      d2at10,
      rowsOf(`
- {s1.src: d2, s1.res: 10, s2.res: 10, s2.src: b2A}
- {s1.src: d2, s1.res: 10, s2.res: 10, s2.src: b2B}
- {s1.src: d2, s1.res: 10, s2.res: 15, s2.src: b2A}
- {s1.src: d2, s1.res: 10, s2.res: 15, s2.src: b2B}`),
    );
    assertRows(rows.slice(0, 4), rowsOf(`
- {s1.src: d1, s1.res: 10, s2.res: 10, s2.src: b1A}
- {s1.src: d1, s1.res: 10, s2.res: 15, s2.src: b1A}
- {s1.src: d1, s1.res: 20, s2.res: 20, s2.src: b1A}
- {s1.src: d1, s1.res: 30, s2.src: b1A}`));
    assert.equal(countRows(gridOf(text)), 20);
  });
});

describe('kwdagger semantics (§1.2–§1.10)', () => {
  const cases: { name: string; grid: string; rows: string }[] = [
    { name: 'a flat mapping is read as a matrix', grid: 'a: [1, 2]\nb: x', rows: '[{a: 1, b: x}, {a: 2, b: x}]' },
    { name: 'a flat mapping may hold exclude', grid: 'a: [1, 2]\nexclude: [{a: 1}]', rows: '[{a: 2}]' },
    { name: 'scheduler options are not params', grid: 'pipeline: p.yaml\nmax_configs: 5\na: 1', rows: '[{a: 1}]' },
    { name: 'an empty document is one empty row', grid: '', rows: '[{}]' },
    { name: 'an empty mapping is one empty row', grid: '{}', rows: '[{}]' },
    { name: 'null is a value', grid: 'a:\nb: [null, ~]', rows: '[{a: null, b: null}, {a: null, b: null}]' },
    {
      name: 'matrices are concatenated in order, duplicates kept',
      grid: 'matrices:\n  - matrix: {a: [1, 2]}\n  - matrix: {a: [2, 3]}',
      rows: '[{a: 1}, {a: 2}, {a: 2}, {a: 3}]',
    },
    { name: 'a repeated alternative repeats the row (no dedup)', grid: 'a: [1, 1]', rows: '[{a: 1}, {a: 1}]' },
    { name: 'a nested list is one literal list value', grid: 'a: [[1, 2]]', rows: '[{a: [1, 2]}]' },
    { name: 'a list of lists is alternatives of lists', grid: 'a: [[1, 2], [3]]', rows: '[{a: [1, 2]}, {a: [3]}]' },
    { name: 'an empty nested list is one empty-list value', grid: 'a: [[]]', rows: '[{a: []}]' },
    { name: 'a mapping is one value (v3)', grid: 'a: {k1: v1, k2: v2}', rows: '[{a: {k1: v1, k2: v2}}]' },
    {
      name: 'a list of mappings is alternatives',
      grid: 'a: [{k: 1}, {k: 2}]',
      rows: '[{a: {k: 1}}, {a: {k: 2}}]',
    },
    { name: 'a .yaml string stays a literal string', grid: 'a: other.yaml', rows: '[{a: other.yaml}]' },
    {
      name: 'YAML 1.2: None and yes stay strings',
      grid: "a: [None, yes, 'no', off]",
      rows: "[{a: None}, {a: 'yes'}, {a: 'no'}, {a: 'off'}]",
    },
    {
      name: 'include matching uses Python ==, and the include value replaces (1 -> 1.0)',
      grid: 'matrix: {a: [1, 2]}\ninclude: [{a: 1.0, b: x}]',
      rows: '[{a: 1.0, b: x}, {a: 2}]',
    },
    {
      name: 'true == 1 when matching an include',
      grid: 'matrix: {a: [1, 2]}\ninclude: [{a: true, b: x}]',
      rows: '[{a: true, b: x}, {a: 2}]',
    },
    { name: "'1' is not 1", grid: "matrix: {a: [1]}\ninclude: [{a: '1', b: x}]", rows: "[{a: 1}, {a: '1', b: x}]" },
    { name: 'exclude matches with Python ==', grid: 'matrix: {a: [1, 2]}\nexclude: [{a: 1.0}]', rows: '[{a: 2}]' },
    {
      name: 'exclude needs every pair of the entry',
      grid: 'matrix: {a: [1, 2], b: [x, y]}\nexclude: [{a: 1, b: y}, {a: 2, c: z}]',
      rows: '[{a: 1, b: x}, {a: 2, b: x}, {a: 2, b: y}]',
    },
    { name: 'an empty exclude entry matches nothing', grid: 'matrix: {a: [1, 2]}\nexclude: [{}]', rows: '[{a: 1}, {a: 2}]' },
    {
      name: 'include runs before exclude; the excluded include counts as matched',
      grid: 'matrix: {a: [1, 2]}\nexclude: [{a: 1}]\ninclude: [{a: 1, z: q}]',
      rows: '[{a: 2}]',
    },
    {
      name: 'exclude sees keys that only an include adds',
      grid: 'matrix: {a: [1, 2]}\ninclude: [{a: 1, b: x}]\nexclude: [{b: x}]',
      rows: '[{a: 2}]',
    },
    {
      name: 'include is compared with the row before any include',
      grid: 'matrix: {a: [1]}\ninclude: [{b: x}, {b: y, c: 1}]',
      rows: '[{a: 1, b: y, c: 1}]',
    },
    {
      name: 'include-only: every entry merges into the one empty row',
      grid: 'include: [{a: 1}, {a: 2, b: 3}]',
      rows: '[{a: 2, b: 3}]',
    },
    {
      name: 'an include naming only new keys merges into every row',
      grid: 'matrix: {java: [8, 11]}\ninclude: [{step: a}, {step: b}]',
      rows: '[{java: 8, step: b}, {java: 11, step: b}]',
    },
    {
      name: 'include lists are literal values',
      grid: 'matrix: {a: [1]}\ninclude: [{a: 1, b: [x, y]}]',
      rows: '[{a: 1, b: [x, y]}]',
    },
    {
      name: 'include and exclude next to matrix work like inside it',
      grid: 'matrix:\n  a: [1, 2, 3]\n  exclude: [{a: 3}]\ninclude: [{a: 2, b: x}]',
      rows: '[{a: 1}, {a: 2, b: x}]',
    },
    {
      name: 'submatrices alone list rows explicitly (docstring example, 5 rows)',
      grid: `
submatrices:
  - {common_variable: a, old_variable: a}
  - {common_variable: a, old_variable: null, new_variable: 1}
  - {common_variable: a, old_variable: null, new_variable: 11}
  - {common_variable: a, old_variable: null, new_variable: 2}
  - {common_variable: b, old_variable: null, new_variable: 22}`,
      rows: `
- {common_variable: a, old_variable: a}
- {common_variable: a, old_variable: null, new_variable: 1}
- {common_variable: a, old_variable: null, new_variable: 11}
- {common_variable: a, old_variable: null, new_variable: 2}
- {common_variable: b, old_variable: null, new_variable: 22}`,
    },
    {
      name: 'a row no subrow matches passes through unchanged',
      grid: 'matrix: {a: [1, 2]}\nsubmatrices: [{a: 1, b: [x, y]}]',
      rows: '[{a: 1, b: x}, {a: 1, b: y}, {a: 2}]',
    },
    {
      name: 'gotcha: a later group does not condition on keys an earlier group added',
      grid: 'matrix: {a: [1]}\nsubmatrices1: [{a: 1, b: x}]\nsubmatrices2: [{b: x, c: 1}, {b: q, c: 2}]',
      rows: '[{a: 1, b: x, c: 1}, {a: 1, b: q, c: 2}]',
    },
    {
      name: 'submatricesN apply in numeric order (10 after 2), whatever the written order',
      grid: 'matrix: {a: [1]}\nsubmatrices10: [{b: late}]\nsubmatrices2: [{b: early, c: 2}]\nsubmatrices: [{b: first}]',
      rows: '[{a: 1, b: late, c: 2}]',
    },
    {
      name: 'a subrow replaces an original value it matched with Python ==',
      grid: 'matrix: {a: [1, 2]}\nsubmatrices: [{a: 1.0, b: x}]',
      rows: '[{a: 1.0, b: x}, {a: 2}]',
    },
    {
      name: 'includes apply to every submatrix fork',
      grid: 'matrix: {a: [1]}\nsubmatrices: [{b: [x, y]}]\ninclude: [{c: 1}]\nexclude: [{b: y}]',
      rows: '[{a: 1, b: x, c: 1}]',
    },
    {
      name: 'node specials are ordinary keys',
      grid: 'predict.__enabled__: [true, false]',
      rows: '[{predict.__enabled__: true}, {predict.__enabled__: false}]',
    },
  ];
  for (const c of cases) {
    test(c.name, () => assertRows(expand(c.grid), rowsOf(c.rows)));
  }

  test('docstring example with three subrow groups yields 14 rows', () => {
    const text = `
matrix:
  common_variable: [a, b]
  old_variable: [null, auto]
submatrices:
  - {old_variable: null, new_variable1: [1, 2], new_variable2: [3, 4]}
  - {old_variable: null, new_variable2: [33, 44]}
  - {old_variable: blag, new_variable: [10, 20]}`;
    const rows = expand(text);
    assert.equal(rows.length, 14);
    assert.ok(rows.every((r) => !('new_variable' in r)));
    assert.equal(countRows(gridOf(text)), 14);
  });

  test('GitHub docs exclude example: 12 combinations minus 3', () => {
    const rows = expand(`
matrix:
  os: [macos-latest, windows-latest]
  version: [12, 14, 16]
  environment: [staging, production]
  exclude:
    - {os: macos-latest, version: 12, environment: production}
    - {os: windows-latest, version: 16}`);
    assert.equal(rows.length, 9);
    assert.ok(!rows.some((r) => r['os'] === 'windows-latest' && r['version'] === 16n));
  });

  test('max_configs caps the rows across specs', () => {
    const grid = gridOf('max_configs: 3\nmatrices:\n  - matrix: {a: [1, 2]}\n  - matrix: {b: [1, 2]}');
    assertRows([...expandGrid(grid)], rowsOf('[{a: 1}, {a: 2}, {b: 1}]'));
    assert.equal(countRows(grid), 3);
  });

  test('rows are fresh objects', () => {
    const grid = gridOf('matrix: {a: [1]}\ninclude: [{b: 2}, {c: [3], a: 9}]');
    const [first] = [...expandGrid(grid)];
    const [second] = [...expandGrid(grid)];
    assert.ok(first && second && first !== second);
    (first as Record<string, Value>)['a'] = 'changed';
    assertRows([...expandGrid(grid)], rowsOf('[{a: 1, b: 2}, {c: [3], a: 9}]'));
  });

  // Base rows are made by an object literal that names the keys: keys that need quoting
  // in it must come out as written, in order, with numeric keys where JS puts them.
  const hostileKeys = [
    { name: 'quotes, backslashes, line and paragraph separators', keys: ['a."q"', 'a.\\', 'a.\u2028\u2029', "a.'s", 'a.${x}'] },
    { name: 'integer-like keys, which JS objects order first', keys: ['z.p', '10', '2', 'a.p'] },
    { name: 'more keys than a literal names (set one by one)', keys: Array.from({ length: 70 }, (_, i) => `n.k${i}`) },
  ];
  for (const c of hostileKeys) {
    test(`row keys: ${c.name}`, () => {
      const text = `matrix:\n${c.keys.map((key, i) => `  ${JSON.stringify(key)}: [${i}, x${i}]`).join('\n')}\n`;
      const rows: ValueMap[] = [];
      for (const row of expandGrid(gridOf(text))) if (rows.push(row) === 2) break;
      const expected: Record<string, Value> = {};
      for (const [i, key] of c.keys.entries()) expected[key] = BigInt(i);
      assert.deepStrictEqual(Object.entries(rows[0] as ValueMap), Object.entries(expected));
      expected[c.keys[c.keys.length - 1] as string] = `x${c.keys.length - 1}`;
      assert.deepStrictEqual(Object.entries(rows[1] as ValueMap), Object.entries(expected));
      assert.equal(Object.getPrototypeOf(rows[0]), Object.prototype);
    });
  }

  test('expansion is lazy: the first rows of a 10^12-row grid come at once', () => {
    const axis = `[${Array.from({ length: 100 }, (_, i) => i).join(', ')}]`;
    const keys = Array.from({ length: 6 }, (_, i) => `k${i}: ${axis}`).join('\n');
    const grid = gridOf(keys);
    const rows: ValueMap[] = [];
    for (const row of expandGrid(grid)) {
      rows.push(row);
      if (rows.length === 2) break;
    }
    assert.deepStrictEqual(rows.map((r) => r['k5']), [0n, 1n]);
    assert.equal(countRows(grid), 1e12);
  });
});
