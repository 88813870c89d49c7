/**
 * `npm run bench`: compiles synthetic 5-node chain grids of about 10k, 100k and
 * 1M jobs to each target and prints jobs/s, peak RSS and artifact size.
 * Each size runs in its own process, so peak RSS is that size's own.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileGraph, emitTarget } from '../src/compile.js';
import { diskProbe } from '../src/io/probe-jobs.js';
import { writeOutDir } from '../src/io/write-files.js';
import { TARGETS, type TargetName } from '../src/targets/registry.js';

/** Values per node: the last node multiplies the job count. */
const SIZES: Readonly<Record<string, readonly number[]>> = {
  '10k': [2, 5, 10, 10, 10],
  '100k': [2, 5, 10, 10, 100],
  '1M': [2, 5, 10, 10, 1000],
};

const NODES = ['a', 'b', 'c', 'd', 'e'];

function pipelineYaml(): string {
  return `nodes:\n${NODES.map((name, i) => {
    const input = i === 0 ? '      src: data/input.txt' : `      src: {from: ${NODES[i - 1]}.out}`;
    return `  ${name}:\n    command: sh -c true\n    group: g\n    inputs:\n${input}\n    outputs:\n      out: out.txt\n    params:\n      p: 0\n    perf_params:\n      workers: 1\n`;
  }).join('')}`;
}

function gridYaml(counts: readonly number[]): string {
  const axes = NODES.map((name, i) => `  ${name}.p: [${Array.from({ length: counts[i] ?? 1 }, (_, v) => v).join(', ')}]`);
  return `matrix:\n${axes.join('\n')}\n`;
}

function dirSize(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce(
    (sum, e) => sum + (e.isDirectory() ? dirSize(join(dir, e.name)) : statSync(join(dir, e.name)).size),
    0,
  );
}

/**
 * What reading the emitted Makefile costs GNU make itself: `make -q` (no recipe runs;
 * every marker is missing, so it only reads the file and walks the graph). Peak RSS
 * comes from GNU time when it is installed.
 */
function timeMakeRead(outDir: string): { seconds: number; peakMiB?: number } {
  const hasTime = existsSync('/usr/bin/time');
  const started = process.hrtime.bigint();
  const run = hasTime
    ? spawnSync('/usr/bin/time', ['-f', '%M', 'make', '-q'], { cwd: outDir, encoding: 'utf8', maxBuffer: 1 << 20 })
    : spawnSync('make', ['-q'], { cwd: outDir, encoding: 'utf8', maxBuffer: 1 << 20 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const kib = hasTime ? Number(run.stderr.trim().split('\n').pop()) : NaN;
  return Number.isFinite(kib) ? { seconds, peakMiB: kib / 1024 } : { seconds };
}

/** One measurement, in this process. */
function measure(size: string, target: TargetName): void {
  const counts = SIZES[size] as readonly number[];
  const work = mkdtempSync(join(tmpdir(), 'gwc-bench-'));
  const started = process.hrtime.bigint();
  const built = compileGraph(
    {
      pipeline: { path: 'bench-pipeline.yaml', text: pipelineYaml() },
      params: { path: 'bench-grid.yaml', text: gridYaml(counts) },
      paramsDir: work,
      pipelineDir: work,
      readSource: () => ({ diagnostics: [] }),
    },
    { root: join(work, 'runs'), workdir: work, profile: 'kwdagger', enable: new Map(), skipExisting: false, probe: diskProbe() },
  );
  if (!built.value) throw new Error(`bench grid did not compile: ${built.diagnostics.map((d) => d.message).join('; ')}`);
  const graphDone = process.hrtime.bigint();
  const options = { version: 'bench', inputs: ['bench'], outDir: join(work, 'out'), workers: 2, devices: [], devicesAuto: false, queueName: 'bench', enableLinks: true };
  const emitted = emitTarget(built.value, TARGETS[target], options);
  if (!emitted.value) throw new Error(`bench emit failed: ${emitted.diagnostics.map((d) => d.message).join('; ')}`);
  writeOutDir(options.outDir, emitted.value);
  const finished = process.hrtime.bigint();
  const makeReads = target === 'make' ? timeMakeRead(options.outDir) : undefined;
  const result = {
    size,
    target,
    jobs: built.value.jobs.length,
    rows: built.value.rowCount,
    graphSeconds: Number(graphDone - started) / 1e9,
    seconds: Number(finished - started) / 1e9,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    artifactMiB: dirSize(options.outDir) / 2 ** 20,
    ...(makeReads ? { makeReads } : {}),
  };
  rmSync(work, { recursive: true, force: true });
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

interface Result {
  size: string;
  target: string;
  jobs: number;
  rows: number;
  graphSeconds: number;
  seconds: number;
  peakRssMiB: number;
  artifactMiB: number;
  makeReads?: { seconds: number; peakMiB?: number };
}

function printRow(r: Result): void {
  const cells = [
    r.target.padEnd(9),
    r.size.padStart(5),
    String(r.jobs).padStart(9),
    r.graphSeconds.toFixed(2).padStart(8),
    r.seconds.toFixed(2).padStart(8),
    Math.round(r.jobs / r.seconds).toLocaleString('en-US').padStart(10),
    r.peakRssMiB.toFixed(0).padStart(8),
    r.artifactMiB.toFixed(1).padStart(9),
    r.makeReads ? r.makeReads.seconds.toFixed(2).padStart(11) : '',
    r.makeReads?.peakMiB !== undefined ? r.makeReads.peakMiB.toFixed(0).padStart(9) : '',
  ];
  process.stdout.write(`${cells.join('  ')}\n`);
}

function parent(targets: readonly string[], sizes: readonly string[]): void {
  const self = fileURLToPath(import.meta.url);
  process.stdout.write(`target     size       jobs  graph s  total s      jobs/s  peak MiB  artifact MiB  make -q s  make MiB\n`);
  for (const target of targets) {
    for (const size of sizes) {
      const out = execFileSync(process.execPath, ['--max-old-space-size=4096', self, '--one', size, target], { encoding: 'utf8', maxBuffer: 1 << 20 });
      printRow(JSON.parse(out) as Result);
    }
  }
}

const args = process.argv.slice(2);
if (args[0] === '--one') {
  measure(args[1] as string, args[2] as TargetName);
} else {
  const targets = (process.env.BENCH_TARGETS ?? Object.keys(TARGETS).join(',')).split(',');
  const sizes = (process.env.BENCH_SIZES ?? Object.keys(SIZES).join(',')).split(',');
  parent(targets, sizes);
}
