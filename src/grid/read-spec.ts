import { error, type Diagnostic, type Span } from '../diagnostics/diagnostic.js';
import { suggest } from '../diagnostics/did-you-mean.js';
import { lineCol } from '../diagnostics/render.js';
import type { YamlPath } from '../parse/load-yaml.js';
import { isValueList, isValueMap, pyTypeName, type Value, type ValueMap } from '../values/value.js';
import type { GridAxis, GridEntry, GridPair, GridSemantics, GridSpec, SubmatrixEntry, SubmatrixGroup } from './grid-spec.js';
import { alternativesOf, at, valueSpan, type ValueContext } from './include-files.js';

/** Top-level keys the scheduler pops before the grid language sees the rest. */
export const OPTION_KEYS: readonly string[] = ['pipeline', 'slurm_options', 'grid_semantics', 'max_configs'];

const SUBMATRICES_N = /^submatrices([1-9][0-9]*)$/;

/** Keys a spec may hold next to (or inside) `matrix`. */
const MODIFIER_KEYS = ['include', 'exclude', 'submatrices'];

/** Spec keys offered by did-you-mean. */
const SPEC_KEYS = ['matrix', ...MODIFIER_KEYS, 'submatrices1', 'submatrices2'];

/** A key that modifies the product instead of being a param: include, exclude, submatrices[N]. */
export function isModifierKey(key: string): boolean {
  return MODIFIER_KEYS.includes(key) || SUBMATRICES_N.test(key);
}

/** Orders `submatrices` before `submatrices1`, `submatrices2`, … `submatrices10` (numeric, not textual). */
function submatrixRank(key: string): number {
  return key === 'submatrices' ? 0 : Number(SUBMATRICES_N.exec(key)?.[1]);
}

export interface SpecContext extends ValueContext {
  readonly semantics: GridSemantics;
}

/** Where one spec's parts live in the document. */
export interface SpecSource {
  /** The product mapping; may also hold include/exclude/submatrices (kwdagger reads them from here first). */
  readonly matrix: ValueMap;
  readonly matrixPath: YamlPath;
  /** The spec mapping around `matrix`; absent for a flat mapping read as a matrix. */
  readonly outer?: ValueMap;
  readonly outerPath: YamlPath;
  /** Keys of `matrix` that are not params (the scheduler options of a flat top level). */
  readonly skipKeys?: readonly string[];
}

/** A modifier value together with where it was written. */
interface Located {
  readonly value: Value;
  readonly path: YamlPath;
}

/** Reads one spec: its axes, include/exclude entries and submatrix groups, reporting every problem. */
export function readSpec(src: SpecSource, ctx: SpecContext): GridSpec {
  if (src.outer) checkOuterKeys(src.outer, src.outerPath, ctx);
  const modifiers = collectModifiers(src, ctx);
  const span = ctx.loaded.locate(src.outer ? src.outerPath : src.matrixPath, 'value');
  const take = (key: string): Located | undefined => modifiers.get(key);
  const include = take('include');
  const exclude = take('exclude');
  return {
    axes: readAxes(src, ctx),
    include: include ? readEntries('include', include, ctx) : [],
    exclude: exclude ? readEntries('exclude', exclude, ctx) : [],
    submatrixGroups: readGroups(modifiers, ctx),
    ...at(span),
  };
}

function checkOuterKeys(outer: ValueMap, path: YamlPath, ctx: SpecContext): void {
  for (const key of Object.keys(outer)) {
    if (key === 'matrix' || isModifierKey(key)) continue;
    const span = ctx.loaded.locate([...path, key], 'key');
    const isOption = OPTION_KEYS.includes(key);
    ctx.diagnostics.push(
      error('E_GRID_KEY', `unexpected key "${key}" in a grid spec`, {
        ...at(span),
        found: `"${key}"`,
        expected: 'matrix, include, exclude, submatrices or submatricesN',
        hint: isOption
          ? `"${key}" is a scheduler option: write it once at the top level of the file`
          : closestSpecKey(key) ?? `params belong under "matrix:" (e.g. "matrix: {${key}: ...}")`,
      }),
    );
  }
}

