import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Diagnostic } from '../../../src/diagnostics/diagnostic.js';
import { lineCol } from '../../../src/diagnostics/render.js';
import { loadYaml } from '../../../src/parse/load-yaml.js';
import { parseGrid } from '../../../src/grid/index.js';

function parse(text: string): ReturnType<typeof parseGrid> {
  const { loaded, diagnostics } = loadYaml({ path: 'grid.yaml', text });
  assert.ok(loaded, JSON.stringify(diagnostics));
  return parseGrid(loaded, { readFile: () => ({ diagnostics: [] }) });
}

/** The text a diagnostic points at, and its line. */
function pointed(d: Diagnostic): { text: string; line: number } {
  assert.ok(d.span, `diagnostic without span: ${d.message}`);
  return { text: d.span.source.text.slice(d.span.start, d.span.end), line: lineCol(d.span.source.text, d.span.start).line };
}

describe('parseGrid refuses what kwdagger silently loses', () => {
  const cases: { name: string; grid: string; code: string; at: string; line?: number; hint?: RegExp; found?: RegExp }[] = [
    {
      name: 'include both next to matrix and inside it',
      grid: 'matrix:\n  a: 1\n  include: [{b: inner}]\ninclude: [{c: outer}]',
      code: 'E_INCLUDE_CONFLICT',
      at: 'include',
      line: 4,
      found: /inside "matrix" at grid\.yaml:3:3/,
    },
    {
      name: 'exclude at both levels',
      grid: 'exclude: [{a: 2}]\nmatrix:\n  a: [1, 2]\n  exclude: [{a: 1}]',
      code: 'E_INCLUDE_CONFLICT',
      at: 'exclude',
      line: 1,
      found: /grid\.yaml:4:3/,
    },
    {
      name: 'submatrices2 at both levels',
      grid: 'matrix:\n  a: [1]\n  submatrices2: [{b: 1}]\nsubmatrices2: [{b: 2}]',
      code: 'E_INCLUDE_CONFLICT',
      at: 'submatrices2',
      line: 4,
    },
    { name: 'an empty list of values', grid: 'matrix:\n  a: [1]\n  b: []', code: 'E_EMPTY_LIST', at: '[]', line: 3, hint: /\[\[\]\]/ },
    { name: 'an empty list in a flat mapping', grid: 'a: []', code: 'E_EMPTY_LIST', at: '[]' },
    {
      name: 'an empty list in a submatrix entry',
      grid: 'matrix: {a: [1]}\nsubmatrices:\n  - {a: 1, b: []}',
      code: 'E_EMPTY_LIST',
      at: '[]',
      line: 3,
    },
    { name: 'every row excluded', grid: 'matrix: {a: [1, 2]}\nexclude: [{a: 1}, {a: 2}]', code: 'E_EMPTY_GRID', at: 'matrix', found: /excluded/ },
    { name: 'an empty matrices list', grid: 'matrices: []', code: 'E_EMPTY_GRID', at: 'matrices' },
    { name: 'a misspelt spec key', grid: 'matrix: {a: 1}\nexlude: [{a: 1}]', code: 'E_GRID_KEY', at: 'exlude', hint: /did you mean "exclude"\?/ },
    {
      name: 'a param next to matrix',
      grid: 'matrix: {a: 1}\nb: 2',
      code: 'E_GRID_KEY',
      at: 'b',
      hint: /belong under "matrix:"/,
    },
    {
      name: 'a flat item under matrices',
      grid: 'matrices:\n  - a: [1, 2]',
      code: 'E_GRID_KEY',
      at: 'a',
      line: 2,
      hint: /under "matrix:"/,
    },
    {
      name: 'a scheduler option inside a spec',
      grid: 'matrices:\n  - matrix: {a: 1}\n    pipeline: p.yaml',
      code: 'E_GRID_KEY',
      at: 'pipeline',
      hint: /top level/,
    },
    { name: 'keys next to matrices', grid: 'matrix: {a: 1}\nmatrices:\n  - matrix: {b: 1}', code: 'E_GRID_KEY', at: 'matrix', line: 1 },
    { name: 'a misspelt matrix in a flat file', grid: 'matrx: {a: [1, 2]}', code: 'E_GRID_KEY', at: 'matrx', hint: /did you mean "matrix"\?/ },
    { name: 'a misspelt option in a flat file', grid: 'max_config: 3\na.b: 1', code: 'E_GRID_KEY', at: 'max_config', hint: /"max_configs"/ },
    { name: 'a top-level list', grid: '- matrix: {a: 1}', code: 'E_SCHEMA', at: '- matrix: {a: 1}', hint: /matrices/ },
    { name: 'a scalar top level', grid: 'hello', code: 'E_SCHEMA', at: 'hello' },
    { name: 'matrices that is not a list', grid: 'matrices: {matrix: {a: 1}}', code: 'E_SCHEMA', at: '{matrix: {a: 1}}' },
    { name: 'a matrices item that is not a mapping', grid: 'matrices: [5]', code: 'E_SCHEMA', at: '5' },
    { name: 'a null matrix', grid: 'matrix:\ninclude: [{a: 1}]', code: 'E_SCHEMA', at: 'matrix' },
    { name: 'include that is not a list', grid: 'matrix: {a: 1}\ninclude: {b: 2}', code: 'E_SCHEMA', at: '{b: 2}' },
    { name: 'an include entry that is not a mapping', grid: 'matrix: {a: 1}\ninclude: [b]', code: 'E_SCHEMA', at: 'b', line: 2 },
    { name: 'an empty include key', grid: 'matrix: {a: 1}\ninclude:', code: 'E_SCHEMA', at: 'include' },
    { name: 'a submatrices entry that is not a mapping', grid: 'matrix: {a: 1}\nsubmatrices: [[1]]', code: 'E_SCHEMA', at: '[1]' },
    { name: 'unknown grid semantics', grid: 'grid_semantics: githib\na: 1', code: 'E_SCHEMA', at: 'githib', hint: /did you mean "github"\?/ },
    { name: 'max_configs of zero', grid: 'max_configs: 0\na: 1', code: 'E_SCHEMA', at: '0' },
    { name: 'a float max_configs', grid: 'max_configs: 2.5\na: 1', code: 'E_SCHEMA', at: '2.5' },
    { name: 'a non-string pipeline', grid: 'pipeline: [a]\na: 1', code: 'E_SCHEMA', at: '[a]' },
    { name: 'a list slurm_options', grid: 'slurm_options: [a]\na: 1', code: 'E_SCHEMA', at: '[a]' },
    { name: 'a __proto__ key', grid: '__proto__: [1]\na: 1', code: 'E_GRID_KEY', at: '__proto__' },
    {
      name: 'submatrices under github semantics',
      grid: 'grid_semantics: github\nmatrix: {a: [1]}\nsubmatrices: [{b: 1}]',
      code: 'E_GRID_KEY',
      at: 'submatrices',
      hint: /include/,
    },
    { name: 'github: no axes and no include', grid: 'grid_semantics: github\nmatrix: {}', code: 'E_EMPTY_GRID', at: 'grid_semantics', found: /no axes/ },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const { grid, diagnostics } = parse(c.grid);
      assert.equal(grid, undefined);
      assert.deepEqual(diagnostics.map((d) => d.code), [c.code]);
      const d = diagnostics[0] as Diagnostic;
      assert.equal(d.severity, 'error');
      assert.match(d.message, /^[a-z"_]/);
      assert.doesNotMatch(d.message, /\.$/);
      const where = pointed(d);
      assert.ok(where.text.startsWith(c.at), `points at ${JSON.stringify(where.text)}, expected ${JSON.stringify(c.at)}`);
      if (c.line !== undefined) assert.equal(where.line, c.line);
      if (c.hint) assert.match(d.hint ?? '', c.hint);
      if (c.found) assert.match(d.found ?? '', c.found);
    });
  }

  test('collects every error instead of stopping at the first', () => {
    const { diagnostics } = parse('matrix:\n  a: []\n  b: []\n  include: [{x: 1}]\ninclude: [{y: 1}]\nexlude: []');
    assert.deepEqual(diagnostics.map((d) => d.code).sort(), ['E_EMPTY_LIST', 'E_EMPTY_LIST', 'E_GRID_KEY', 'E_INCLUDE_CONFLICT']);
  });
});

