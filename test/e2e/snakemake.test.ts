/**
 * The snakemake target run by Debian's snakemake 7.21 on hand-made job graphs:
 * scheduling, reruns, failures, forced jobs, exact argv, and the Slurm profile.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import type { JobGraph } from '../../src/graph/job-graph.js';
import { shellQuote } from '../../src/targets/shared/shell-quote.js';
import { pythonString } from '../../src/targets/snakemake/escape.js';
import { snakemakeTarget } from '../../src/targets/snakemake/index.js';
import type { TargetOptions } from '../../src/targets/target.js';
import { toJson } from '../../src/values/py-format.js';
import { fixtureGraph, fixtureOptions, type FixtureJobSpec } from '../helpers/fixture-graph.js';
import type { RecordedCall } from '../helpers/record-argv.js';
import { hostileValues } from '../helpers/hostile-values.js';
import { emitToDisk } from '../helpers/emit-to-disk.js';
import { Scratch, logLines, logPipelineSpecs } from '../helpers/scratch.js';

const RECORDER = fileURLToPath(new URL('../helpers/record-argv.js', import.meta.url));

const scratch = new Scratch('gwc-snakemake-');
const { base } = scratch;
const freshDir = (name: string): string => scratch.freshDir(name);

/** Writes what the target emitted, as the CLI would. */
function writeEmitted(graph: JobGraph, options: TargetOptions): void {
  emitToDisk(snakemakeTarget, graph, options);
}

function snakemakeEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GWC_LOCK_DIR: join(base, 'locks') };
  delete env.GWC_DEVICES;
  delete env.GWC_PREAMBLE;
  return env;
}

/** Runs snakemake from the output dir with the target's own run command plus `extra`. */
function snakemake(outDir: string, extra: readonly string[] = [], options: TargetOptions = fixtureOptions({ outDir })) {
  const [program, ...args] = snakemakeTarget.runCommand(options) as [string, ...string[]];
  const result = spawnSync(program, [...args, ...extra], { cwd: outDir, encoding: 'utf8', env: snakemakeEnv() });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Resources of the predict jobs: the Snakefile turns them into rule resources. */
const PREDICT_RESOURCES = { cpus: 1, mem: '100M', time: '00:05:00' };

function setUpPipeline(failing?: string) {
  const root = freshDir('runs');
  const outDir = freshDir('out');
  const log = join(base, `log${scratch.counter}`);
  const graph = fixtureGraph({ root, workdir: base }, logPipelineSpecs(log, { failing, predictResources: PREDICT_RESOURCES }));
  writeEmitted(graph, fixtureOptions({ outDir }));
  return { graph, outDir, log };
}


describe('snakemake target, run by snakemake 7.21', () => {
  test('snakemake -j 2 runs every job once, dependencies first, and writes every marker; again: nothing to do', () => {
    const { graph, outDir, log } = setUpPipeline();
    const result = snakemake(outDir);
    assert.equal(result.status, 0, result.stderr);
    const ran = logLines(log);
    assert.deepEqual([...ran].sort(), graph.jobs.map((j) => j.id).sort());
    for (const job of graph.jobs) {
      assert.ok(existsSync(job.marker), `${job.id} has a marker`);
      for (const dep of job.deps) assert.ok(ran.indexOf(dep) < ran.indexOf(job.id), `${dep} ran before ${job.id}`);
    }
    const second = snakemake(outDir);
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stderr, /Nothing to be done/);
    assert.equal(logLines(log).length, 10);
  });

  test('--until <rule> runs that node and what it needs, nothing downstream', () => {
    const { outDir, log } = setUpPipeline();
    const result = snakemake(outDir, ['--until', 'track']);
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(logLines(log).sort(), ['p0', 'p0a', 'p0b', 'p1', 'p1a', 'p1b']);
  });

  test('--keep-going: a failed job stops its descendants, unrelated jobs still run', () => {
    const { outDir, log } = setUpPipeline('p0');
    const result = snakemake(outDir, ['--keep-going']);
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /gwc: p0 failed with exit code 1/);
    assert.deepEqual(logLines(log).sort(), ['p0', 'p1', 'p1a', 'p1ae', 'p1b', 'p1be']);
  });

  test('a done job with a current marker is not rerun; stale and redo jobs run once per compile', () => {
    const root = freshDir('runs');
    const outDir = freshDir('out');
    const log = join(base, `log${scratch.counter}`);
    const specs: FixtureJobSpec[] = [
      { id: 'done1', node: 'n', command: `echo done1 >> ${log}`, status: 'done' },
      { id: 'stale1', node: 'n', command: `echo stale1 >> ${log}`, staleMarker: true },
      { id: 'redo1', node: 'n', command: `echo redo1 >> ${log}`, redo: true },
      { id: 'after1', node: 'm', deps: ['stale1'], command: `echo after1 >> ${log}`, status: 'done' },
    ];
    const graph = fixtureGraph({ root, workdir: base }, specs);
    for (const job of graph.jobs) {
      mkdirSync(job.dir, { recursive: true });
      const fp = job.id === 'stale1' ? 'stale' : job.fingerprint;
      writeFileSync(job.marker, `{"process_id": "${job.id}", "fingerprint": "${fp}", "adopted": false}\n`);
    }
    writeEmitted(graph, fixtureOptions({ outDir }));
    const result = snakemake(outDir);
    assert.equal(result.status, 0, result.stderr);
    // after1's marker is current, so the runner skips it although its input (stale1) was remade
    assert.deepEqual(logLines(log).sort(), ['redo1', 'stale1']);
    const second = snakemake(outDir);
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stderr, /Nothing to be done/);
    assert.deepEqual(logLines(log).sort(), ['redo1', 'stale1']);
  });

  test('the Slurm profile is accepted: a dry run lists every job of every rule', () => {
    const { outDir, log } = setUpPipeline();
    const result = spawnSync('snakemake', ['--profile', 'profiles/slurm', '-n'], { cwd: outDir, encoding: 'utf8', env: snakemakeEnv() });
    assert.equal(result.status, 0, result.stderr);
    const counts = Object.fromEntries([...result.stdout.matchAll(/^(all|predict|track|evaluate|total)\s+(\d+)/gm)].map((m) => [m[1], Number(m[2])]));
    assert.deepEqual(counts, { all: 1, predict: 2, track: 4, evaluate: 4, total: 11 });
    assert.deepEqual(logLines(log), [], 'a dry run runs nothing');
  });
});

