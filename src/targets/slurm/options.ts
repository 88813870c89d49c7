import { error, type Diagnostic } from '../../diagnostics/diagnostic.js';
import { loadYaml } from '../../parse/load-yaml.js';
import { isValueMap, pyTypeName, type ValueMap } from '../../values/value.js';
import type { TargetFlag } from '../target.js';

/** Slurm's default MaxArraySize: array indices 0..1000. */
export const DEFAULT_MAX_ARRAY_SIZE = 1001;

/** What the slurm target reads from the command line (`TargetOptions.slurm`). */
export interface SlurmTargetOptions {
  /** Global sbatch options (`--slurm_options`), the lowest precedence. */
  readonly options?: ValueMap;
  /** Tasks per array at most (`--max-array-size`): the cluster's MaxArraySize. */
  readonly maxArraySize?: number;
}

/** The flags the slurm target adds to the command line (the seed spells them with underscores). */
export const SLURM_FLAGS: readonly TargetFlag[] = [
  { flags: '--slurm-options <yaml>', description: 'slurm: sbatch options for every job, a YAML/JSON mapping, e.g. "{partition: gpu, mem: 8G}"' },
  { flags: '--max-array-size <n>', description: `slurm: tasks per job array at most, the cluster's MaxArraySize (default ${DEFAULT_MAX_ARRAY_SIZE})` },
];

/** Reads `--slurm-options` and `--max-array-size` as the CLI parsed them. */
export function resolveSlurmSettings(flags: Readonly<Record<string, unknown>>, diagnostics: Diagnostic[]): SlurmTargetOptions {
  const text = (name: string): string | undefined => (typeof flags[name] === 'string' ? (flags[name] as string) : undefined);
  const options = parseSlurmOptions(text('slurmOptions'), diagnostics);
  const maxArraySize = parseArraySize(text('maxArraySize'), diagnostics);
  return { ...(options ? { options } : {}), ...(maxArraySize !== undefined ? { maxArraySize } : {}) };
}

function optionError(message: string, found: string, expected: string): Diagnostic {
  return error('E_OPTION', message, { found, expected });
}

/** `--slurm_options`: a YAML (or JSON) mapping of sbatch options, as the seed passes it. */
function parseSlurmOptions(text: string | undefined, diagnostics: Diagnostic[]): ValueMap | undefined {
  if (text === undefined || text.trim() === '' || text === 'None') return undefined;
  const { loaded, diagnostics: problems } = loadYaml({ path: '--slurm_options', text });
  diagnostics.push(...problems);
  if (!loaded) return undefined;
  if (isValueMap(loaded.value)) return loaded.value;
  if (loaded.value !== null) {
    diagnostics.push(optionError('--slurm_options takes a mapping of sbatch options', `a ${pyTypeName(loaded.value)}`, 'e.g. "{partition: gpu, mem: 8G}"'));
  }
  return undefined;
}

function parseArraySize(text: string | undefined, diagnostics: Diagnostic[]): number | undefined {
  if (text === undefined) return undefined;
  if (/^[1-9][0-9]*$/.test(text)) return Number(text);
  diagnostics.push(optionError('--max-array-size takes a positive whole number', `"${text}"`, 'e.g. 4'));
  return undefined;
}
