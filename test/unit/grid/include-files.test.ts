import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { posix } from 'node:path';
import { error, type Diagnostic } from '../../../src/diagnostics/diagnostic.js';
import { loadYaml } from '../../../src/parse/load-yaml.js';
import { expandGrid, gridKeys, parseGrid, type GridIo } from '../../../src/grid/index.js';
import type { Value } from '../../../src/values/value.js';

/** An in-memory disk: readFile resolves `path` against `relativeTo` and records every call. */
function memoryIo(files: Record<string, string>, baseDir?: string): GridIo & { calls: [string, string][] } {
  const calls: [string, string][] = [];
  return {
    calls,
    ...(baseDir === undefined ? {} : { baseDir }),
    readFile: (path, relativeTo) => {
      calls.push([path, relativeTo]);
      const full = posix.normalize(posix.join(relativeTo, path));
      const text = files[full];
      if (text === undefined) return { diagnostics: [error('E_FILE_READ', `cannot read "${path}"`)] };
      return { source: { path: full, text }, diagnostics: [] };
    },
  };
}

function parseWith(text: string, files: Record<string, string>, path = 'grids/main.yaml', baseDir?: string) {
  const { loaded } = loadYaml({ path, text });
  assert.ok(loaded);
  const io = memoryIo(files, baseDir);
  return { ...parseGrid(loaded, io), io };
}

function values(text: string, files: Record<string, string>, key = 'foo'): Value[] {
  const { grid, diagnostics } = parseWith(text, files);
  assert.deepEqual(diagnostics.map((d) => d.message), []);
  assert.ok(grid);
  return [...expandGrid(grid)].map((row) => row[key] as Value);
}

const SUB = { 'grids/sub.yaml': '- subgrid-value1\n- subgrid-value2\n' };

describe('__include__ splices a file of alternatives', () => {
  const cases: { name: string; grid: string; files: Record<string, string>; values: Value[] }[] = [
    {
      name: 'the kwdagger docstring example: explicit include spliced, a .yaml string literal',
      grid: 'matrix:\n  foo:\n    - __include__: sub.yaml\n    - sub.yaml',
      files: SUB,
      values: ['subgrid-value1', 'subgrid-value2', 'sub.yaml'],
    },
    { name: 'the directive as the whole value', grid: 'foo: {__include__: sub.yaml}', files: SUB, values: ['subgrid-value1', 'subgrid-value2'] },
    {
      name: 'a list of paths, in order, around written values',
      grid: 'foo: [first, {__include__: [b.yaml, sub.yaml]}, last]',
      files: { ...SUB, 'grids/b.yaml': '[1, 2.5]' },
      values: ['first', 1n, 2.5, 'subgrid-value1', 'subgrid-value2', 'last'],
    },
    { name: 'a scalar file is one value', grid: 'foo: [{__include__: one.yaml}]', files: { 'grids/one.yaml': '42' }, values: [42n] },
    {
      name: 'items of the file are values, not alternatives (lists and mappings stay whole)',
      grid: 'foo: [{__include__: nested.yaml}]',
      files: { 'grids/nested.yaml': '- [1, 2]\n- {k: v}\n' },
      values: [[1n, 2n], { k: 'v' }],
    },
    {
      name: 'a mapping with more keys than __include__ is a literal value',
      grid: 'foo: [{__include__: sub.yaml, other: 1}]',
      files: SUB,
      values: [{ __include__: 'sub.yaml', other: 1n }],
    },
    {
      name: 'paths resolve against the including file, ../ included',
      grid: 'foo: [{__include__: ../shared/v.yaml}]',
      files: { 'shared/v.yaml': '[x]' },
      values: ['x'],
    },
  ];
  for (const c of cases) test(c.name, () => assert.deepStrictEqual(values(c.grid, c.files), c.values));

  test('submatrix values splice too', () => {
    const grid = 'matrix: {a: [1]}\nsubmatrices:\n  - {a: 1, foo: {__include__: sub.yaml}}';
    assert.deepStrictEqual(values(grid, SUB), ['subgrid-value1', 'subgrid-value2']);
  });

  test('include entries are literal: the directive is not spliced there', () => {
    const grid = 'matrix: {a: [1]}\ninclude:\n  - {foo: {__include__: sub.yaml}}';
    assert.deepStrictEqual(values(grid, SUB), [{ __include__: 'sub.yaml' }]);
  });

  test('relativeTo is the grid file directory, or io.baseDir for inline text', () => {
    const fromFile = parseWith('foo: {__include__: sub.yaml}', SUB);
    assert.deepEqual(fromFile.io.calls, [['sub.yaml', 'grids']]);
    const inline = parseWith('foo: {__include__: grids/sub.yaml}', SUB, '<--params>', '.');
    assert.deepEqual(inline.io.calls, [['grids/sub.yaml', '.']]);
    assert.ok(inline.grid);
  });

  test('a file named twice is read once', () => {
    const { io } = parseWith('matrix:\n  foo: {__include__: sub.yaml}\n  bar: [{__include__: sub.yaml}]', SUB);
    assert.equal(io.calls.length, 1);
  });

  test('gridKeys lists spliced values', () => {
    const { grid } = parseWith('foo: [{__include__: sub.yaml}, z]', SUB);
    assert.ok(grid);
    assert.deepStrictEqual(gridKeys(grid)[0]?.values, ['subgrid-value1', 'subgrid-value2', 'z']);
  });
});

describe('__include__ problems are located errors', () => {
  const cases: { name: string; grid: string; files: Record<string, string>; code: string; at: string; file?: string }[] = [
    { name: 'a missing file points at its path', grid: 'foo: [{__include__: nope.yaml}]', files: {}, code: 'E_FILE_READ', at: 'nope.yaml' },
    {
      name: 'a mapping file is refused (kwdagger would splice its keys)',
      grid: 'foo: {__include__: map.yaml}',
      files: { 'grids/map.yaml': 'a: 1\nb: 2\n' },
      code: 'E_INCLUDE_FILE',
      at: 'map.yaml',
    },
    { name: 'an empty file is refused', grid: 'foo: {__include__: e.yaml}', files: { 'grids/e.yaml': '' }, code: 'E_INCLUDE_FILE', at: 'e.yaml' },
    { name: 'a path that is not a string', grid: 'foo: {__include__: 5}', files: {}, code: 'E_INCLUDE_FILE', at: '5' },
    { name: 'a file listing no values', grid: 'foo: {__include__: none.yaml}', files: { 'grids/none.yaml': '[]' }, code: 'E_EMPTY_LIST', at: '{__include__' },
    {
      name: 'a syntax error in the included file points into that file',
      grid: 'foo: {__include__: bad.yaml}',
      files: { 'grids/bad.yaml': '- [unclosed\n' },
      code: 'E_YAML_SYNTAX',
      at: '',
      file: 'grids/bad.yaml',
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const { grid, diagnostics } = parseWith(c.grid, c.files);
      assert.equal(grid, undefined);
      assert.deepEqual(diagnostics.map((d) => d.code), [c.code]);
      const span = (diagnostics[0] as Diagnostic).span;
      assert.ok(span);
      assert.equal(span.source.path, c.file ?? 'grids/main.yaml');
      assert.ok(span.source.text.slice(span.start, span.end).startsWith(c.at));
    });
  }
});