/** Why the real Slurm run is skipped, or false when a Slurm controller answers with a usable node. */
function slurmSkipReason(): string | false {
  const sinfo = spawnSync('sinfo', ['-h', '-o', '%T'], { encoding: 'utf8', timeout: 10_000 });
  if (sinfo.error || sinfo.status !== 0) return 'no Slurm cluster answers sinfo here';
  return /idle|mix|alloc/.test(sinfo.stdout) ? false : `no usable Slurm node (sinfo: ${sinfo.stdout.trim()})`;
}

describe('the Slurm profile on a real cluster', () => {
  test('snakemake --profile profiles/slurm submits every job with sbatch; again: nothing to do', { skip: slurmSkipReason() }, () => {
    const root = freshDir('runs');
    const outDir = freshDir('out');
    const log = join(base, `log${scratch.counter}`);
    const specs: FixtureJobSpec[] = [
      { id: 's0', node: 'first', command: `echo s0 >> ${log}`, resources: { cpus: 1, mem: '100M', time: '00:05:00' } },
      { id: 's1', node: 'second', deps: ['s0'], command: `echo s1 >> ${log}` },
    ];
    const graph = fixtureGraph({ root, workdir: base }, specs);
    writeEmitted(graph, fixtureOptions({ outDir }));
    const result = spawnSync('snakemake', ['--profile', 'profiles/slurm'], { cwd: outDir, encoding: 'utf8', env: snakemakeEnv(), timeout: 300_000 });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr, /Submitted job \d+ with external jobid '\d+/);
    assert.deepEqual(logLines(log), ['s0', 's1']);
    for (const job of graph.jobs) assert.ok(existsSync(job.marker), `${job.id} has a marker`);
    const again = spawnSync('snakemake', ['--profile', 'profiles/slurm'], { cwd: outDir, encoding: 'utf8', env: snakemakeEnv(), timeout: 120_000 });
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stderr, /Nothing to be done/);
  });
});

/** Values that break naive quoting somewhere between TS, Python, Snakemake, sh and the runner. */
const HOSTILE = hostileValues('{ x }', '{wildcards.id}', '{params.argv:q}', '\\u00e9');

describe('hostile values through snakemake', () => {
  test('the job argv, environment, job_config.json and invoke.sh arrive byte-identical', () => {
    const root = freshDir('runs');
    const outDir = freshDir('out');
    const record = join(base, `record${scratch.counter}.json`);
    const command = [process.execPath, RECORDER, record, ...HOSTILE].map(shellQuote).join(' ');
    const config = Object.fromEntries(HOSTILE.map((value, i) => [`n.k${i}${i % 5 === 0 ? value.slice(0, 9) : ''}`, value]));
    const graph = fixtureGraph({ root, workdir: base }, [{ id: 'job', node: 'n', command, config }]);
    const preamble = "GWC_TEST_PRE=' lead # $HOME \\ %s {x} \"q\"'\n export GWC_TEST_PRE # ends with \\";
    const options = fixtureOptions({ outDir, preamble, devices: ['0'] });
    writeEmitted(graph, options);

    const result = snakemake(outDir, [], options);
    assert.equal(result.status, 0, result.stderr);
    const call = JSON.parse(readFileSync(record, 'utf8')) as RecordedCall;
    assert.deepEqual(call.argv, HOSTILE);
    assert.equal(call.cwd, base);
    assert.deepEqual(call.env, {
      CUDA_VISIBLE_DEVICES: '',
      GWC_PREAMBLE: preamble,
      GWC_DEVICES: '0',
      GWC_TEST_PRE: ' lead # $HOME \\ %s {x} "q"',
    });
    const job = graph.jobs[0]!;
    assert.equal(readFileSync(join(job.dir, 'job_config.json'), 'utf8'), `${toJson(config)}\n`);
    assert.ok(readFileSync(join(job.dir, 'invoke.sh'), 'utf8').endsWith(`# Root node\n${command}\n`));
  });

  test('Python string literals evaluate to exactly the given text', () => {
    const dir = freshDir('py');
    const values = [...HOSTILE, '\x00\x01\x1b\x7f', '\u2028\u2029', '\u0085'];
    const program = `import json\nvalues = [\n${values.map((v) => `    ${pythonString(v)},\n`).join('')}]\nprint(json.dumps(values))\n`;
    writeFileSync(join(dir, 'values.py'), program);
    const result = spawnSync('python3', [join(dir, 'values.py')], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), values);
  });
});
