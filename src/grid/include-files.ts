import { error, type Diagnostic, type Span } from '../diagnostics/diagnostic.js';
import { loadYaml, type LoadedYaml, type YamlPath } from '../parse/load-yaml.js';
import { isValueList, isValueMap, pyTypeName, type Value } from '../values/value.js';
import type { GridIo } from './grid-spec.js';

/** The directive key that splices a file's values into a value list (kwdagger v3). */
export const INCLUDE_DIRECTIVE = '__include__';

/** State shared while reading one grid: where diagnostics go and which files were already read. */
export interface ValueContext {
  readonly loaded: LoadedYaml;
  readonly io: GridIo;
  /** Directory relative include paths resolve against. */
  readonly baseDir: string;
  readonly diagnostics: Diagnostic[];
  /** Include file values by path, so a file named twice is read once. */
  readonly fileCache: Map<string, readonly Value[] | undefined>;
}

/** `span` as an optional property, for `exactOptionalPropertyTypes`. */
export function at(span: Span | undefined): { span?: Span } {
  return span ? { span } : {};
}

/** Where a written value is; a null value has no text of its own, so its key is shown instead. */
export function valueSpan(loaded: LoadedYaml, path: YamlPath, value: Value | undefined): Span | undefined {
  return loaded.locate(path, value === null || value === undefined ? 'key' : 'value');
}

/** True for `{__include__: ...}` and nothing else (a mapping with more keys is a literal value). */
function isIncludeDirective(item: Value): item is { readonly [INCLUDE_DIRECTIVE]: Value } {
  if (!isValueMap(item)) return false;
  const keys = Object.keys(item);
  return keys.length === 1 && keys[0] === INCLUDE_DIRECTIVE;
}

/**
 * The alternatives of a matrix or submatrix value (kwdagger `coerce_matrix_value`):
 * a list is its items, anything else (a mapping too) is one value, and every
 * `{__include__: path}` item is replaced by the values listed in that file.
 * Returns undefined (after reporting) when an include cannot be read.
 */
export function alternativesOf(value: Value, path: YamlPath, ctx: ValueContext): Value[] | undefined {
  const items = isValueList(value) ? value : [value];
  const alternatives: Value[] = [];
  let ok = true;
  items.forEach((item, i) => {
    if (!isIncludeDirective(item)) {
      alternatives.push(item);
      return;
    }
    const itemPath = isValueList(value) ? [...path, i] : path;
    const spliced = spliceDirective(item[INCLUDE_DIRECTIVE], [...itemPath, INCLUDE_DIRECTIVE], ctx);
    if (spliced) alternatives.push(...spliced);
    else ok = false;
  });
  return ok ? alternatives : undefined;
}

/** The values of every file one directive names (a path or a list of paths). */
function spliceDirective(target: Value, path: YamlPath, ctx: ValueContext): Value[] | undefined {
  const paths = isValueList(target) ? target : [target];
  const values: Value[] = [];
  let ok = true;
  paths.forEach((p, i) => {
    const pathOfPath = isValueList(target) ? [...path, i] : path;
    const span = ctx.loaded.locate(pathOfPath, 'value');
    if (typeof p !== 'string' || p === '') {
      ctx.diagnostics.push(badPath(p, span));
      ok = false;
      return;
    }
    const fileValues = readIncludeFile(p, span, ctx);
    if (fileValues) values.push(...fileValues);
    else ok = false;
  });
  return ok ? values : undefined;
}

function badPath(p: Value, span: Span | undefined): Diagnostic {
  return error('E_INCLUDE_FILE', '"__include__" needs a file path', {
    ...at(span),
    found: p === '' ? 'an empty string' : `a ${pyTypeName(p)}`,
    expected: 'a path string, or a list of path strings',
    hint: 'write `- __include__: values.yaml`',
  });
}

/** Reads, parses and checks one include file; cached per path. */
function readIncludeFile(path: string, span: Span | undefined, ctx: ValueContext): readonly Value[] | undefined {
  if (ctx.fileCache.has(path)) return ctx.fileCache.get(path);
  const values = loadIncludeFile(path, span, ctx);
  ctx.fileCache.set(path, values);
  return values;
}

function loadIncludeFile(path: string, span: Span | undefined, ctx: ValueContext): readonly Value[] | undefined {
  const read = ctx.io.readFile(path, ctx.baseDir);
  // Read errors know the file but not who asked for it: point them at the directive.
  ctx.diagnostics.push(...read.diagnostics.map((d) => (d.span || !span ? d : { ...d, span })));
  if (!read.source) return undefined;
  const parsed = loadYaml(read.source);
  ctx.diagnostics.push(...parsed.diagnostics);
  if (!parsed.loaded) return undefined;
  const content = parsed.loaded.value;
  if (isValueList(content)) return content;
  if (content === null || isValueMap(content)) {
    ctx.diagnostics.push(badContent(path, content, span));
    return undefined;
  }
  return [content];
}

/** kwdagger splices a mapping file key by key and an empty file as one `None`; both are refused. */
function badContent(path: string, content: null | object, span: Span | undefined): Diagnostic {
  return error('E_INCLUDE_FILE', `include file "${path}" does not hold a list of values`, {
    ...at(span),
    found: content === null ? 'an empty document' : 'a mapping',
    expected: 'a YAML list whose items are the alternatives to splice in (or one scalar)',
    hint:
      content === null
        ? 'write the values as a list, e.g. `- value1`'
        : 'list the values as `- item`; to pass a mapping as one value, write it inline instead of including it',
  });
}
