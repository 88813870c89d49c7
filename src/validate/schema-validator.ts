import { readFileSync } from 'node:fs';
import { Ajv, type AnySchemaObject, type ErrorObject, type ValidateFunction } from 'ajv';
import { error, type Diagnostic, type Span } from '../diagnostics/diagnostic.js';
import { closest, suggest } from '../diagnostics/did-you-mean.js';
import type { LoadedYaml, YamlPath } from '../parse/load-yaml.js';
import { isValueList, isValueMap, type Value } from '../values/value.js';

/**
 * Schemas may carry `x-expected`: the "expected" line shown when a value fails
 * that (sub)schema, in words a user understands (patterns do not explain themselves).
 */
const EXPECTED_KEYWORD = 'x-expected';

/** One Ajv for the process: schemas compile once and are cached by file name. */
let ajv: Ajv | undefined;
const compiled = new Map<string, ValidateFunction>();

function sharedAjv(): Ajv {
  // strictTypes/strictTuples would only log (to the console) about schema style; keep strictSchema.
  ajv ??= new Ajv({ allErrors: true, verbose: true, strictTypes: false, strictTuples: false, logger: false, keywords: [EXPECTED_KEYWORD] });
  return ajv;
}

/** Compiles `schemas/<fileName>` once per process (the schemas directory sits beside dist/). */
export function compileSchema(schemaFileName: string): ValidateFunction {
  const cached = compiled.get(schemaFileName);
  if (cached) return cached;
  // Compiled to dist/src/validate/, so the package root is three levels up.
  const url = new URL(`../../../schemas/${schemaFileName}`, import.meta.url);
  const validate = compileSchemaObject(JSON.parse(readFileSync(url, 'utf8')) as AnySchemaObject);
  compiled.set(schemaFileName, validate);
  return validate;
}

/** Compiles a schema object with the shared Ajv (not cached: the caller keeps the result). */
export function compileSchemaObject(schema: AnySchemaObject): ValidateFunction {
  return sharedAjv().compile(schema);
}

/** A JSON-compatible copy for ajv, which cannot see bigint: ints become numbers. */
export function toJsonCompatible(value: Value): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (isValueList(value)) return value.map(toJsonCompatible);
  if (isValueMap(value)) {
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      Object.defineProperty(copy, key, { value: toJsonCompatible(value[key] as Value), enumerable: true, writable: true, configurable: true });
    }
    return copy;
  }
  return value;
}

/** Validates a loaded YAML document against `schemas/<schemaFileName>`; every violation becomes a located E_SCHEMA. */
export function validateAgainstSchema(loaded: LoadedYaml, schemaFileName: string): Diagnostic[] {
  return validateWith(compileSchema(schemaFileName), loaded);
}

/** Validates a loaded YAML document with a compiled schema; every violation becomes a located E_SCHEMA. */
export function validateWith(validate: ValidateFunction, loaded: LoadedYaml): Diagnostic[] {
  if (validate(toJsonCompatible(loaded.value))) return [];
  const errors = relevantErrors(validate.errors ?? []);
  const root = typeof validate.schema === 'object' ? validate.schema : {};
  const diagnostics = errors.map((e) => schemaDiagnostic(loaded, e, root));
  return sortAndDedupe(diagnostics);
}

/**
 * Drops ajv's echo errors: `if` (its `then`/`else` branch error says why),
 * `propertyNames` (the nested error carries the name), and the branch errors of a
 * failed `anyOf`/`oneOf`, which the single anyOf error summarizes.
 */
function relevantErrors(errors: readonly ErrorObject[]): ErrorObject[] {
  const dropped = new Set<number>();
  errors.forEach((e, k) => {
    if (e.keyword === 'anyOf' || e.keyword === 'oneOf') for (const j of unionBranchErrors(errors, k)) dropped.add(j);
  });
  const misspelt = misspeltRequiredKeys(errors);
  return errors.filter(
    (e, k) => e.keyword !== 'if' && e.keyword !== 'propertyNames' && !dropped.has(k) && !misspelt.has(requiredKey(e)),
  );
}

