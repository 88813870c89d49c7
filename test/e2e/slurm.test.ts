/**
 * The slurm target on a real single-node Slurm (scripts/slurm-up.sh, started by
 * `npm test`'s pretest). Every scenario submits through the emitted submit.sh,
 * waits with wait.sh and checks the done markers. Without Slurm the suite skips,
 * except under CI, where it fails.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import type { JobGraph } from '../../src/graph/job-graph.js';
import { shellQuote } from '../../src/targets/shared/shell-quote.js';
import { slurmTarget } from '../../src/targets/slurm/index.js';
import type { TargetOptions } from '../../src/targets/target.js';
import { toJson } from '../../src/values/py-format.js';
import { fixtureGraph, fixtureOptions } from '../helpers/fixture-graph.js';
import { copyDemoTo } from '../helpers/demo.js';
import type { PlanJob } from '../helpers/plan-json.js';
import type { RecordedCall } from '../helpers/record-argv.js';
import { runCli } from '../helpers/run-cli.js';
import { hostileValues } from '../helpers/hostile-values.js';
import { emitToDisk } from '../helpers/emit-to-disk.js';
import { Scratch, logLines, logPipelineSpecs } from '../helpers/scratch.js';

const RECORDER = fileURLToPath(new URL('../helpers/record-argv.js', import.meta.url));
/** Longest a scenario may take on 2 CPUs; a hung queue fails the test instead of the run. */
const WAIT_MS = 300_000;

