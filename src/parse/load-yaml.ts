import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { error, type Diagnostic, type SourceText, type Span } from '../diagnostics/diagnostic.js';
import type { DiagnosticCode } from '../diagnostics/codes.js';
import type { Value } from '../values/value.js';

/** A path into a YAML document: mapping keys and sequence indices. */
export type YamlPath = readonly (string | number)[];

/** A parsed YAML file: its plain value plus a way back from a path to the text. */
export interface LoadedYaml {
  readonly source: SourceText;
  readonly value: Value;
  /** The span of the node at `path` (its key when `part` is `key`), or the nearest ancestor that exists. */
  locate(path: YamlPath, part?: 'key' | 'value'): Span | undefined;
}

/** Alias expansions allowed per document; more is treated as an alias bomb. */
export const MAX_ALIAS_COUNT = 1000;

const YAML_ERROR_CODES: Readonly<Record<string, DiagnosticCode>> = {
  DUPLICATE_KEY: 'E_YAML_DUPLICATE_KEY',
  TAG_RESOLVE_FAILED: 'E_YAML_TAG',
};

/** Decodes file bytes as UTF-8 text, refusing binary input. */
export function decodeSource(path: string, bytes: Uint8Array): { source?: SourceText; diagnostics: Diagnostic[] } {
  const nul = bytes.indexOf(0);
  let text: string | undefined;
  try {
    text = nul === -1 ? new TextDecoder('utf-8', { fatal: true }).decode(bytes) : undefined;
  } catch {
    text = undefined;
  }
  if (text === undefined) {
    const at = nul === -1 ? 'it is not valid UTF-8' : `it has a NUL byte at offset ${nul}`;
    return {
      diagnostics: [
        error('E_BINARY_INPUT', `"${path}" is not a text file`, {
          found: `binary data (${at})`,
          expected: 'a UTF-8 YAML file',
          hint: 'check the path: pass the YAML file, not a data or model file',
        }),
      ],
    };
  }
  return { source: { path, text: text.replace(/^\uFEFF/, '') }, diagnostics: [] };
}

/** Parses YAML 1.2 text, keeping int (bigint) and float (number) apart, with every syntax error located. */
export function loadYaml(source: SourceText): { loaded?: LoadedYaml; diagnostics: Diagnostic[] } {
  const doc = parseDocument(source.text, {
    version: '1.2',
    intAsBigInt: true,
    uniqueKeys: true,
    prettyErrors: false,
    lineCounter: new LineCounter(),
  });
  const problems = [...doc.errors, ...doc.warnings.filter((w) => w.code === 'TAG_RESOLVE_FAILED')];
  const diagnostics = problems.map((e) =>
    error(YAML_ERROR_CODES[e.code] ?? 'E_YAML_SYNTAX', e.code === 'DUPLICATE_KEY' ? duplicateKeyMessage(source.text, e.pos[0]) : yamlMessage(e.message), {
      span: { source, start: e.pos[0], end: Math.max(e.pos[1], e.pos[0] + 1) },
      ...yamlAdvice(e.code),
    }),
  );
  if (diagnostics.length > 0) return { diagnostics };
  let value: Value;
  try {
    value = (doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? null) as Value;
  } catch (e) {
    if (!(e instanceof ReferenceError)) throw e;
    return { diagnostics: [aliasBomb(source, doc)] };
  }
  return { loaded: { source, value, locate: (path, part) => locate(source, doc, path, part) }, diagnostics: [] };
}

function yamlMessage(message: string): string {
  const first = (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
  return first.charAt(0).toLowerCase() + first.slice(1);
}

/** Names the repeated key: the yaml library's message does not. */
function duplicateKeyMessage(text: string, start: number): string {
  const key = /^("[^"\n]*"|'[^'\n]*'|[^:\n]*?)\s*:/.exec(text.slice(start))?.[1]?.trim();
  return key ? `duplicate key ${key.startsWith('"') || key.startsWith("'") ? key : `"${key}"`}` : 'duplicate key';
}

function yamlAdvice(code: string): Pick<Diagnostic, 'hint'> {
  if (code === 'DUPLICATE_KEY') return { hint: 'remove one of the two keys, or merge their values' };
  if (code === 'TAG_RESOLVE_FAILED') return { hint: 'remove the tag; use `__include__: file.yaml` to splice a file' };
  return { hint: 'fix the YAML syntax at the marked position' };
}

function aliasBomb(source: SourceText, doc: Document): Diagnostic {
  const start = doc.contents?.range?.[0] ?? 0;
  return error('E_YAML_ALIAS_LIMIT', 'too many YAML alias expansions', {
    span: { source, start, end: start + 1 },
    found: `more than ${MAX_ALIAS_COUNT} alias expansions (an alias bomb expands exponentially)`,
    expected: 'a document whose aliases expand to a reasonable size',
    hint: 'write the values out, or use fewer nested aliases',
  });
}

function locate(source: SourceText, doc: Document, path: YamlPath, part: 'key' | 'value' = 'value'): Span | undefined {
  let node: unknown = doc.contents;
  let keyNode: unknown;
  for (const step of path) {
    const child = childOf(node, step);
    if (!child) break;
    [keyNode, node] = [child.key, child.value];
  }
  const target = (part === 'key' && keyNode ? keyNode : node) as Node | undefined;
  const range = target?.range;
  if (!range) return undefined;
  return { source, start: range[0], end: Math.max(range[1], range[0] + 1) };
}

function childOf(node: unknown, step: string | number): { key: unknown; value: unknown } | undefined {
  if (isSeq(node) && typeof step === 'number') {
    const value = node.items[step];
    return value === undefined ? undefined : { key: value, value };
  }
  if (!isMap(node)) return undefined;
  for (const pair of node.items) {
    if (!isPair(pair)) continue;
    const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
    if (key === String(step)) return { key: pair.key, value: pair.value ?? pair.key };
  }
  return undefined;
}
