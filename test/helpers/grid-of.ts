import assert from 'node:assert/strict';
import { parseGrid, type Grid } from '../../src/grid/index.js';
import { loadYaml } from '../../src/parse/load-yaml.js';
import type { ValueMap } from '../../src/values/value.js';

/** Parses a grid written as YAML text; fails the test on any error. */
export function gridOf(text: string): Grid {
  const { loaded, diagnostics } = loadYaml({ path: 'grid.yaml', text });
  assert.ok(loaded, JSON.stringify(diagnostics));
  const parsed = parseGrid(loaded, { readFile: () => ({ diagnostics: [] }) });
  assert.deepEqual(parsed.diagnostics.map((d) => d.message), []);
  assert.ok(parsed.grid);
  return parsed.grid;
}

/** Expected rows written as a YAML list, so ints and floats keep their YAML types. */
export function rowsOf(text: string): ValueMap[] {
  const { loaded } = loadYaml({ path: 'expected.yaml', text });
  assert.ok(loaded && Array.isArray(loaded.value));
  return loaded.value as ValueMap[];
}

/** Compares rows including key order and value types (deepStrictEqual alone ignores key order). */
export function assertRows(actual: readonly ValueMap[], expected: readonly ValueMap[]): void {
  assert.deepStrictEqual(actual.map((r) => Object.entries(r)), expected.map((r) => Object.entries(r)));
}
