import { error, type Diagnostic } from '../../diagnostics/diagnostic.js';
import type { Job, JobGraph, NodeSummary } from '../../graph/job-graph.js';
import type { Resources } from '../../pipeline/pipeline.js';
import { isValueMap, pyTypeName, type Value, type ValueMap } from '../../values/value.js';

/** The per-node and per-row option blocks: `slurm_options` in the pipeline, `__slurm_options__` in the grid. */
export const SLURM_OPTIONS_KEY = 'slurm_options';

/** Options the submit script sets itself: a user value would break arrays or dependencies. */
const RESERVED = new Set(['array', 'dependency', 'parsable', 'wrap', 'kill-on-invalid-dep']);
/** Spellings that are not sbatch's long option names. */
const ALIASES: Readonly<Record<string, string>> = { cpus: 'cpus-per-task' };
const OPTION_NAME = /^[A-Za-z][A-Za-z0-9-]+$/;

/** An sbatch option value: text for `--key=value`, true for a bare `--key`, undefined to drop it. */
type OptionValue = string | true | undefined;

/** The sbatch options of one array: `--key=value` words (unquoted) and a key that tells arrays apart. */
export interface SbatchOptions {
  readonly words: readonly string[];
  readonly signature: string;
}

/** `cpus_per_task`, `--cpus-per-task` and `cpus` all name sbatch's `--cpus-per-task`. */
export function sbatchOptionName(key: string): string {
  const name = key.replace(/^-+/, '').replaceAll('_', '-');
  return ALIASES[name] ?? name;
}

function optionValue(value: Value): OptionValue {
  if (value === true) return true;
  if (value === false || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint' || typeof value === 'number') return String(value);
  throw new Error(`internal: unchecked sbatch option value of type ${pyTypeName(value)}`);
}

/** What a node's `resources:` asks of Slurm. */
function resourceOptions(resources: Resources): [string, OptionValue][] {
  const options: [string, OptionValue][] = [];
  if (resources.cpus !== undefined) options.push(['cpus-per-task', String(resources.cpus)]);
  if (resources.mem !== undefined) options.push(['mem', resources.mem]);
  if (resources.gpus !== undefined && resources.gpus > 0) options.push(['gres', `gpu:${resources.gpus}`]);
  if (resources.time !== undefined) options.push(['time', resources.time]);
  if (resources.partition !== undefined) options.push(['partition', resources.partition]);
  if (resources.account !== undefined) options.push(['account', resources.account]);
  return options;
}

function mapOptions(map: ValueMap | undefined): [string, OptionValue][] {
  if (!map) return [];
  return Object.entries(map).map(([key, value]) => [sbatchOptionName(key), optionValue(value)]);
}

/** The layers of one job's options, lowest precedence first. */
export interface OptionLayers {
  readonly defaults: readonly [string, string][];
  readonly global?: ValueMap;
  readonly resources: Resources;
  readonly node?: ValueMap;
  readonly row?: ValueMap;
}

/**
 * Merges the layers as kwdagger does (global, then the node's default, then the
 * grid's per-node options; later wins), with the node's `resources:` between the
 * global options and the node's own `slurm_options`. `false` or `null` drops an option.
 */
export function mergeSbatchOptions(layers: OptionLayers): SbatchOptions {
  const merged = new Map<string, OptionValue>(layers.defaults);
  const all = [...mapOptions(layers.global), ...resourceOptions(layers.resources), ...mapOptions(layers.node), ...mapOptions(layers.row)];
  for (const [name, value] of all) merged.set(name, value);
  const words: string[] = [];
  for (const [name, value] of merged) {
    if (value === true) words.push(`--${name}`);
    else if (value !== undefined) words.push(`--${name}=${value}`);
  }
  return { words, signature: words.join('\0') };
}

/** A node's `slurm_options` block from the pipeline, when it has one. */
export function nodeSlurmOptions(node: NodeSummary | undefined): ValueMap | undefined {
  const options = node?.targetOptions[SLURM_OPTIONS_KEY];
  return isValueMap(options) ? options : undefined;
}

/** The grid row's `<node>.__slurm_options__` of a job, when it set one. */
export function rowSlurmOptions(job: Job): ValueMap | undefined {
  const options = job.rowOptions[SLURM_OPTIONS_KEY];
  return isValueMap(options) ? options : undefined;
}

function optionProblems(where: string, options: Value | undefined): Diagnostic[] {
  if (options === undefined) return [];
  if (!isValueMap(options)) {
    return [error('E_OPTION', `${where}: slurm options must be a mapping`, { found: `a ${pyTypeName(options)}`, expected: 'a mapping such as {partition: gpu, mem: 8G}' })];
  }
  const problems: Diagnostic[] = [];
  for (const [key, value] of Object.entries(options)) {
    const name = sbatchOptionName(key);
    if (!OPTION_NAME.test(name)) {
      problems.push(error('E_OPTION', `${where}: "${key}" is not an sbatch option name`, { found: JSON.stringify(key), expected: "sbatch's long option name, e.g. cpus_per_task or cpus-per-task", hint: 'single-letter options need their long name (-p is partition)' }));
    } else if (RESERVED.has(name)) {
      problems.push(error('E_OPTION', `${where}: the slurm target sets --${name} itself`, { found: JSON.stringify(key), expected: 'any sbatch option except array, dependency, parsable, wrap and kill-on-invalid-dep' }));
    } else if (Array.isArray(value) || isValueMap(value)) {
      problems.push(error('E_OPTION', `${where}: sbatch option "${key}" needs a single value`, { found: `a ${pyTypeName(value)}`, expected: 'text, a number, true (a bare flag), or false/null (drop the option)' }));
    }
  }
  return problems;
}

/** Checks every option block the graph and the command line hold, each block once. */
export function validateSlurmOptions(graph: JobGraph, global: ValueMap | undefined): Diagnostic[] {
  const problems = [...optionProblems('--slurm_options', global)];
  for (const node of graph.nodes) problems.push(...optionProblems(`node "${node.name}"`, node.targetOptions[SLURM_OPTIONS_KEY]));
  const seen = new Set<Value>();
  for (const job of graph.jobs) {
    const row = job.rowOptions[SLURM_OPTIONS_KEY];
    if (row === undefined || seen.has(row) || !job.scheduled) continue;
    seen.add(row);
    problems.push(...optionProblems(`${job.node}.__slurm_options__ (grid row ${(job.rows[0] ?? 0) + 1})`, row));
  }
  return problems;
}
