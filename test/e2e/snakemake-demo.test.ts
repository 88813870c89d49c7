/**
 * The demo pipeline (examples/demo) compiled by the CLI for snakemake and run by
 * Debian's snakemake 7.21, and the same results seen by make and snakemake alike.
 * Every scenario works on its own copy of the demo in a temp dir.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { BIN, changedPaths, copyDemoTo, fileStamps, isScheduled, stageLines } from '../helpers/demo.js';
import type { PlanJob } from '../helpers/plan-json.js';
import { runCli } from '../helpers/run-cli.js';

const SCHEDULED_JOBS = 48;

const base = mkdtempSync(join(tmpdir(), 'gwc-smdemo-'));
let counter = 0;
after(() => rmSync(base, { recursive: true, force: true }));

function copyDemo(): string {
  counter += 1;
  return copyDemoTo(join(base, `demo${counter}`));
}

/** The environment of the engines: nothing inherited that changes how they or the runner behave. */
function engineEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['MAKEFLAGS', 'MFLAGS', 'MAKELEVEL', 'GNUMAKEFLAGS', 'GWC_DEVICES', 'GWC_PREAMBLE']) delete env[name];
  return env;
}

function run(program: string, args: readonly string[], cwd: string) {
  const result = spawnSync(program, args, { cwd, encoding: 'utf8', env: engineEnv() });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const SNAKEMAKE_ARGS = ['-j', '2', '--rerun-triggers', 'mtime', '--rerun-incomplete', '--scheduler', 'greedy'];

async function compile(dir: string, target: string, out: string) {
  const args = ['--pipeline', 'pipeline.yaml', '--params', 'grid.yaml', '--target', target, '--run=0', '--root', join(dir, 'runs'), '--out', out];
  const result = await runCli(args, dir);
  assert.equal(result.code, 0, result.stderr);
  return result;
}

async function planJobs(dir: string): Promise<PlanJob[]> {
  const result = await runCli(['plan', '--pipeline', 'pipeline.yaml', '--params', 'grid.yaml', '--root', join(dir, 'runs'), '--format', 'json'], dir);
  assert.equal(result.code, 0, result.stderr);
  return (JSON.parse(result.stdout) as { jobs: PlanJob[] }).jobs;
}


/** Runs snakemake in the output dir and checks that it ran no job and changed no file under the root. */
function assertSnakemakeRunsNothing(dir: string, out: string): void {
  const root = join(dir, 'runs');
  const before = fileStamps(root);
  const result = run('snakemake', SNAKEMAKE_ARGS, out);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stderr, /Nothing to be done/);
  assert.deepEqual(stageLines(result.stdout + result.stderr), []);
  assert.doesNotMatch(result.stderr, /gwc:/);
  assert.deepEqual(changedPaths(before, fileStamps(root)), []);
}

describe('the demo, run by snakemake -j 2', () => {
  const dir = copyDemo();
  const out = join(dir, 'out');

  test('every scheduled job runs once and finishes with the per-job contract', async () => {
    const compiled = await compile(dir, 'snakemake', out);
    assert.match(compiled.stdout, new RegExp(`^wrote snakemake artifacts for ${SCHEDULED_JOBS} jobs \\(${SCHEDULED_JOBS} to run\\)`));
    assert.match(compiled.stdout, /^to run: cd .* && snakemake -j \d+ --rerun-triggers mtime --rerun-incomplete --scheduler greedy$/m);
    const result = run('snakemake', SNAKEMAKE_ARGS, out);
    assert.equal(result.status, 0, result.stderr);
    const jobs = await planJobs(dir);
    const scheduled = jobs.filter(isScheduled);
    assert.equal(scheduled.length, SCHEDULED_JOBS);
    assert.deepEqual(stageLines(result.stdout + result.stderr).sort(), scheduled.map((j) => j.node).sort(), 'each scheduled job ran exactly once');
    for (const job of scheduled) {
      assert.equal(job.status, 'done', `${job.id} is done for the compiler`);
      const marker = readFileSync(join(job.dir, '.gwc-done'), 'utf8');
      assert.match(marker, new RegExp(`"process_id": "${job.id}"`));
      assert.ok(Object.keys(JSON.parse(readFileSync(join(job.dir, 'job_config.json'), 'utf8')) as object).length > 0);
    }
  });

  test('snakemake again: nothing to be done, nothing changes', () => {
    assertSnakemakeRunsNothing(dir, out);
  });

  test('make, compiled for the same grid, finds every job done', async () => {
    const makeOut = join(dir, 'out-make');
    const compiled = await compile(dir, 'make', makeOut);
    assert.match(compiled.stdout, /\(0 to run\)/);
    const before = fileStamps(join(dir, 'runs'));
    const result = run('make', ['-j2'], makeOut);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /Nothing to be done for 'all'/);
    assert.deepEqual(changedPaths(before, fileStamps(join(dir, 'runs'))), []);
  });
});

describe('one contract, any engine: the demo run by make, then compiled for snakemake', () => {
  const dir = copyDemo();

  test('snakemake finds every job done and runs nothing', async () => {
    await compile(dir, 'make', join(dir, 'out-make'));
    const made = run('make', ['-j2'], join(dir, 'out-make'));
    assert.equal(made.status, 0, made.stderr);
    assert.equal(stageLines(made.stdout).length, SCHEDULED_JOBS);
    const compiled = await compile(dir, 'snakemake', join(dir, 'out'));
    assert.match(compiled.stdout, new RegExp(`for ${SCHEDULED_JOBS} jobs \\(0 to run\\)`));
    assertSnakemakeRunsNothing(dir, join(dir, 'out'));
  });

  test('--run=1 --target snakemake starts snakemake from the output dir', () => {
    const root = join(dir, 'runs');
    const before = fileStamps(root);
    const args = [BIN, '--pipeline', 'pipeline.yaml', '--params', 'grid.yaml', '--target', 'snakemake', '--root', root, '--out', join(dir, 'out'), '--workers', '2', '--run=1'];
    const result = spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8', env: engineEnv() });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr, /Nothing to be done/, 'snakemake ran');
    assert.deepEqual(changedPaths(before, fileStamps(root)), []);
  });
});