function slurmState(): string {
  const result = spawnSync('sinfo', ['-h', '-o', '%T'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : '';
}

const state = slurmState();
const up = /^(idle|mixed|allocated|completing)/.test(state);
const inCi = Boolean(process.env.CI);
const skip = up || inCi ? false : 'no Slurm cluster answers sinfo: run `bash scripts/slurm-up.sh` (as root) to run these tests';

// Under CI a missing cluster is a failure, never a skip.
test('a Slurm cluster is up for the end-to-end tests', { skip }, () => {
  assert.ok(up, `sinfo reports "${state}"; scripts/slurm-up.sh should have started Slurm`);
});

const scratch = new Scratch('gwc-slurm-');
const { base } = scratch;
const freshDir = (name: string): string => scratch.freshDir(name);

/** The pipeline's evaluate jobs also wait for their predict job: a dependency on two arrays. */
const FAN_IN = { evaluateNeedsPredict: true } as const;

/** The environment of submit.sh: nothing that changes how the runner behaves. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['GWC_DEVICES', 'GWC_PREAMBLE', 'CUDA_VISIBLE_DEVICES']) delete env[name];
  return env;
}

function bash(outDir: string, script: string) {
  const result = spawnSync('bash', [script], { cwd: outDir, encoding: 'utf8', env: cleanEnv(), timeout: WAIT_MS });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** submit.sh, then wait.sh; returns both outcomes. */
function submitAndWait(outDir: string) {
  const submit = bash(outDir, 'submit.sh');
  assert.equal(submit.status, 0, submit.stderr);
  return { submit, wait: bash(outDir, 'wait.sh') };
}

interface Submission {
  readonly arrays: readonly { array: number; node: string; job_id: number; tasks: string }[];
}

const submitted = (outDir: string): Submission => JSON.parse(readFileSync(join(outDir, 'jobids.json'), 'utf8')) as Submission;

/** Writes what the target emitted, as the CLI would. */
function writeEmitted(graph: JobGraph, options: TargetOptions): void {
  emitToDisk(slurmTarget, graph, options);
}


/** A copy of examples/demo without the runs/ and out/ a local `npm run demo` may have left. */
function copyDemo(): string {
  return copyDemoTo(freshDir('demo'));
}

async function compileDemo(dir: string, target: string, out: string) {
  const args = ['--pipeline', 'pipeline.yaml', '--params', 'grid.yaml', '--target', target, '--run=0', '--root', join(dir, 'runs'), '--out', out, '--workers', '4'];
  const result = await runCli(args, dir);
  assert.equal(result.code, 0, result.stderr);
  return result;
}

async function planDemo(dir: string): Promise<PlanJob[]> {
  const result = await runCli(['plan', '--pipeline', 'pipeline.yaml', '--params', 'grid.yaml', '--root', join(dir, 'runs'), '--format', 'json'], dir);
  assert.equal(result.code, 0, result.stderr);
  return (JSON.parse(result.stdout) as { jobs: PlanJob[] }).jobs;
}

describe('slurm target, run by a real Slurm', { skip: up ? false : skip || 'Slurm is not up' }, () => {
  test('the demo runs through submit.sh: every job done; a rerun submits nothing', async () => {
    const dir = copyDemo();
    const out = join(dir, 'out');
    await compileDemo(dir, 'slurm', out);
    const { submit, wait } = submitAndWait(out);
    assert.match(submit.stderr, /submitted 48 tasks in \d+ arrays; 0 already done/);
    assert.equal(wait.status, 0, wait.stderr);
    assert.match(wait.stderr, /wait: 48 COMPLETED/);
    const jobs = (await planDemo(dir)).filter((job) => job.status !== 'disabled');
    assert.equal(jobs.length, 48);
    for (const job of jobs) {
      assert.equal(job.status, 'done', `${job.id} is done`);
      assert.ok(existsSync(join(job.dir, '.gwc-done')), `${job.id} has its marker`);
    }
    const again = bash(out, 'submit.sh');
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stderr, /submitted 0 tasks in 0 arrays; 48 already done/);
    assert.deepEqual(submitted(out).arrays, []);
  });

  test('one contract: the demo run by make is all done for slurm, which submits nothing', async () => {
    const dir = copyDemo();
    await compileDemo(dir, 'make', join(dir, 'make-out'));
    const made = spawnSync('make', ['-C', join(dir, 'make-out'), '-j2'], { encoding: 'utf8', env: cleanEnv() });
    assert.equal(made.status, 0, made.stderr);
    const compiled = await compileDemo(dir, 'slurm', join(dir, 'out'));
    assert.match(compiled.stdout, /for 48 jobs \(0 to run\)/);
    const submit = bash(join(dir, 'out'), 'submit.sh');
    assert.equal(submit.status, 0, submit.stderr);
    assert.match(submit.stderr, /submitted 0 tasks in 0 arrays; 48 already done/);
    assert.deepEqual(submitted(join(dir, 'out')).arrays, []);
  });

  test('a failed job cancels its descendants, never leaves them pending; other jobs run', () => {
    const root = freshDir('runs');
    const outDir = freshDir('out');
    const log = join(base, `log${scratch.counter}`);
    const graph = fixtureGraph({ root, workdir: base }, logPipelineSpecs(log, { ...FAN_IN, failing: 'p0', failure: 'exit 3' }));
    writeEmitted(graph, fixtureOptions({ outDir }));
    const { wait } = submitAndWait(outDir);
    assert.equal(wait.status, 1, `wait.sh reports the failure: ${wait.stderr}`);
    assert.match(wait.stderr, /FAILED/);
    assert.match(wait.stderr, /CANCELLED/);
    assert.deepEqual(logLines(log).sort(), ['p0', 'p1', 'p1a', 'p1ae', 'p1b', 'p1be']);
    for (const job of graph.jobs) {
      assert.equal(existsSync(job.marker), !job.id.startsWith('p0'), `${job.id} marker`);
    }
  });

  test('a rerun after a fix submits only what is not done', () => {
    const root = freshDir('runs');
    const outDir = freshDir('out');
    const log = join(base, `log${scratch.counter}`);
    const flag = join(base, `flag${scratch.counter}`);
    const specs = logPipelineSpecs(log, FAN_IN).map((spec) =>
      spec.id === 'p0a' ? { ...spec, command: `echo p0a >> ${log}; test -e ${flag}` } : spec,
    );
    const graph = fixtureGraph({ root, workdir: base }, specs);
    writeEmitted(graph, fixtureOptions({ outDir }));
    assert.equal(submitAndWait(outDir).wait.status, 1);
    writeFileSync(flag, '');
    const { submit, wait } = submitAndWait(outDir);
    assert.equal(wait.status, 0, wait.stderr);
    assert.match(submit.stderr, /submitted 2 tasks in 2 arrays; 8 already done/);
    assert.deepEqual(logLines(log).sort(), ['p0', 'p0a', 'p0a', 'p0ae', 'p0b', 'p0be', 'p1', 'p1a', 'p1ae', 'p1b', 'p1be']);
    for (const job of graph.jobs) assert.ok(existsSync(job.marker), `${job.id} marker`);
  });

  test('arrays split at --max-array-size and all of them run', () => {
    const root = freshDir('runs');
    const outDir = freshDir('out');
    const log = join(base, `log${scratch.counter}`);
    const specs = Array.from({ length: 7 }, (_, i) => ({ id: `j${i}`, node: 'n', command: `echo j${i} >> ${log}` }));
    const graph = fixtureGraph({ root, workdir: base }, specs);
    writeEmitted(graph, fixtureOptions({ outDir, workers: 1, settings: { maxArraySize: 3 } }));
    const { submit, wait } = submitAndWait(outDir);
    assert.equal(wait.status, 0, wait.stderr);
    assert.match(submit.stderr, /submitted 7 tasks in 3 arrays/);
    assert.deepEqual(submitted(outDir).arrays.map((a) => a.tasks), ['0-2', '0-2', '0']);
    assert.deepEqual(logLines(log).sort(), specs.map((s) => s.id).sort());
  });

  test('cancel.sh cancels what submit.sh submitted', () => {
    const root = freshDir('runs');
    const outDir = freshDir('out');
    const graph = fixtureGraph({ root, workdir: base }, [
      { id: 'slow', node: 'a', command: 'sleep 600' },
      { id: 'after', node: 'b', deps: ['slow'], command: 'true' },
    ]);
    writeEmitted(graph, fixtureOptions({ outDir }));
    assert.equal(bash(outDir, 'submit.sh').status, 0);
    const cancel = bash(outDir, 'cancel.sh');
    assert.equal(cancel.status, 0, cancel.stderr);
    assert.match(cancel.stderr, /cancelled 2 job arrays/);
    const wait = bash(outDir, 'wait.sh');
    assert.equal(wait.status, 1, wait.stderr);
    assert.match(wait.stderr, /CANCELLED/);
    for (const job of graph.jobs) assert.ok(!existsSync(job.marker), `${job.id} did not finish`);
  });
});

/** Values that break naive quoting somewhere between TS, bash, sbatch and the runner. */
const HOSTILE = hostileValues('%A_%a', '--dir');

describe('hostile values through slurm', { skip: up ? false : skip || 'Slurm is not up' }, () => {
  test('the job argv, job_config.json, invoke.sh and the preamble arrive byte-identical', () => {
    const root = freshDir('runs');
    const outDir = freshDir('out');
    const record = join(base, `record${scratch.counter}.json`);
    const command = [process.execPath, RECORDER, record, ...HOSTILE].map(shellQuote).join(' ');
    const config = Object.fromEntries(HOSTILE.map((value, i) => [`n.k${i}${i % 5 === 0 ? value.slice(0, 9) : ''}`, value]));
    const graph = fixtureGraph({ root, workdir: base }, [{ id: 'job', node: 'n', command, config }]);
    const preamble = "GWC_TEST_PRE=' lead # $HOME \\ %s'\n export GWC_TEST_PRE # ends with \\";
    writeEmitted(graph, fixtureOptions({ outDir, preamble, queueName: 'q "1" $x' }));

    const { wait } = submitAndWait(outDir);
    assert.equal(wait.status, 0, wait.stderr);
    const call = JSON.parse(readFileSync(record, 'utf8')) as RecordedCall;
    assert.deepEqual(call.argv, HOSTILE);
    assert.equal(call.cwd, base);
    assert.deepEqual(call.env, { CUDA_VISIBLE_DEVICES: null, GWC_PREAMBLE: preamble, GWC_DEVICES: null, GWC_TEST_PRE: ' lead # $HOME \\ %s' });
    const job = graph.jobs[0]!;
    assert.equal(readFileSync(join(job.dir, 'job_config.json'), 'utf8'), `${toJson(config)}\n`);
    assert.ok(readFileSync(join(job.dir, 'invoke.sh'), 'utf8').endsWith(`# Root node\n${command}\n`));
    assert.equal(submitted(outDir).arrays.length, 1);
  });

  const gpus = spawnSync('sinfo', ['-h', '-o', '%G'], { encoding: 'utf8' }).stdout?.match(/gpu:(\d+)/)?.[1];
  test('a job that asks for a GPU gets one from Slurm (--gres=gpu:1)', { skip: gpus ? false : 'the Slurm node has no (fake) GPUs' }, () => {
    const root = freshDir('runs');
    const outDir = freshDir('out');
    const record = join(base, `gpu${scratch.counter}.json`);
    const command = [process.execPath, RECORDER, record].map(shellQuote).join(' ');
    const graph = fixtureGraph({ root, workdir: base }, [{ id: 'gpu', node: 'n', command, resources: { gpus: 1 } }]);
    writeEmitted(graph, fixtureOptions({ outDir }));
    assert.equal(submitAndWait(outDir).wait.status, 0);
    const call = JSON.parse(readFileSync(record, 'utf8')) as RecordedCall;
    assert.match(call.env.CUDA_VISIBLE_DEVICES ?? '', /^[0-9]+$/);
  });
});