function closestSpecKey(key: string): string | undefined {
  const hint = suggest(key, SPEC_KEYS);
  return hint.startsWith('did you mean') ? hint : undefined;
}

/**
 * Finds include/exclude/submatrices[N] in `matrix` and around it. kwdagger reads
 * `matrix.pop(k, data.pop(k, []))`, silently dropping the outer one when both
 * exist: that is refused here.
 */
function collectModifiers(src: SpecSource, ctx: SpecContext): Map<string, Located> {
  const found = new Map<string, Located>();
  const inner = Object.keys(src.matrix).filter(isModifierKey);
  const outer = src.outer ? Object.keys(src.outer).filter(isModifierKey) : [];
  for (const key of inner) found.set(key, { value: src.matrix[key] as Value, path: [...src.matrixPath, key] });
  for (const key of outer) {
    const here: Located = { value: (src.outer as ValueMap)[key] as Value, path: [...src.outerPath, key] };
    const there = found.get(key);
    if (there) ctx.diagnostics.push(conflict(key, here.path, there.path, ctx));
    else found.set(key, here);
  }
  return found;
}

function conflict(key: string, outerPath: YamlPath, innerPath: YamlPath, ctx: SpecContext): Diagnostic {
  const outerSpan = ctx.loaded.locate(outerPath, 'key');
  const innerSpan = ctx.loaded.locate(innerPath, 'key');
  const where = (span: Span | undefined): string => {
    if (!span) return 'inside "matrix"';
    const { line, col } = lineCol(span.source.text, span.start);
    return `inside "matrix" at ${span.source.path}:${line}:${col}`;
  };
  return error('E_INCLUDE_CONFLICT', `"${key}" is given both next to "matrix" and inside it`, {
    ...at(outerSpan),
    found: `"${key}" here and again ${where(innerSpan)}`,
    expected: `one "${key}" list per spec`,
    hint: `kwdagger would silently drop this one and use the list inside "matrix"; merge both into a single "${key}"`,
  });
}

function readAxes(src: SpecSource, ctx: SpecContext): GridAxis[] {
  const axes: GridAxis[] = [];
  for (const [key, value] of Object.entries(src.matrix)) {
    if (isModifierKey(key) || src.skipKeys?.includes(key)) continue;
    const axis = readAxis(key, value, [...src.matrixPath, key], ctx);
    if (axis) axes.push(axis);
  }
  return axes;
}

/** One param and its alternatives; an empty alternative list is refused (it would wipe out the spec). */
function readAxis(key: string, value: Value, path: YamlPath, ctx: SpecContext): GridAxis | undefined {
  const keySpan = ctx.loaded.locate(path, 'key');
  if (!checkParamKey(key, keySpan, ctx)) return undefined;
  const values = alternativesOf(value, path, ctx);
  if (!values) return undefined;
  if (values.length === 0) {
    ctx.diagnostics.push(emptyList(key, value, ctx.loaded.locate(path, 'value')));
    return undefined;
  }
  return { key, values, ...(keySpan ? { keySpan } : {}) };
}

/** `__proto__` would change a row object's prototype instead of adding a key. */
function checkParamKey(key: string, span: Span | undefined, ctx: SpecContext): boolean {
  if (key !== '__proto__') return true;
  ctx.diagnostics.push(
    error('E_GRID_KEY', 'the grid key "__proto__" is not supported', {
      ...at(span),
      found: '"__proto__"',
      expected: 'a param key such as "<node>.<param>"',
      hint: 'rename the key',
    }),
  );
  return false;
}

function emptyList(key: string, written: Value, span: Span | undefined): Diagnostic {
  const fromFiles = isValueList(written) && written.length > 0;
  return error('E_EMPTY_LIST', `"${key}" has no values`, {
    ...at(span),
    found: fromFiles ? 'include files that list no values' : 'an empty list `[]`',
    expected: 'at least one value',
    hint: 'an empty list makes zero rows and kwdagger silently drops the whole spec; to pass an empty list as one value write `[[]]`',
  });
}

