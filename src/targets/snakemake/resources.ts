import type { Resources } from '../../pipeline/pipeline.js';
import { shellQuote } from '../shared/shell-quote.js';

/** Megabytes per Slurm memory unit (no unit means megabytes, as for `sbatch --mem`). */
const MB_PER_UNIT: Readonly<Record<string, number>> = { K: 1 / 1024, M: 1, G: 1024, T: 1024 * 1024 };

/**
 * Slurm-style memory (`500M`, `8G`, `1.5T`, `2048`) as whole megabytes, rounded up;
 * undefined when it is not in that form.
 */
export function memToMb(mem: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([KMGT])?B?\s*$/i.exec(mem);
  if (!match) return undefined;
  const unit = (match[2] ?? 'M').toUpperCase();
  return Math.max(1, Math.ceil(Number(match[1]) * (MB_PER_UNIT[unit] as number)));
}

/**
 * Slurm-style wall time as whole minutes, rounded up; undefined when it is not one of
 * sbatch's forms: `M`, `M:S`, `H:M:S`, `D-H`, `D-H:M`, `D-H:M:S`.
 */
export function timeToMinutes(time: string): number | undefined {
  const match = /^\s*(?:(\d+)-)?(\d+)(?::(\d+))?(?::(\d+))?\s*$/.exec(time);
  if (!match) return undefined;
  const [, days, first, second, third] = match;
  const n = (text: string | undefined): number => (text === undefined ? 0 : Number(text));
  let seconds: number;
  if (days !== undefined) {
    // D-H, D-H:M, D-H:M:S
    seconds = n(days) * 86400 + n(first) * 3600 + n(second) * 60 + n(third);
  } else if (third !== undefined) {
    seconds = n(first) * 3600 + n(second) * 60 + n(third);
  } else {
    seconds = n(first) * 60 + n(second);
  }
  return Math.max(1, Math.ceil(seconds / 60));
}

/** What one rule asks for: `threads:` and the `resources:` entries, already Python text. */
export interface RuleResources {
  readonly threads: number;
  /** `name=value` entries for `resources:`, in a fixed order. */
  readonly entries: readonly string[];
}

/**
 * A node's resources as Snakemake sees them: cpus → threads, mem → mem_mb, time →
 * runtime (minutes), gpus → gpu, and `slurm_extra`: the sbatch options Snakemake has no
 * resource for (partition, account, GPUs as gres), shell-quoted for the Slurm profile.
 * `pythonString` quotes the one text value.
 */
export function ruleResources(resources: Resources, pythonString: (text: string) => string): RuleResources {
  const entries: string[] = [];
  const mem = resources.mem === undefined ? undefined : memToMb(resources.mem);
  if (mem !== undefined) entries.push(`mem_mb=${mem}`);
  const runtime = resources.time === undefined ? undefined : timeToMinutes(resources.time);
  if (runtime !== undefined) entries.push(`runtime=${runtime}`);
  const gpus = resources.gpus ?? 0;
  if (gpus > 0) entries.push(`gpu=${gpus}`);
  const extra: string[] = [];
  if (resources.partition !== undefined) extra.push(`--partition=${resources.partition}`);
  if (resources.account !== undefined) extra.push(`--account=${resources.account}`);
  if (gpus > 0) extra.push(`--gres=gpu:${gpus}`);
  entries.push(`slurm_extra=${pythonString(extra.map(shellQuote).join(' '))}`);
  return { threads: Math.max(1, Math.floor(resources.cpus ?? 1)), entries };
}
