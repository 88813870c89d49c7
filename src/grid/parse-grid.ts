import { dirname } from 'node:path';
import { error, hasErrors, type Diagnostic, type SourceText } from '../diagnostics/diagnostic.js';
import { closest, suggest } from '../diagnostics/did-you-mean.js';
import { loadYaml, type LoadedYaml } from '../parse/load-yaml.js';
import { isValueList, isValueMap, pyTypeName, type Value, type ValueMap } from '../values/value.js';
import { gridHasRows } from './count-rows.js';
import { GRID_SEMANTICS, type Grid, type GridIo, type GridOptions, type GridOverrides, type GridSemantics, type GridSpec } from './grid-spec.js';
import { at, valueSpan } from './include-files.js';
import { isModifierKey, OPTION_KEYS, readSpec, type SpecContext } from './read-spec.js';

/**
 * Parses a `--params` grid: the scheduler options at the top level, then one
 * spec, a flat mapping read as a matrix, or a `matrices:` list of specs.
 * Refuses (with located errors) every input on which kwdagger silently loses rows.
 * Command-line overrides are applied here, not afterwards, so the checks that
 * depend on the semantics (submatrices, empty grid) see the final choice.
 */
export function parseGrid(loaded: LoadedYaml, io: GridIo, overrides: GridOverrides = {}): { grid?: Grid; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  // kwdagger reads an empty params file as `{}`: one empty row.
  const top = loaded.value ?? {};
  if (!isValueMap(top)) return { diagnostics: [notAMapping(loaded, top)] };
  const written = readOptions(top, loaded, diagnostics);
  const semantics = overrides.semantics ?? written.semantics;
  const options: GridOptions = overrides.maxConfigs === undefined ? written.options : { ...written.options, maxConfigs: overrides.maxConfigs };
  const ctx: SpecContext = {
    loaded,
    io,
    baseDir: io.baseDir ?? dirname(loaded.source.path),
    diagnostics,
    fileCache: new Map(),
    semantics,
  };
  const specs = readSpecs(top, ctx);
  if (hasErrors(diagnostics)) return { diagnostics };
  const grid: Grid = { semantics, specs, options, source: loaded.source };
  if (!gridHasRows(grid)) return { diagnostics: [...diagnostics, emptyGrid(loaded, grid)] };
  return { grid, diagnostics };
}

function notAMapping(loaded: LoadedYaml, top: Value): Diagnostic {
  return error('E_SCHEMA', 'the param grid must be a mapping', {
    ...at(loaded.locate([], 'value')),
    found: `a ${pyTypeName(top)}`,
    expected: 'a mapping such as "matrix: {node.param: [1, 2]}"',
    hint: isValueList(top) ? 'to list several specs, write them under "matrices:"' : 'write "<node>.<param>: value" pairs',
  });
}

function emptyGrid(loaded: LoadedYaml, grid: Grid): Diagnostic {
  const noAxes = grid.semantics === 'github' && grid.specs.length > 0 && grid.specs.every((s) => s.axes.length === 0 && s.include.length === 0);
  return error('E_EMPTY_GRID', 'the param grid yields no rows', {
    ...at(loaded.locate([], 'value')),
    found: noAxes ? 'a GitHub-style matrix with no axes and no include' : grid.specs.length ? 'every row is excluded' : 'an empty "matrices" list',
    expected: 'at least one row',
    hint: noAxes ? 'give the matrix at least one key, or list the rows under "include"' : 'check the "exclude" entries',
  });
}

