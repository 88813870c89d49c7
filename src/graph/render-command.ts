import type { ArgTemplate, PipelineNode } from '../pipeline/pipeline.js';
import { pyStr, toJson } from '../values/py-format.js';
import { isValueList, isValueMap, type Value, type ValueMap } from '../values/value.js';
import { shlexQuote } from './shlex-quote.js';

/** `--key=value` for one config entry, kwdagger style: lists become varargs, dicts one JSON word. */
function renderOption(key: string, value: Value): string {
  if (isValueList(value)) return [`--${key}`, ...value.map((v) => shlexQuote(pyStr(v)))].join(' ');
  if (isValueMap(value)) return `--${key}=${shlexQuote(toJson(value))}`;
  return `--${key}=${shlexQuote(pyStr(value))}`;
}

/** One word of an explicit argument template, with `{key}` pieces substituted. */
function renderWord(pieces: ArgTemplate[number], config: ValueMap): string[] {
  const only = pieces.length === 1 ? pieces[0] : undefined;
  if (only?.kind === 'ref' && isValueList(config[only.key] ?? null)) {
    return (config[only.key] as readonly Value[]).map((v) => shlexQuote(pyStr(v)));
  }
  const text = pieces.map((p) => (p.kind === 'literal' ? p.text : pyStr(config[p.key] ?? null))).join('');
  return [shlexQuote(text)];
}

/**
 * The exact shell command of a job: the node's command, then its arguments.
 * Without a template every final-config key is appended as `--key=value`, in the
 * order kwdagger uses (configured keys, then inputs, outputs, perf, algo).
 */
export function renderCommand(node: Pick<PipelineNode, 'command' | 'args'>, finalConfig: ValueMap): string {
  const words = node.args
    ? node.args.flatMap((pieces) => renderWord(pieces, finalConfig))
    : Object.keys(finalConfig).map((key) => renderOption(key, finalConfig[key] as Value));
  return words.length ? `${node.command} ${words.join(' ')}` : node.command;
}
