import { error, type Diagnostic, type Span } from '../diagnostics/diagnostic.js';
import type { LoadedYaml, YamlPath } from '../parse/load-yaml.js';
import { pyStr } from '../values/py-format.js';
import { isValueList, isValueMap, markUnordered, type Scalar, type Value, type ValueMap } from '../values/value.js';
import { parseArgWord } from './arg-template.js';
import type { ArgPiece, ArgTemplate, InputSource, OutputRef, PipelineNode, Resources } from './pipeline.js';

type Declarations = ValueMap | readonly string[];

/** One node as the schema accepted it (ints are still bigint). */
export interface RawNode {
  readonly command: string;
  readonly group?: string;
  readonly namespace?: string | readonly string[];
  readonly inputs?: Declarations;
  readonly outputs?: Readonly<Record<string, string>>;
  readonly primary_output?: string;
  readonly params?: Declarations;
  readonly perf_params?: Declarations;
  readonly resources?: Readonly<Record<string, string | bigint | number>>;
  readonly after?: string | readonly string[];
  readonly args?: readonly Scalar[];
  readonly slurm_options?: ValueMap;
  readonly argo?: ValueMap;
  readonly snakemake?: ValueMap;
}

/** Per-target option blocks copied into `targetOptions` under their own key. */
const TARGET_OPTION_KEYS = ['slurm_options', 'argo', 'snakemake'] as const;

/**
 * `predict.heatmaps` → node `predict`, name `heatmaps`. Node and input names may
 * both hold dots (`pred_trk_pxl.data.test_dataset`), so the longest node name
 * that is a whole-segment prefix wins; with none, the last dot splits.
 */
export function splitReference(text: string, nodeNames: ReadonlySet<string>): { node: string; name: string } {
  let best = '';
  for (const node of nodeNames) {
    if (node.length > best.length && text.length > node.length + 1 && text.startsWith(`${node}.`)) best = node;
  }
  const dot = best ? best.length : text.lastIndexOf('.');
  return { node: text.slice(0, dot), name: text.slice(dot + 1) };
}

function toList<T>(value: T | readonly T[] | undefined): readonly T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? (value as readonly T[]) : [value as T];
}

/**
 * A deep copy whose mappings are marked unordered: pipeline defaults are plain
 * dicts in kwdagger, so they hash with sorted keys.
 */
function unorderedCopy(value: Value): Value {
  if (isValueList(value)) return value.map(unorderedCopy);
  if (isValueMap(value)) return markUnordered(Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unorderedCopy(v)])));
  return value;
}

/**
 * The keys of a mapping in the order they are written. JavaScript objects list
 * integer-like keys (`"1"`) first, so the source positions decide.
 */
export function keysInSourceOrder(map: object, path: YamlPath, loaded: LoadedYaml): string[] {
  const position = (key: string): number => loaded.locate([...path, key], 'key')?.start ?? 0;
  return Object.keys(map)
    .map((key) => ({ key, at: position(key) }))
    .sort((a, b) => a.at - b.at)
    .map(({ key }) => key);
}

/** Where one node section is, and how to list its keys in written order. */
interface SectionContext {
  readonly path: YamlPath;
  readonly loaded: LoadedYaml;
}

/** Params in either form: a mapping of defaults, or a list of names declared without one. */
function normalizeParams(declared: Declarations | undefined, at: SectionContext): Map<string, Value | undefined> {
  if (declared === undefined) return new Map();
  if (isValueList(declared)) return new Map(declared.map((name) => [name, undefined]));
  return new Map(keysInSourceOrder(declared, at.path, at.loaded).map((name) => [name, unorderedCopy(declared[name] as Value)]));
}

function normalizeInput(value: Value, nodeNames: ReadonlySet<string>): InputSource {
  if (!isValueMap(value)) return { kind: 'value', default: value };
  const from = value['from'];
  if (from !== undefined) {
    const refs = toList(from as string | readonly string[]).map((text): OutputRef => {
      const { node, name } = splitReference(text, nodeNames);
      return { node, output: name };
    });
    return { kind: 'from', refs, fanIn: isValueList(from) };
  }
  const sameAs = value['same_as'];
  if (typeof sameAs === 'string') {
    const { node, name } = splitReference(sameAs, nodeNames);
    return { kind: 'same_as', node, input: name };
  }
  return { kind: 'value', default: value['default'] ?? null };
}