/** Pops `pipeline`, `slurm_options`, `grid_semantics` and `max_configs`. */
function readOptions(top: ValueMap, loaded: LoadedYaml, diagnostics: Diagnostic[]): { options: GridOptions; semantics: GridSemantics } {
  const problem = (key: string, found: string, expected: string, hint: string): void => {
    diagnostics.push(
      error('E_SCHEMA', `bad value for "${key}"`, { ...at(loaded.locate([key], 'value')), found, expected, hint }),
    );
  };
  const semantics = readSemantics(top['grid_semantics'], problem);
  const options: { -readonly [K in keyof GridOptions]: GridOptions[K] } = {};
  const pipeline = top['pipeline'];
  if (typeof pipeline === 'string') options.pipeline = pipeline;
  else if (pipeline !== undefined && pipeline !== null) {
    problem('pipeline', `a ${pyTypeName(pipeline)}`, 'a pipeline name or file path', 'write "pipeline: my_pipeline.yaml"');
  }
  const maxConfigs = top['max_configs'];
  if (typeof maxConfigs === 'bigint' && maxConfigs >= 1n) options.maxConfigs = Number(maxConfigs);
  else if (maxConfigs !== undefined && maxConfigs !== null) {
    problem('max_configs', describe(maxConfigs), 'an integer of at least 1', 'remove "max_configs" to run every row');
  }
  const slurm = readSlurmOptions(top['slurm_options'], loaded, diagnostics, problem);
  if (slurm) options.slurmOptions = slurm;
  return { options, semantics };
}

function describe(value: Value): string {
  return typeof value === 'bigint' || typeof value === 'number' ? `${String(value)}` : `a ${pyTypeName(value)}`;
}

type Problem = (key: string, found: string, expected: string, hint: string) => void;

function readSemantics(value: Value | undefined, problem: Problem): GridSemantics {
  if (value === undefined || value === null) return 'kwdagger';
  if (typeof value === 'string' && (GRID_SEMANTICS as readonly string[]).includes(value)) return value as GridSemantics;
  const found = typeof value === 'string' ? `"${value}"` : `a ${pyTypeName(value)}`;
  const hint = typeof value === 'string' ? suggest(value, GRID_SEMANTICS) : 'write "grid_semantics: github"';
  problem('grid_semantics', found, 'kwdagger or github', hint);
  return 'kwdagger';
}

/** A mapping, or (as kwdagger's `coerce_slurm_options` allows) a YAML string holding one. */
function readSlurmOptions(value: Value | undefined, loaded: LoadedYaml, diagnostics: Diagnostic[], problem: Problem): ValueMap | undefined {
  let options = value;
  if (typeof value === 'string') {
    const source: SourceText = { path: `${loaded.source.path} (slurm_options)`, text: value };
    const parsed = loadYaml(source);
    diagnostics.push(...parsed.diagnostics);
    if (!parsed.loaded) return undefined;
    options = parsed.loaded.value;
  }
  if (options === undefined || options === null) return undefined;
  if (isValueMap(options)) return options;
  problem('slurm_options', `a ${pyTypeName(options)}`, 'a mapping of sbatch options', 'write "slurm_options: {partition: gpu, mem: 8G}"');
  return undefined;
}

/** The specs of the grid, following kwdagger's `coerce_list_of_action_matrices`. */
function readSpecs(top: ValueMap, ctx: SpecContext): GridSpec[] {
  const keys = Object.keys(top).filter((k) => !OPTION_KEYS.includes(k));
  if (keys.includes('matrices')) return readMatrices(top, keys, ctx);
  if (keys.includes('matrix') || keys.includes('include')) {
    return [readSpec({ matrix: specMatrix(top, [], ctx), matrixPath: ['matrix'], outer: withoutOptions(top), outerPath: [] }, ctx)];
  }
  // A flat mapping is one matrix; the options popped above are not params.
  checkFlatKeys(keys, ctx);
  return [readSpec({ matrix: top, matrixPath: [], outerPath: [], skipKeys: OPTION_KEYS }, ctx)];
}

/**
 * A misspelt `matrix:` makes the whole mapping a flat matrix with one odd param.
 * Param keys are dotted (`node.param`), so a dotless key close to a spec key is
 * almost surely a typo: say so here rather than as an unrouted key later.
 */
