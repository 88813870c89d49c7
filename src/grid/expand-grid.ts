import type { ValueMap } from '../values/value.js';
import { expandGithubSpec } from './expand-github.js';
import { expandKwdaggerSpec } from './expand-kwdagger.js';
import type { Grid, GridSemantics, GridSpec } from './grid-spec.js';

/** The rows of one spec under the given semantics (lazy). */
export function expandSpec(spec: GridSpec, semantics: GridSemantics): Generator<ValueMap, void, undefined> {
  return semantics === 'github' ? expandGithubSpec(spec) : expandKwdaggerSpec(spec);
}

/**
 * Every row of the grid, lazily: specs in order, no dedup, at most `max_configs`
 * rows. Each row is a fresh object (callers may keep it); values inside are shared.
 */
export function expandGrid(grid: Grid): Generator<ValueMap, void, undefined> {
  const only = grid.specs.length === 1 ? grid.specs[0] : undefined;
  // One spec and no cap (most grids): its rows as they come, without a generator around them.
  if (only !== undefined && grid.options.maxConfigs === undefined) return expandSpec(only, grid.semantics);
  return expandSpecs(grid);
}

function* expandSpecs(grid: Grid): Generator<ValueMap, void, undefined> {
  const max = grid.options.maxConfigs ?? Number.POSITIVE_INFINITY;
  let count = 0;
  for (const spec of grid.specs) {
    for (const row of expandSpec(spec, grid.semantics)) {
      yield row;
      if (++count >= max) return;
    }
  }
}
