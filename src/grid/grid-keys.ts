import type { Span } from '../diagnostics/diagnostic.js';
import type { Value } from '../values/value.js';
import type { Grid, GridAxis, GridKey } from './grid-spec.js';

interface KeyAccumulator {
  key: string;
  span?: Span;
  values: Value[];
}

/**
 * Every distinct param key of the grid (matrix, submatrix, include and exclude
 * keys), ordered by where it is first written, with every value written for it
 * (exclude values are conditions, not values a row carries, so they are left out).
 */
export function gridKeys(grid: Grid): readonly GridKey[] {
  const byKey = new Map<string, KeyAccumulator>();
  const note = (key: string, span: Span | undefined, values: readonly Value[]): void => {
    let acc = byKey.get(key);
    if (!acc) {
      acc = { key, values: [] };
      byKey.set(key, acc);
    }
    if (span && (!acc.span || span.start < acc.span.start)) acc.span = span;
    acc.values.push(...values);
  };
  const noteAxis = (axis: GridAxis): void => note(axis.key, axis.keySpan, axis.values);
  for (const spec of grid.specs) {
    spec.axes.forEach(noteAxis);
    for (const group of spec.submatrixGroups) for (const entry of group.entries) entry.axes.forEach(noteAxis);
    for (const entry of spec.include) for (const pair of entry.pairs) note(pair.key, pair.keySpan, [pair.value]);
    for (const entry of spec.exclude) for (const pair of entry.pairs) note(pair.key, pair.keySpan, []);
  }
  const start = (acc: KeyAccumulator): number => acc.span?.start ?? Number.POSITIVE_INFINITY;
  return [...byKey.values()].sort((a, b) => start(a) - start(b));
}