/** `<instance path>\0<key>` of a missing-key error, '' for other errors. */
function requiredKey(e: ErrorObject): string {
  return e.keyword === 'required' ? `${e.instancePath}\0${String((e.params as Record<string, unknown>)['missingProperty'])}` : '';
}

/**
 * Missing keys that an unknown key beside them misspells (`comand:` for `command:`):
 * the unknown-key error already says "did you mean", so one error is enough.
 */
function misspeltRequiredKeys(errors: readonly ErrorObject[]): Set<string> {
  const missing = errors.filter((e) => e.keyword === 'required').map(requiredKey);
  const found = new Set<string>();
  for (const e of errors) {
    if (e.keyword !== 'additionalProperties') continue;
    const unknown = String((e.params as Record<string, unknown>)['additionalProperty']);
    const candidates = missing.filter((key) => key.startsWith(`${e.instancePath}\0`)).map((key) => key.slice(e.instancePath.length + 1));
    const match = closest(unknown, candidates);
    if (match !== undefined) found.add(`${e.instancePath}\0${match}`);
  }
  return found;
}

/**
 * Indices of the branch errors of the union error at `k`. Ajv pushes them just
 * before the union error; their schemaPath cannot be trusted (a `$ref` restarts
 * it), so walk back while errors stay under the union's instance and are not
 * from a sibling keyword of the union.
 */
function unionBranchErrors(errors: readonly ErrorObject[], k: number): number[] {
  const union = errors[k] as ErrorObject;
  const parentPath = union.schemaPath.slice(0, union.schemaPath.lastIndexOf('/'));
  const under = (pointer: string): boolean => pointer === union.instancePath || pointer.startsWith(`${union.instancePath}/`);
  const isSibling = (e: ErrorObject): boolean => e.schemaPath.startsWith(`${parentPath}/`) && !e.schemaPath.startsWith(`${union.schemaPath}/`);
  const found: number[] = [];
  for (let j = k - 1; j >= 0; j--) {
    const e = errors[j] as ErrorObject;
    if (!under(e.instancePath) || isSibling(e)) break;
    found.push(j);
  }
  return found;
}

/** The YAML path of a JSON pointer, with array indices as numbers (found by walking the value). */
export function pointerToPath(pointer: string, value: Value): YamlPath {
  if (pointer === '') return [];
  const path: (string | number)[] = [];
  let node: Value | undefined = value;
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (isValueList(node)) {
      path.push(Number(segment));
      node = node[Number(segment)];
    } else {
      path.push(segment);
      node = isValueMap(node) ? node[segment] : undefined;
    }
  }
  return path;
}

function valueAt(value: Value, path: YamlPath): Value | undefined {
  let node: Value | undefined = value;
  for (const step of path) {
    if (isValueList(node) && typeof step === 'number') node = node[step];
    else if (isValueMap(node) && Object.hasOwn(node, String(step))) node = node[String(step)];
    else return undefined;
  }
  return node;
}

/** `nodes.predict.after[0]`, or `the top level`. */
export function displayPath(path: YamlPath): string {
  if (path.length === 0) return 'the top level';
  return `"${path.map((step, i) => (typeof step === 'number' ? `[${step}]` : i === 0 ? step : `.${step}`)).join('')}"`;
}

const MAX_SHOWN_TEXT = 60;

/** A short description of a found value: `a string "x"`, `an int 3`, `a list of 2 items`. */
export function describeValue(value: Value | undefined): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'nothing (null)';
  if (typeof value === 'boolean') return `a bool ${value}`;
  if (typeof value === 'bigint') return `an int ${value}`;
  if (typeof value === 'number') return `a float ${value}`;
  if (typeof value === 'string') {
    const shown = value.length > MAX_SHOWN_TEXT ? `${value.slice(0, MAX_SHOWN_TEXT)}…` : value;
    return `a string ${JSON.stringify(shown)}`;
  }
  if (isValueList(value)) return `a list of ${value.length} item${value.length === 1 ? '' : 's'}`;
  const keys = Object.keys(value);
  return keys.length ? `a mapping with key${keys.length === 1 ? '' : 's'} ${keys.map((k) => `"${k}"`).join(', ')}` : 'an empty mapping';
}

