import assert from 'node:assert/strict';
import { parseGrid, type Grid } from '../../src/grid/index.js';
import { loadYaml } from '../../src/parse/load-yaml.js';

/** Parses a grid written as YAML text; fails the test on any error. */
export function gridOf(text: string): Grid {
  const { loaded, diagnostics } = loadYaml({ path: 'grid.yaml', text });
  assert.ok(loaded, JSON.stringify(diagnostics));
  const parsed = parseGrid(loaded, { readFile: () => ({ diagnostics: [] }) });
  assert.deepEqual(parsed.diagnostics.map((d) => d.message), []);
  assert.ok(parsed.grid);
  return parsed.grid;
}
