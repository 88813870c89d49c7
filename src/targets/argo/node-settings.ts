import { error, type Diagnostic } from '../../diagnostics/diagnostic.js';
import type { NodeSummary } from '../../graph/job-graph.js';
import type { Resources } from '../../pipeline/pipeline.js';
import { isValueList, isValueMap, type Value, type ValueMap } from '../../values/value.js';
import type { ArgoOptions } from './options.js';

/**
 * What a node's job template needs, read from the node's resources and its free-form
 * `argo:` block in the pipeline:
 *
 *   argo:
 *     image: ghcr.io/org/watch:1.2
 *     node_selector: {accelerator: nvidia-a100}
 *     tolerations: [{key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}]
 *     retry: 2
 *     active_deadline_seconds: 7200
 */
export interface NodeSettings {
  readonly image: string;
  readonly nodeSelector: readonly (readonly [string, string])[];
  readonly tolerations: readonly Toleration[];
  /** Retries after the first attempt; 0 emits no retryStrategy. */
  readonly retries: number;
  readonly activeDeadlineSeconds?: number;
  /** Kubernetes quantities: `cpu`, `memory` requests and `memory`, `nvidia.com/gpu` limits. */
  readonly requests: readonly (readonly [string, string])[];
  readonly limits: readonly (readonly [string, string])[];
}

export interface Toleration {
  readonly key?: string;
  readonly operator?: string;
  readonly value?: string;
  readonly effect?: string;
  readonly tolerationSeconds?: number;
}

const ARGO_KEYS = ['image', 'node_selector', 'tolerations', 'retry', 'active_deadline_seconds'] as const;
const TOLERATION_TEXT_KEYS = ['key', 'operator', 'value', 'effect'] as const;

/** Reads one node's settings; problems go to `diagnostics` and the default is used instead. */
export function nodeSettings(node: NodeSummary, options: ArgoOptions, diagnostics: Diagnostic[]): NodeSettings {
  const block = node.targetOptions['argo'];
  const argo: ValueMap = isValueMap(block) ? block : {};
  if (block !== undefined && !isValueMap(block)) diagnostics.push(nodeError(node, 'argo', 'must be a mapping', block));
  for (const key of Object.keys(argo)) {
    if (!(ARGO_KEYS as readonly string[]).includes(key)) {
      diagnostics.push(nodeError(node, key, `is not an argo setting (${ARGO_KEYS.join(', ')})`, argo[key] as Value));
    }
  }
  const image = textSetting(node, argo, 'image', diagnostics) ?? options.image;
  const retries = countSetting(node, argo, 'retry', 0, diagnostics) ?? options.retries;
  const deadline = countSetting(node, argo, 'active_deadline_seconds', 1, diagnostics) ?? timeSeconds(node, diagnostics);
  return {
    image,
    nodeSelector: nodeSelector(node, argo['node_selector'], diagnostics),
    tolerations: tolerations(node, argo['tolerations'], diagnostics),
    retries,
    ...(deadline !== undefined ? { activeDeadlineSeconds: deadline } : {}),
    ...resourceQuantities(node, node.resources, diagnostics),
  };
}

function nodeError(node: NodeSummary, key: string, problem: string, value: Value): Diagnostic {
  return error('E_OPTION', `node "${node.name}": argo setting "${key}" ${problem}`, {
    found: describe(value),
    hint: 'see the argo section of the README for the settings a node may give',
  });
}

function describe(value: Value): string {
  return typeof value === 'string' ? JSON.stringify(value) : typeof value === 'bigint' ? String(value) : JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v));
}

function textSetting(node: NodeSummary, argo: ValueMap, key: string, diagnostics: Diagnostic[]): string | undefined {
  const value = argo[key];
  if (value === undefined) return undefined;
  if (typeof value === 'string' && value !== '') return value;
  diagnostics.push(nodeError(node, key, 'must be a non-empty string', value));
  return undefined;
}