const TYPE_WORDS: Readonly<Record<string, string>> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'true or false',
  null: 'null',
  object: 'a mapping',
  array: 'a list',
};

function joinAlternatives(words: readonly string[]): string {
  if (words.length <= 1) return words[0] ?? '';
  return `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

/** The expected line of a (sub)schema: its `x-expected`, else its type in words. */
function expectedOf(schema: unknown): string | undefined {
  if (typeof schema !== 'object' || schema === null) return undefined;
  const s = schema as AnySchemaObject;
  if (typeof s[EXPECTED_KEYWORD] === 'string') return s[EXPECTED_KEYWORD] as string;
  const types = Array.isArray(s.type) ? (s.type as string[]) : typeof s.type === 'string' ? [s.type] : [];
  if (types.length) return joinAlternatives(types.map((t) => typeWords(t, s)));
  if (typeof s.description === 'string') return s.description;
  return undefined;
}

/** `an integer >= 1`: a type in words, with its numeric bounds. */
function typeWords(type: string, schema: AnySchemaObject): string {
  const words = TYPE_WORDS[type] ?? type;
  if (type !== 'integer' && type !== 'number') return words;
  const bounds = [
    typeof schema['minimum'] === 'number' ? `>= ${schema['minimum']}` : '',
    typeof schema['maximum'] === 'number' ? `<= ${schema['maximum']}` : '',
  ].filter(Boolean);
  return bounds.length ? `${words} ${bounds.join(' and ')}` : words;
}

/** Follows a local `$ref` (`#/definitions/x`) within the root schema; other schemas are returned as they are. */
function dereference(schema: unknown, root: AnySchemaObject): unknown {
  const ref = typeof schema === 'object' && schema !== null ? (schema as AnySchemaObject).$ref : undefined;
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return schema;
  let node: unknown = root;
  for (const raw of ref.slice(2).split('/')) {
    const step = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[step] : undefined;
  }
  return node ?? schema;
}

function unionExpected(e: ErrorObject, root: AnySchemaObject): string | undefined {
  const own = e.parentSchema?.[EXPECTED_KEYWORD];
  if (typeof own === 'string') return own;
  const branches = Array.isArray(e.schema) ? (e.schema as unknown[]) : [];
  const words = branches.map((branch) => expectedOf(dereference(branch, root))).filter((w): w is string => w !== undefined);
  return words.length ? joinAlternatives(words) : undefined;
}

interface Explained {
  readonly message: string;
  readonly path: YamlPath;
  readonly part: 'key' | 'value';
  readonly found?: string;
  readonly expected?: string;
  readonly hint?: string;
}

/** Turns one ajv error into words: what is wrong where, what was found and expected, and a fix. */
function explain(e: ErrorObject, root: Value, schema: AnySchemaObject): Explained {
  const path = pointerToPath(e.instancePath, root);
  const where = displayPath(path);
  const value = valueAt(root, path);
  const expected = expectedOf(e.parentSchema);
  const params = e.params as Record<string, unknown>;
  if (e.propertyName !== undefined) {
    return {
      message: `invalid name "${e.propertyName}" in ${where}`,
      path: [...path, e.propertyName],
      part: 'key',
      found: `"${e.propertyName}"`,
      ...(expected ? { expected } : {}),
    };
  }
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(params['additionalProperty']);
      const allowed = Object.keys((e.parentSchema?.['properties'] as object | undefined) ?? {});
      return {
        message: `unknown key "${key}" in ${where}`,
        path: [...path, key],
        part: 'key',
        found: `"${key}"`,
        expected: allowed.length ? `one of ${allowed.join(', ')}` : 'no other keys',
        hint: suggest(key, allowed, 'one of'),
      };
    }
    case 'required': {
      const key = String(params['missingProperty']);
      const property = (e.parentSchema?.['properties'] as Record<string, unknown> | undefined)?.[key];
      const about = expectedOf(property);
      return {
        message: `missing key "${key}" in ${where}`,
        path,
        part: 'key',
        found: value === undefined ? 'nothing' : describeValue(value),
        expected: about ? `a "${key}" key: ${about}` : `a "${key}" key`,
      };
    }
    case 'type':
      return { message: `wrong type for ${where}`, path, part: 'value', found: describeValue(value), expected: expected ?? String(params['type']) };
    case 'anyOf':
    case 'oneOf':
      return { message: `invalid value for ${where}`, path, part: 'value', found: describeValue(value), expected: unionExpected(e, schema) ?? e.message ?? '' };
    case 'uniqueItems': {
      const [first, second] = [Number(params['i']), Number(params['j'])].sort((a, b) => a - b) as [number, number];
      const item = isValueList(value) ? value[second] : undefined;
      return {
        message: `duplicate item in ${where}`,
        path: [...path, second],
        part: 'value',
        found: `${describeValue(item)} at positions ${first} and ${second}`,
        expected: 'each item once',
        hint: 'remove the duplicate',
      };
    }
    default: {
      const own = e.parentSchema?.[EXPECTED_KEYWORD];
      return { message: `invalid value for ${where}`, path, part: 'value', found: describeValue(value), expected: typeof own === 'string' ? own : limitText(e) };
    }
  }
}

