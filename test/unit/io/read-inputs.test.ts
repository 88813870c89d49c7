import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { INLINE_PARAMS_NAME, readParams, readSourceFile } from '../../../src/io/read-inputs.js';

const GRID = 'matrix:\n  predict.window: [8, 16]\n';

let base = '';
before(() => {
  base = mkdtempSync(join(tmpdir(), 'gwc-read-'));
  mkdirSync(join(base, 'grids'));
  writeFileSync(join(base, 'grids', 'grid.yaml'), GRID);
  writeFileSync(join(base, 'grids', 'bom.yaml'), `\uFEFF${GRID}`);
  writeFileSync(join(base, 'grids', 'model.pt'), Buffer.from([0x80, 0x02, 0x00, 0x63]));
});
after(() => rmSync(base, { recursive: true, force: true }));

describe('readParams', () => {
  test('a relative path to an existing file is that file, shown relative to cwd', () => {
    const read = readParams('grids/grid.yaml', base);
    assert.deepEqual(read.diagnostics, []);
    assert.deepEqual(read.source, { path: join('grids', 'grid.yaml'), text: GRID });
    assert.equal(read.dir, join(base, 'grids'));
  });

  test('an absolute path is read as well', () => {
    const read = readParams(join(base, 'grids', 'grid.yaml'), '/');
    assert.equal(read.source?.text, GRID);
    assert.equal(read.dir, join(base, 'grids'));
  });

  const inline: [string, string][] = [
    ['YAML text over several lines', GRID],
    ['a single line that names no file', 'matrix: {predict.window: [8, 16]}'],
    ['a file name followed by a newline', 'grids/grid.yaml\n'],
    ['an empty argument', ''],
    ['only blanks', '   '],
  ];
  for (const [name, arg] of inline) {
    test(`${name} is inline YAML, relative to cwd`, () => {
      const read = readParams(arg, base);
      assert.deepEqual(read.diagnostics, []);
      assert.deepEqual(read.source, { path: INLINE_PARAMS_NAME, text: arg });
      assert.equal(read.dir, base);
    });
  }

  test('a byte order mark is dropped', () => {
    assert.equal(readParams('grids/bom.yaml', base).source?.text, GRID);
  });

  test('a binary file is refused with a diagnostic, not parsed', () => {
    const read = readParams('grids/model.pt', base);
    assert.equal(read.source, undefined);
    assert.deepEqual(read.diagnostics.map((d) => d.code), ['E_BINARY_INPUT']);
  });
});

describe('readSourceFile', () => {
  test('a missing file gives E_FILE_READ naming the path', () => {
    const read = readSourceFile('grids/missing.yaml', base);
    assert.equal(read.source, undefined);
    assert.equal(read.diagnostics.length, 1);
    assert.equal(read.diagnostics[0]?.code, 'E_FILE_READ');
    assert.match(read.diagnostics[0]?.message ?? '', /"grids\/missing\.yaml".*does not exist/);
  });

  test('a directory is refused with a diagnostic', () => {
    const read = readSourceFile('grids', base);
    assert.equal(read.source, undefined);
    assert.deepEqual(read.diagnostics.map((d) => d.code), ['E_FILE_READ']);
  });
});