function checkFlatKeys(keys: readonly string[], ctx: SpecContext): void {
  for (const key of keys) {
    if (key.includes('.') || isModifierKey(key)) continue;
    const match = closest(key, TYPO_TARGETS);
    if (match === undefined) continue;
    ctx.diagnostics.push(
      error('E_GRID_KEY', `unexpected key "${key}" in the param grid`, {
        ...at(ctx.loaded.locate([key], 'key')),
        found: `"${key}", read as a param because the file has no "matrix" or "include"`,
        expected: 'a spec key, or a "<node>.<param>" key',
        hint: `did you mean "${match}"?`,
      }),
    );
  }
}

const TYPO_TARGETS = ['matrix', 'matrices', 'include', 'exclude', 'submatrices', ...OPTION_KEYS];

/** The spec mapping minus the top-level options (which readSpec would otherwise call unexpected). */
function withoutOptions(top: ValueMap): ValueMap {
  const rest: Record<string, Value> = {};
  for (const [k, v] of Object.entries(top)) if (!OPTION_KEYS.includes(k)) Object.defineProperty(rest, k, { value: v, enumerable: true });
  return rest;
}

/** `matrix:` of a spec; absent means `{}` (one empty base row), anything but a mapping is refused. */
function specMatrix(spec: ValueMap, path: readonly (string | number)[], ctx: SpecContext): ValueMap {
  const matrix = spec['matrix'];
  if (matrix === undefined || isValueMap(matrix)) return matrix ?? {};
  ctx.diagnostics.push(
    error('E_SCHEMA', '"matrix" must be a mapping', {
      ...at(valueSpan(ctx.loaded, [...path, 'matrix'], matrix)),
      found: matrix === null ? 'nothing (null)' : `a ${pyTypeName(matrix)}`,
      expected: 'a mapping of param keys to a value or a list of alternatives',
      hint: matrix === null ? 'remove the empty "matrix:" or give it params' : 'write "matrix: {node.param: [1, 2]}"',
    }),
  );
  return {};
}

/** `matrices: [spec, ...]`: independent specs whose rows are concatenated. */
function readMatrices(top: ValueMap, keys: readonly string[], ctx: SpecContext): GridSpec[] {
  for (const key of keys.filter((k) => k !== 'matrices')) {
    ctx.diagnostics.push(
      error('E_GRID_KEY', `"${key}" next to "matrices" would be ignored`, {
        ...at(ctx.loaded.locate([key], 'key')),
        found: `"${key}" beside "matrices"`,
        expected: 'only "matrices" and the scheduler options (pipeline, slurm_options, grid_semantics, max_configs)',
        hint: 'move it into one of the specs listed under "matrices"',
      }),
    );
  }
  const list = top['matrices'];
  if (!isValueList(list)) {
    ctx.diagnostics.push(
      error('E_SCHEMA', '"matrices" must be a list of specs', {
        ...at(valueSpan(ctx.loaded, ['matrices'], list)),
        found: list === null || list === undefined ? 'nothing (null)' : `a ${pyTypeName(list)}`,
        expected: 'a list such as "matrices: [{matrix: {a: [1, 2]}}]"',
        hint: 'write each spec as a "- matrix: ..." item',
      }),
    );
    return [];
  }
  const specs: GridSpec[] = [];
  list.forEach((item, i) => {
    const path = ['matrices', i];
    if (!isValueMap(item)) {
      ctx.diagnostics.push(
        error('E_SCHEMA', 'every "matrices" item must be a spec mapping', {
          ...at(ctx.loaded.locate(path, 'value')),
          found: `a ${pyTypeName(item)}`,
          expected: 'a mapping with "matrix", "include", "exclude" or "submatrices"',
          hint: 'write the item as "- matrix: {node.param: [1, 2]}"',
        }),
      );
      return;
    }
    specs.push(readSpec({ matrix: specMatrix(item, path, ctx), matrixPath: [...path, 'matrix'], outer: item, outerPath: path }, ctx));
  });
  return specs;
}