/** include/exclude: a list of mappings, each taken literally. */
function readEntries(kind: 'include' | 'exclude', where: Located, ctx: SpecContext): GridEntry[] {
  const list = expectListOfMappings(kind, where, ctx);
  const entries: GridEntry[] = [];
  list.forEach(({ map, path }) => {
    const pairs: GridPair[] = [];
    for (const [key, value] of Object.entries(map)) {
      const keySpan = ctx.loaded.locate([...path, key], 'key');
      if (checkParamKey(key, keySpan, ctx)) pairs.push({ key, value, ...(keySpan ? { keySpan } : {}) });
    }
    entries.push({ pairs, map, ...at(ctx.loaded.locate(path, 'value')) });
  });
  return entries;
}

/** The mapping items of a modifier list; reports the value or items that are not. */
function expectListOfMappings(kind: string, where: Located, ctx: SpecContext): { map: ValueMap; path: YamlPath }[] {
  if (!isValueList(where.value)) {
    ctx.diagnostics.push(
      error('E_SCHEMA', `"${kind}" must be a list of mappings`, {
        ...at(valueSpan(ctx.loaded, where.path, where.value)),
        found: where.value === null ? 'nothing (null)' : `a ${pyTypeName(where.value)}`,
        expected: `a list such as "${kind}: [{a: 1, b: 2}]"`,
        hint: where.value === null ? `remove the empty "${kind}:" or give it entries` : `write each entry as a "- key: value" item`,
      }),
    );
    return [];
  }
  const items: { map: ValueMap; path: YamlPath }[] = [];
  where.value.forEach((item, i) => {
    const path = [...where.path, i];
    if (isValueMap(item)) {
      items.push({ map: item, path });
      return;
    }
    ctx.diagnostics.push(
      error('E_SCHEMA', `every "${kind}" entry must be a mapping`, {
        ...at(ctx.loaded.locate(path, 'value')),
        found: `a ${pyTypeName(item)}`,
        expected: 'a mapping of param keys to values',
        hint: 'write the entry as "- key: value"',
      }),
    );
  });
  return items;
}

/** `submatrices` then `submatricesN` by N; refused under GitHub semantics, which has no such thing. */
function readGroups(modifiers: Map<string, Located>, ctx: SpecContext): SubmatrixGroup[] {
  const names = [...modifiers.keys()].filter((k) => k.startsWith('submatrices'));
  names.sort((a, b) => submatrixRank(a) - submatrixRank(b));
  const groups: SubmatrixGroup[] = [];
  for (const name of names) {
    const where = modifiers.get(name) as Located;
    if (ctx.semantics === 'github') {
      ctx.diagnostics.push(githubSubmatrices(name, ctx.loaded.locate(where.path, 'key')));
      continue;
    }
    const entries = expectListOfMappings(name, where, ctx).map(({ map, path }) => readSubmatrixEntry(map, path, ctx));
    groups.push({ name, entries, ...at(ctx.loaded.locate(where.path, 'key')) });
  }
  return groups;
}

function readSubmatrixEntry(map: ValueMap, path: YamlPath, ctx: SpecContext): SubmatrixEntry {
  const axes: GridAxis[] = [];
  for (const [key, value] of Object.entries(map)) {
    const axis = readAxis(key, value, [...path, key], ctx);
    if (axis) axes.push(axis);
  }
  return { axes, ...at(ctx.loaded.locate(path, 'value')) };
}

function githubSubmatrices(name: string, span: Span | undefined): Diagnostic {
  return error('E_GRID_KEY', `"${name}" is not available with "grid_semantics: github"`, {
    ...at(span),
    found: `"${name}"`,
    expected: 'matrix, include and exclude (GitHub Actions has no submatrices)',
    hint: 'remove "grid_semantics: github" to use kwdagger semantics, or list the combinations with "include"',
  });
}
