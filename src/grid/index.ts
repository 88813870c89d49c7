/** The param-grid language: parse a `--params` grid, list its keys, expand or count its rows. */
export { parseGrid } from './parse-grid.js';
export { gridKeys } from './grid-keys.js';
export { expandGrid, expandSpec } from './expand-grid.js';
export { countRows } from './count-rows.js';
export { GRID_SEMANTICS } from './grid-spec.js';
export type {
  Grid,
  GridAxis,
  GridEntry,
  GridIo,
  GridKey,
  GridOptions,
  GridOverrides,
  GridPair,
  GridSemantics,
  GridSpec,
  ReadIncludeFile,
  SubmatrixEntry,
  SubmatrixGroup,
} from './grid-spec.js';