describe('parseGrid options and shapes', () => {
  test('reads the scheduler options and keeps them out of the rows', () => {
    const { grid, diagnostics } = parse(
      'pipeline: pipe.yaml\nslurm_options: {partition: gpu, mem: 8G}\nmax_configs: 7\ngrid_semantics: github\nmatrix: {a: [1]}',
    );
    assert.deepEqual(diagnostics, []);
    assert.ok(grid);
    assert.equal(grid.semantics, 'github');
    assert.deepStrictEqual(grid.options, { pipeline: 'pipe.yaml', slurmOptions: { partition: 'gpu', mem: '8G' }, maxConfigs: 7 });
    assert.deepEqual(grid.specs[0]?.axes.map((a) => a.key), ['a']);
  });

  test('slurm_options may be a YAML string holding a mapping', () => {
    const { grid } = parse('slurm_options: "{partition: gpu, cpus-per-task: 4}"\na: 1');
    assert.deepStrictEqual(grid?.options.slurmOptions, { partition: 'gpu', 'cpus-per-task': 4n });
  });

  test('grid_semantics: kwdagger is accepted and is the default', () => {
    assert.equal(parse('grid_semantics: kwdagger\na: 1').grid?.semantics, 'kwdagger');
    assert.equal(parse('a: 1').grid?.semantics, 'kwdagger');
  });

  test('specs keep where they were written', () => {
    const { grid } = parse('matrices:\n  - matrix: {a: [1, 2]}\n    submatrices3: [{b: 1}]\n    submatrices: [{c: [1, 2]}]\n  - include: [{d: 1}]');
    assert.ok(grid);
    assert.equal(grid.specs.length, 2);
    assert.deepEqual(grid.specs[0]?.submatrixGroups.map((g) => g.name), ['submatrices', 'submatrices3']);
    assert.deepEqual(grid.specs[0]?.submatrixGroups[0]?.entries[0]?.axes[0]?.values, [1n, 2n]);
    assert.equal(grid.specs[1]?.include[0]?.pairs[0]?.key, 'd');
    const span = grid.specs[0]?.axes[0]?.keySpan;
    assert.ok(span);
    assert.equal(span.source.text.slice(span.start, span.end), 'a');
  });
});

describe('parseGrid overrides', () => {
  const load = (text: string) => {
    const { loaded } = loadYaml({ path: 'grid.yaml', text });
    assert.ok(loaded);
    return loaded;
  };
  const io = { readFile: () => ({ diagnostics: [] }) };

  test('the command line semantics win, and its checks apply', () => {
    const loaded = load('grid_semantics: kwdagger\nmatrix: {a: [1]}\nsubmatrices: [{b: 1}]');
    assert.equal(parseGrid(loaded, io).grid?.semantics, 'kwdagger');
    const { grid, diagnostics } = parseGrid(loaded, io, { semantics: 'github' });
    assert.equal(grid, undefined);
    assert.deepEqual(diagnostics.map((d) => d.code), ['E_GRID_KEY']);
  });

  test('the command line max_configs wins', () => {
    const { grid } = parseGrid(load('max_configs: 5\na: [1, 2]'), io, { maxConfigs: 1 });
    assert.equal(grid?.options.maxConfigs, 1);
  });
});
