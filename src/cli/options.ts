import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { suggest } from '../diagnostics/did-you-mean.js';
import { parseEnable, type EnableState } from '../graph/enable.js';
import type { HashProfile } from '../hash/ids.js';
import type { GridSemantics } from '../grid/index.js';
import { TARGETS } from '../targets/registry.js';
import type { Target } from '../targets/target.js';

/** Flags as commander hands them over (all strings; repeated `--enable` collected). */
export interface RawOptions {
  readonly pipeline?: string;
  readonly params?: string;
  readonly target?: string;
  readonly backend?: string;
  readonly out?: string;
  readonly root?: string;
  readonly workdir?: string;
  readonly hashProfile?: string;
  readonly enable?: readonly string[];
  readonly skipExisting?: string | boolean;
  readonly workers?: string;
  readonly devices?: string;
  readonly queueName?: string;
  readonly enableLinks?: string | boolean;
  readonly virtualenvCmd?: string;
  readonly run?: string | boolean;
  readonly gridSemantics?: string;
  readonly maxConfigs?: string;
  readonly format?: string;
  /** The targets' own flags (see {@link Target.flags}), by commander's camelCase name. */
  readonly [targetFlag: string]: unknown;
}

/** Every option, resolved once: absolute paths, parsed numbers and flags. */
export interface ResolvedOptions {
  readonly pipelineFile: string;
  readonly paramsArg: string;
  readonly target: string;
  readonly outDir: string;
  readonly root: string;
  readonly workdir: string;
  readonly hashProfile: HashProfile;
  readonly enable: ReadonlyMap<string, EnableState>;
  readonly skipExisting: boolean;
  readonly workers: number;
  readonly devices: readonly string[];
  readonly devicesAuto: boolean;
  readonly queueName: string;
  readonly enableLinks: boolean;
  readonly preamble?: string;
  readonly run: boolean;
  readonly gridSemantics?: GridSemantics;
  readonly maxConfigs?: number;
  readonly format: 'text' | 'json';
  /** The chosen target's own settings, from its flags (see {@link Target.resolveSettings}). */
  readonly settings?: unknown;
}


/** The seed's `--backend` names and the targets that implement them. */
export const BACKEND_TARGETS: Readonly<Record<string, string>> = { serial: 'bash', tmux: 'tmux', slurm: 'slurm' };

const PROFILES: readonly HashProfile[] = ['kwdagger', 'geowatch-v2'];

/** Declares the options that read the grid (all that `expand` needs). */
export function addGridOptions(command: Command): Command {
  return command
    .option('--params <file-or-yaml>', 'the param grid: a YAML file, or YAML text (as the seed passes it)')
    .option('--grid-semantics <kind>', 'kwdagger (default) or github (overrides grid_semantics in the grid)')
    .option('--max-configs <n>', 'stop after this many grid rows')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'));
}

