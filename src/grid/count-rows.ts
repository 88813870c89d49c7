import { advance, compileSpec, satisfiable, satisfied, type CompiledSpec } from './compile-spec.js';
import { expandSpec } from './expand-grid.js';
import type { Grid, GridSemantics, GridSpec } from './grid-spec.js';

/**
 * The number of rows `expandGrid` yields. Arithmetic for specs without exclude
 * (the product, times the submatrix forks, plus the includes that match nothing);
 * a spec with exclude is counted by expanding it.
 */
export function countRows(grid: Grid): number {
  let total = 0;
  for (const spec of grid.specs) total += countSpecRows(spec, grid.semantics);
  return Math.min(total, grid.options.maxConfigs ?? Number.POSITIVE_INFINITY);
}

/** True when the grid yields at least one row; only expands specs with exclude, and stops at the first row. */
export function gridHasRows(grid: Grid): boolean {
  return grid.specs.some((spec) =>
    spec.exclude.length === 0 ? countSpecRows(spec, grid.semantics) > 0 : !expandSpec(spec, grid.semantics).next().done,
  );
}

/** The number of rows of one spec. */
export function countSpecRows(spec: GridSpec, semantics: GridSemantics): number {
  if (spec.exclude.length > 0) {
    let n = 0;
    for (const _ of expandSpec(spec, semantics)) n++;
    return n;
  }
  const c = compileSpec(spec);
  // Without exclude every product position exists, so an include merges into some row
  // exactly when each of its conditions accepts some alternative.
  const loose = c.include.filter((e) => !satisfiable(e.conditions)).length;
  if (semantics === 'github') return c.keys.length === 0 ? c.include.length : product(c.sizes) + loose;
  return forkedProductSize(c) + loose;
}

function product(sizes: Int32Array): number {
  let n = 1;
  for (const s of sizes) n *= s;
  return n;
}

/**
 * Rows after the submatrix forks. A row's fork count depends only on the axes
 * that subrows condition on, so only their product is walked.
 */
function forkedProductSize(c: CompiledSpec): number {
  if (c.groups.length === 0) return product(c.sizes);
  const conditioned = new Set(c.groups.flatMap((g) => g.flatMap((s) => s.conditions.map((cond) => cond.axis))));
  const walked = [...conditioned].sort((a, b) => a - b);
  const idx = new Int32Array(c.keys.length);
  const sub = new Int32Array(walked.length);
  const subSizes = Int32Array.from(walked, (axis) => c.sizes[axis] as number);
  let forks = 0;
  do {
    walked.forEach((axis, i) => (idx[axis] = sub[i] as number));
    let n = 1;
    for (const group of c.groups) n *= Math.max(1, group.filter((s) => satisfied(s.conditions, idx)).length);
    forks += n;
  } while (advance(sub, subSizes));
  let rest = 1;
  c.sizes.forEach((size, axis) => {
    if (!conditioned.has(axis)) rest *= size;
  });
  return forks * rest;
}