function countSetting(node: NodeSummary, argo: ValueMap, key: string, min: number, diagnostics: Diagnostic[]): number | undefined {
  const value = argo[key];
  if (value === undefined) return undefined;
  if (typeof value === 'bigint' && value >= BigInt(min) && value <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(value);
  diagnostics.push(nodeError(node, key, `must be a whole number of at least ${min}`, value));
  return undefined;
}

function scalarText(value: Value | undefined): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function nodeSelector(node: NodeSummary, value: Value | undefined, diagnostics: Diagnostic[]): [string, string][] {
  if (value === undefined) return [];
  if (!isValueMap(value)) {
    diagnostics.push(nodeError(node, 'node_selector', 'must be a mapping of label to value', value));
    return [];
  }
  const pairs: [string, string][] = [];
  for (const key of Object.keys(value).sort()) {
    const text = scalarText(value[key]);
    if (text === undefined) diagnostics.push(nodeError(node, 'node_selector', `label "${key}" needs a scalar value`, value[key] as Value));
    else pairs.push([key, text]);
  }
  return pairs;
}

function tolerations(node: NodeSummary, value: Value | undefined, diagnostics: Diagnostic[]): Toleration[] {
  if (value === undefined) return [];
  if (!isValueList(value) || !value.every(isValueMap)) {
    diagnostics.push(nodeError(node, 'tolerations', 'must be a list of mappings (key, operator, value, effect, toleration_seconds)', value));
    return [];
  }
  return value.map((item) => toleration(node, item as ValueMap, diagnostics));
}

function toleration(node: NodeSummary, item: ValueMap, diagnostics: Diagnostic[]): Toleration {
  const result: { -readonly [K in keyof Toleration]: Toleration[K] } = {};
  for (const key of Object.keys(item)) {
    const field = item[key] as Value;
    if ((TOLERATION_TEXT_KEYS as readonly string[]).includes(key) && typeof field === 'string') {
      result[key as (typeof TOLERATION_TEXT_KEYS)[number]] = field;
    } else if ((key === 'toleration_seconds' || key === 'tolerationSeconds') && typeof field === 'bigint') {
      result.tolerationSeconds = Number(field);
    } else {
      diagnostics.push(nodeError(node, 'tolerations', `has a bad field "${key}" (key, operator, value, effect: text; toleration_seconds: a number)`, field));
    }
  }
  return result;
}

/** Slurm-style memory (`8G`, `500M`, `1024` megabytes) as a Kubernetes quantity (`8Gi`). */
export function memoryQuantity(mem: string): string | undefined {
  const match = /^([0-9]+)\s*([KMGT]?)B?$/i.exec(mem.trim());
  if (!match) return undefined;
  const unit = (match[2] || 'M').toUpperCase();
  return `${match[1]}${unit}i`;
}

/** Slurm-style wall time (`MM`, `MM:SS`, `HH:MM:SS`, `D-HH`, `D-HH:MM`, `D-HH:MM:SS`) in seconds. */
export function timeSeconds(node: NodeSummary, diagnostics: Diagnostic[]): number | undefined {
  const time = node.resources.time;
  if (time === undefined) return undefined;
  const seconds = slurmTimeSeconds(time);
  if (seconds === undefined) diagnostics.push(error('E_OPTION', `node "${node.name}": cannot read the time "${time}"`, { expected: 'MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS' }));
  return seconds;
}

export function slurmTimeSeconds(time: string): number | undefined {
  const match = /^(?:([0-9]+)-)?([0-9]+)(?::([0-9]+))?(?::([0-9]+))?$/.exec(time.trim());
  if (!match) return undefined;
  const [, days, a, b, c] = match;
  const n = (s: string | undefined): number => Number(s ?? 0);
  let seconds: number;
  if (days !== undefined) seconds = n(days) * 86400 + n(a) * 3600 + n(b) * 60 + n(c);
  else if (c !== undefined) seconds = n(a) * 3600 + n(b) * 60 + n(c);
  else seconds = n(a) * 60 + n(b);
  return seconds > 0 ? seconds : undefined;
}

function resourceQuantities(node: NodeSummary, resources: Resources, diagnostics: Diagnostic[]): Pick<NodeSettings, 'requests' | 'limits'> {
  const requests: [string, string][] = [];
  const limits: [string, string][] = [];
  if (resources.cpus !== undefined) requests.push(['cpu', String(resources.cpus)]);
  if (resources.mem !== undefined) {
    const memory = memoryQuantity(resources.mem);
    if (memory === undefined) diagnostics.push(error('E_OPTION', `node "${node.name}": cannot read the memory "${resources.mem}"`, { expected: 'e.g. 8G, 500M or 1024 (megabytes)' }));
    else {
      requests.push(['memory', memory]);
      limits.push(['memory', memory]);
    }
  }
  const gpus = resources.gpus ?? 0;
  if (gpus > 0) limits.push(['nvidia.com/gpu', String(gpus)]);
  return { requests, limits };
}