/** Declares the options `compile` and `plan` share. */
export function addCompileOptions(command: Command): Command {
  addGridOptions(command)
    .option('--pipeline <file>', 'the pipeline (stage graph) YAML file')
    .option('--target <name>', 'what to emit (see `geowatch-compile targets`; default: make)')
    .option('--backend <name>', 'the seed\'s spelling of the target: serial (bash), tmux, slurm; --target wins over it')
    .option('--out <dir>', 'where to write the artifacts (default: <root>/_gwc/<queue-name>/<target>)')
    .option('--root <dir>', 'the result root: job directories live under it', 'runs')
    .option('--workdir <dir>', 'directory commands run from (default: the pipeline file\'s directory)')
    .option('--hash-profile <profile>', 'ids and layout: kwdagger (base36, 12 chars) or geowatch-v2 (hex, 8 chars, flat/)', 'kwdagger')
    .option('--enable <node=0|1|redo>', 'enable, disable or redo a node (repeatable; also --enable_<node>=0|1)', collect, [])
    .option('--skip-existing [0|1]', 'leave jobs whose results exist out of the artifacts (their dependents do not wait)')
    .option('--workers <n>', 'parallel jobs (also --queue_size, --tmux_workers)')
    .option('--devices <ids>', 'GPU ids to lease to jobs, e.g. 0,1 (or auto: idle GPUs per nvidia-smi)')
    .option('--queue-name <name>', 'name of the queue (scripts, sessions)', 'schedule-eval')
    .option('--enable-links [0|1]', 'write .pred/ and .succ/ links between job dirs', '1')
    .option('--virtualenv-cmd <cmd>', 'a command run before each job, e.g. "conda activate watch"')
    .option('--run [0|1]', '1: start the engine after writing; 0: print how to', '0');
  // Each target's own flags: a new target brings its flags with it.
  for (const target of Object.values(TARGETS) as Target[]) {
    for (const flag of target.flags ?? []) command.option(flag.flags, flag.description);
  }
  return command;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function optionError(message: string, init: Omit<Diagnostic, 'code' | 'severity' | 'message'> = {}): Diagnostic {
  return error('E_OPTION', message, init);
}

/** `1`, `0`, `true`, `false` or a bare flag. */
function parseFlag(name: string, value: string | boolean | undefined, fallback: boolean, diagnostics: Diagnostic[]): boolean {
  if (value === undefined) return fallback;
  if (typeof value === 'boolean') return value;
  const state = parseEnable(value);
  if (typeof state === 'boolean') return state;
  diagnostics.push(optionError(`--${name} takes 0 or 1`, { found: `"${value}"`, expected: '0 or 1' }));
  return fallback;
}

function parseCount(name: string, value: string | undefined, diagnostics: Diagnostic[]): number | undefined {
  if (value === undefined) return undefined;
  if (/^[1-9][0-9]*$/.test(value)) return Number(value);
  diagnostics.push(optionError(`--${name} takes a positive whole number`, { found: `"${value}"`, expected: 'e.g. 4' }));
  return undefined;
}

function parseEnables(values: readonly string[], diagnostics: Diagnostic[]): Map<string, EnableState> {
  const enable = new Map<string, EnableState>();
  for (const text of values) {
    const eq = text.indexOf('=');
    const state = eq > 0 ? parseEnable(text.slice(eq + 1)) : undefined;
    if (state === undefined) {
      diagnostics.push(optionError(`cannot read --enable "${text}"`, { found: `"${text}"`, expected: 'NODE=0, NODE=1 or NODE=redo' }));
    } else {
      enable.set(text.slice(0, eq), state);
    }
  }
  return enable;
}

function resolveTarget(raw: RawOptions, targets: readonly string[], diagnostics: Diagnostic[]): string {
  if (raw.backend !== undefined && raw.target === undefined) {
    const target = BACKEND_TARGETS[raw.backend];
    if (target) return resolveTarget({ target }, targets, diagnostics);
    diagnostics.push(
      optionError(`unknown backend "${raw.backend}"`, {
        expected: Object.keys(BACKEND_TARGETS).join(', '),
        hint: suggest(raw.backend, Object.keys(BACKEND_TARGETS)),
      }),
    );
  }
  const target = raw.target ?? 'make';
  if (targets.includes(target)) return target;
  const available = targets.map((t) => `"${t}"`).join(', ');
  diagnostics.push(optionError(`unknown target "${target}"`, { expected: `an available target: ${available}`, hint: suggest(target, targets) }));
  return target;
}

/** The settings the chosen target makes of its flags; none for targets without flags. */
function targetSettings(target: string, raw: RawOptions, diagnostics: Diagnostic[]): unknown {
  const chosen = (TARGETS as Readonly<Record<string, Target>>)[target];
  return chosen?.resolveSettings?.(raw, diagnostics);
}

function parseDevices(value: string | undefined): { devices: string[]; auto: boolean } {
  if (value === undefined || value === '' || value === 'None') return { devices: [], auto: false };
  if (value === 'auto') return { devices: [], auto: true };
  return { devices: value.split(',').map((d) => d.trim()).filter(Boolean), auto: false };
}

/** Resolves flags once into {@link ResolvedOptions}; every problem is reported at once. */
export function resolveOptions(
  raw: RawOptions,
  context: { cwd: string; targets: readonly string[]; needsPipeline: boolean },
): { options?: ResolvedOptions; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  if (context.needsPipeline && !raw.pipeline) diagnostics.push(optionError('--pipeline is required', { hint: 'pass --pipeline pipeline.yaml' }));
  if (!raw.params) diagnostics.push(optionError('--params is required', { hint: 'pass --params grid.yaml (or inline YAML text)' }));
  const target = resolveTarget(raw, context.targets, diagnostics);
  const hashProfile = (raw.hashProfile ?? 'kwdagger') as HashProfile;
  if (!PROFILES.includes(hashProfile)) {
    diagnostics.push(optionError(`unknown hash profile "${hashProfile}"`, { expected: PROFILES.join(', '), hint: suggest(hashProfile, PROFILES) }));
  }
  const semantics = raw.gridSemantics;
  if (semantics !== undefined && semantics !== 'kwdagger' && semantics !== 'github') {
    diagnostics.push(optionError(`unknown grid semantics "${semantics}"`, { expected: 'kwdagger or github' }));
  }
  const pipelineFile = resolve(context.cwd, raw.pipeline ?? '.');
  const root = resolve(context.cwd, raw.root ?? 'runs');
  const queueName = raw.queueName ?? 'schedule-eval';
  const { devices, auto } = parseDevices(raw.devices);
  const workers = parseCount('workers', raw.workers, diagnostics) ?? Math.max(1, availableParallelism());
  const maxConfigs = parseCount('max-configs', raw.maxConfigs, diagnostics);
  const settings = targetSettings(target, raw, diagnostics);
  const options: ResolvedOptions = {
    pipelineFile,
    paramsArg: raw.params ?? '',
    target,
    outDir: resolve(context.cwd, raw.out ?? `${root}/_gwc/${queueName}/${target}`),
    root,
    workdir: resolve(context.cwd, raw.workdir ?? dirname(pipelineFile)),
    hashProfile,
    enable: parseEnables(raw.enable ?? [], diagnostics),
    skipExisting: parseFlag('skip-existing', raw.skipExisting, false, diagnostics),
    workers,
    devices,
    devicesAuto: auto,
    queueName,
    enableLinks: parseFlag('enable-links', raw.enableLinks, true, diagnostics),
    ...(raw.virtualenvCmd ? { preamble: raw.virtualenvCmd } : {}),
    run: parseFlag('run', raw.run, false, diagnostics),
    ...(semantics === 'kwdagger' || semantics === 'github' ? { gridSemantics: semantics } : {}),
    ...(maxConfigs !== undefined ? { maxConfigs } : {}),
    format: raw.format === 'json' ? 'json' : 'text',
    ...(settings !== undefined ? { settings } : {}),
  };
  return diagnostics.length ? { diagnostics } : { options, diagnostics };
}