/** Words for the size and range keywords when the schema gives no `x-expected`. */
function limitText(e: ErrorObject): string {
  const limit = (e.params as { limit?: unknown }).limit;
  switch (e.keyword) {
    case 'minLength':
      return 'a non-empty string';
    case 'minItems':
      return `at least ${limit} item(s)`;
    case 'maxItems':
      return `at most ${limit} item(s)`;
    case 'minProperties':
      return `at least ${limit} key(s)`;
    case 'maxProperties':
      return `at most ${limit} key(s)`;
    case 'minimum':
      return `${e.parentSchema?.['type'] === 'integer' ? 'an integer' : 'a number'} >= ${limit}`;
    case 'maximum':
      return `${e.parentSchema?.['type'] === 'integer' ? 'an integer' : 'a number'} <= ${limit}`;
    case 'enum':
      return `one of ${((e.params as { allowedValues?: unknown[] }).allowedValues ?? []).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const':
      return JSON.stringify((e.params as { allowedValue?: unknown }).allowedValue);
    case 'pattern':
      return `text matching /${(e.params as { pattern?: unknown }).pattern}/`;
    default:
      return e.message ?? 'a value the schema accepts';
  }
}

function schemaDiagnostic(loaded: LoadedYaml, e: ErrorObject, schema: AnySchemaObject): Diagnostic {
  const { message, path, part, ...rest } = explain(e, loaded.value, schema);
  return error('E_SCHEMA', message, { span: spanOf(loaded, path, part), ...rest });
}

/** The span at `path`; an empty value (`key:` with nothing after it) points at its key instead. */
function spanOf(loaded: LoadedYaml, path: YamlPath, part: 'key' | 'value'): Span {
  const span = loaded.locate(path, part) ?? startOfFile(loaded);
  if (part === 'value' && path.length > 0 && loaded.source.text.slice(span.start, span.end).trim() === '') {
    return loaded.locate(path, 'key') ?? span;
  }
  return span;
}

/** An empty document has no node to point at: point at its start. */
function startOfFile(loaded: LoadedYaml): Span {
  return { source: loaded.source, start: 0, end: Math.min(1, loaded.source.text.length) };
}

function sortAndDedupe(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const unique = diagnostics.filter((d) => {
    const key = `${d.span?.start}\0${d.message}\0${d.found}\0${d.expected}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique.sort((a, b) => (a.span?.start ?? 0) - (b.span?.start ?? 0));
}
