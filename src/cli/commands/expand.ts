import { loadGrid } from '../../compile.js';
import { expandGrid } from '../../grid/index.js';
import { toJson, toPrettyJson } from '../../values/py-format.js';
import { readFrontEnd } from '../front-end.js';
import type { ResolvedOptions } from '../options.js';
import { reportDiagnostics, type Console } from '../print.js';

/** `geowatch-compile expand`: the grid rows in order, one per line (text) or as a JSON array. */
export function runExpand(options: ResolvedOptions, io: { cwd: string; console: Console }): number {
  const input = readFrontEnd(options, io.cwd, false);
  if (reportDiagnostics(io.console, input.diagnostics) || !input.value) return 1;
  const grid = loadGrid(input.value, options);
  if (reportDiagnostics(io.console, grid.diagnostics) || !grid.value) return 1;
  const rows = [...expandGrid(grid.value)];
  io.console.out(options.format === 'json' ? `${toPrettyJson(rows)}\n` : rows.map((r) => `${toJson(r)}\n`).join(''));
  return 0;
}