function normalizeInputs(declared: Declarations | undefined, at: SectionContext, nodeNames: ReadonlySet<string>): Map<string, InputSource> {
  if (declared === undefined) return new Map();
  if (isValueList(declared)) return new Map(declared.map((name) => [name, { kind: 'value', default: null }]));
  return new Map(keysInSourceOrder(declared, at.path, at.loaded).map((name) => [name, normalizeInput(declared[name] as Value, nodeNames)]));
}

function normalizeResources(raw: RawNode['resources']): Resources {
  if (!raw) return {};
  const number = (key: string): { [k: string]: number } => (raw[key] === undefined ? {} : { [key]: Number(raw[key]) });
  const text = (key: string): { [k: string]: string } => (raw[key] === undefined ? {} : { [key]: String(raw[key]) });
  return { ...number('cpus'), ...number('gpus'), ...text('mem'), ...text('time'), ...text('partition'), ...text('account') };
}

function targetOptionsOf(raw: RawNode): ValueMap {
  return Object.fromEntries(TARGET_OPTION_KEYS.flatMap((key) => (raw[key] === undefined ? [] : [[key, raw[key]]])));
}

/** The text of one template word as written: numbers as Python prints them, booleans as YAML spells them. */
function wordText(word: Scalar): string {
  return typeof word === 'boolean' ? String(word) : pyStr(word);
}

/**
 * The span of `length` characters at `offset` inside a word, when the word is
 * written plainly in the source; otherwise the whole word.
 */
export function spanInside(span: Span, word: string, offset: number, length: number): Span {
  const written = span.source.text.slice(span.start, span.end);
  const at = written.indexOf(word);
  if (at === -1 || word === '') return span;
  return { source: span.source, start: span.start + at + offset, end: span.start + at + offset + Math.max(1, length) };
}

function normalizeArgs(name: string, words: readonly Scalar[], loaded: LoadedYaml): { args: ArgTemplate; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const args = words.map((word, i): readonly ArgPiece[] => {
    const text = wordText(word);
    const { pieces, problem } = parseArgWord(text);
    if (problem) {
      const span = loaded.locate(['nodes', name, 'args', i]);
      diagnostics.push(
        error('E_ARG_TEMPLATE', `${problem.message} in argument template of node "${name}"`, {
          ...(span ? { span: spanInside(span, text, problem.offset, problem.length) } : {}),
          found: problem.found,
          expected: 'balanced "{key}" placeholders',
          hint: 'write "{{" and "}}" for literal braces',
        }),
      );
    }
    return pieces;
  });
  return { args, diagnostics };
}

/** The normalized model of one node, plus template syntax errors (the only problems found this early). */
export function normalizeNode(
  name: string,
  raw: RawNode,
  context: { loaded: LoadedYaml; nodeNames: ReadonlySet<string> },
): { node: PipelineNode; diagnostics: Diagnostic[] } {
  const { loaded } = context;
  const section = (key: string): SectionContext => ({ path: ['nodes', name, key], loaded });
  const rawOutputs = raw.outputs ?? {};
  const outputs = new Map(keysInSourceOrder(rawOutputs, ['nodes', name, 'outputs'], loaded).map((key) => [key, rawOutputs[key] as string]));
  const onlyOutput = outputs.size === 1 ? [...outputs.keys()][0] : undefined;
  const primaryOutput = raw.primary_output ?? onlyOutput;
  const template = raw.args ? normalizeArgs(name, raw.args, loaded) : undefined;
  const span = loaded.locate(['nodes', name], 'key');
  const node: PipelineNode = {
    name,
    command: raw.command,
    ...(template ? { args: template.args } : {}),
    group: raw.group ?? '.',
    namespaces: toList(raw.namespace),
    inputs: normalizeInputs(raw.inputs, section('inputs'), context.nodeNames),
    outputs,
    ...(primaryOutput !== undefined ? { primaryOutput } : {}),
    params: normalizeParams(raw.params, section('params')),
    perfParams: normalizeParams(raw.perf_params, section('perf_params')),
    resources: normalizeResources(raw.resources),
    after: toList(raw.after),
    targetOptions: targetOptionsOf(raw),
    ...(span ? { span } : {}),
  };
  return { node, diagnostics: template?.diagnostics ?? [] };
}
