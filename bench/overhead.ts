/**
 * `npm run bench` (second part): the per-job overhead of each engine on N no-op jobs
 * (a chain-free grid of one node whose command is `true`; N = 1,000, or BENCH_JOBS),
 * against a plain loop of `bash -c true`. Each engine runs its own fresh result root,
 * then once more when every job is done (the rerun column). A machine whose speed drifts (a
 * shared VM) makes one run noisy, so each engine runs BENCH_ROUNDS times (default 3), each time
 * right after its own baseline loop, and the columns are the medians.
 * Adding an engine is one more row in ENGINES.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileGraph, emitTarget } from '../src/compile.js';
import { diskProbe } from '../src/io/probe-jobs.js';
import { writeOutDir } from '../src/io/write-files.js';
import { TARGETS, type TargetName } from '../src/targets/registry.js';

/** One engine: the target it runs and the argv that runs the emitted artifacts in `outDir`. */
interface Engine {
  readonly name: string;
  readonly target: TargetName;
  readonly argv: (outDir: string) => readonly string[];
  /** Extra environment (e.g. a private tmux server, so the bench never touches the user's). */
  readonly env?: Readonly<Record<string, string>>;
}

const ENGINES: readonly Engine[] = [
  { name: 'make -j1', target: 'make', argv: (out) => ['make', '-C', out, '-j1', '-s'] },
  { name: 'make -j2', target: 'make', argv: (out) => ['make', '-C', out, '-j2', '-s'] },
  { name: 'bash (sh run.sh)', target: 'bash', argv: (out) => ['sh', join(out, 'run.sh')] },
  {
    name: 'tmux (2 workers)',
    target: 'tmux',
    argv: (out) => ['bash', join(out, 'gwc-tmux.sh'), 'start', '--wait'],
    env: { GWC_TMUX_SOCKET: `gwc-bench-${process.pid}` },
  },
];

const JOBS = Number(process.env.BENCH_JOBS ?? 1000);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const PIPELINE = 'nodes:\n  noop:\n    command: "true"\n    params:\n      p: 0\n';

function gridYaml(jobs: number): string {
  return `matrix:\n  noop.p: [${Array.from({ length: jobs }, (_, i) => i).join(', ')}]\n`;
}

/** Compiles the no-op grid for one target into `work/out-<n>`, with its own root. */
function compileNoops(work: string, target: TargetName, n: number): string {
  const root = join(work, `runs-${n}`);
  const outDir = join(work, `out-${n}`);
  const built = compileGraph(
    {
      pipeline: { path: 'noop-pipeline.yaml', text: PIPELINE },
      params: { path: 'noop-grid.yaml', text: gridYaml(JOBS) },
      paramsDir: work,
      pipelineDir: work,
      readSource: () => ({ diagnostics: [] }),
    },
    { root, workdir: work, profile: 'kwdagger', enable: new Map(), skipExisting: false, probe: diskProbe() },
  );
  if (!built.value) throw new Error(`no-op grid did not compile: ${built.diagnostics.map((d) => d.message).join('; ')}`);
  const options = { version: 'bench', inputs: ['bench'], outDir, workers: 2, devices: [], devicesAuto: false, queueName: 'bench', enableLinks: true };
  const emitted = emitTarget(built.value, TARGETS[target], options);
  if (!emitted.value) throw new Error(`emit failed: ${emitted.diagnostics.map((d) => d.message).join('; ')}`);
  writeOutDir(outDir, emitted.value);
  return outDir;
}

/** Wall seconds of one command; its output is discarded, a failure aborts the bench. */
function timed(argv: readonly string[], cwd: string, extraEnv: Readonly<Record<string, string>> = {}): number {
  const env = { ...process.env, ...extraEnv };
  for (const name of ['GWC_DEVICES', 'GWC_PREAMBLE', 'MAKEFLAGS', 'MFLAGS', 'MAKELEVEL']) delete env[name];
  const started = process.hrtime.bigint();
  const result = spawnSync(argv[0] as string, argv.slice(1), { cwd, env, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`${argv.join(' ')} failed: ${result.stderr?.toString().slice(-2000)}`);
  return seconds;
}

function cells(values: readonly string[], widths: readonly number[]): string {
  return values.map((v, i) => (i === 0 ? v.padEnd(widths[i] ?? 0) : v.padStart(widths[i] ?? 0))).join('  ');
}

/** The baseline: N runs of `bash -c true` in a plain bash loop. */
function loopSeconds(work: string): number {
  return timed(['bash', '-c', `for ((i = 0; i < ${JOBS}; i++)); do bash -c true; done`], work);
}

/** The middle value (the mean of the two middle ones for an even count). */
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** One round of an engine: its baseline loop, a first run on a fresh root, and a rerun (seconds). */
interface Round {
  readonly loop: number;
  readonly first: number;
  readonly rerun: number;
}

function runRound(work: string, engine: Engine, n: number): Round {
  const outDir = compileNoops(work, engine.target, n);
  const loop = loopSeconds(work);
  const first = timed(engine.argv(outDir), outDir, engine.env);
  const rerun = timed(engine.argv(outDir), outDir, engine.env);
  return { loop, first, rerun };
}

/**
 * Each engine is timed right after its own baseline loop, so a machine whose load
 * drifts during the bench still compares like with like. make -j2 runs two jobs at a
 * time: its figures are wall time per job. Overhead is the median of the rounds' own
 * differences, not the difference of medians.
 */
function main(): void {
  const work = mkdtempSync(join(tmpdir(), 'gwc-overhead-'));
  const widths = [Math.max(6, ...ENGINES.map((e) => e.name.length)), 14, 9, 11, 16, 13];
  const ms = (seconds: number): string => ((seconds * 1000) / JOBS).toFixed(2);
  let n = 0;
  try {
    process.stdout.write(
      `per-job overhead on ${JOBS.toLocaleString('en-US')} no-op jobs, against a loop of bash -c true timed just before; medians of ${ROUNDS} round(s)\n`,
    );
    process.stdout.write(`${cells(['engine', 'loop ms/job', 'total s', 'ms per job', 'overhead ms/job', 'rerun ms/job'], widths)}\n`);
    for (const engine of ENGINES) {
      const rounds = Array.from({ length: ROUNDS }, () => runRound(work, engine, (n += 1)));
      const loop = median(rounds.map((r) => r.loop));
      const first = median(rounds.map((r) => r.first));
      const overhead = median(rounds.map((r) => r.first - r.loop));
      const rerun = median(rounds.map((r) => r.rerun));
      process.stdout.write(`${cells([engine.name, ms(loop), first.toFixed(2), ms(first), ms(overhead), ms(rerun)], widths)}\n`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main();
