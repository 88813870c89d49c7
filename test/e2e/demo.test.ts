/**
 * The demo pipeline (examples/demo) compiled by the CLI and run by real GNU make.
 * Every scenario works on its own copy of the demo in a temp dir, so runs/ and
 * out/ never land in the repository. Each scenario runs the full demo at most once.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { after, describe, test } from 'node:test';
import { BIN, DEMO, changedPaths, copyDemoTo, fileStamps, isScheduled, stageLines } from '../helpers/demo.js';
import { readPidFile } from '../helpers/processes.js';
import { runCli } from '../helpers/run-cli.js';
import type { PlanJob } from '../helpers/plan-json.js';



// Created at load time: the suites below copy the demo while they are being defined.
const base = mkdtempSync(join(tmpdir(), 'gwc-demo-'));
let counter = 0;
after(() => rmSync(base, { recursive: true, force: true }));

function copyDemo(): string {
  counter += 1;
  return copyDemoTo(join(base, `demo${counter}`));
}

/** The environment of make: nothing inherited that changes how make or the runner behave. */
function makeEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['MAKEFLAGS', 'MFLAGS', 'MAKELEVEL', 'GNUMAKEFLAGS', 'GWC_DEVICES', 'GWC_PREAMBLE']) delete env[name];
  return env;
}

function make(out: string, ...args: string[]) {
  const result = spawnSync('make', ['-C', out, ...args], { encoding: 'utf8', env: makeEnv() });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The demo's paths inside one copy. */
function layout(dir: string) {
  return { dir, root: join(dir, 'runs'), out: join(dir, 'out') };
}

async function compile(dir: string, grid: string, ...extra: string[]) {
  const { root, out } = layout(dir);
  const args = ['--pipeline', 'pipeline.yaml', '--params', grid, '--target', 'make', '--run=0', '--root', root, '--out', out, ...extra];
  const result = await runCli(args, dir);
  assert.equal(result.code, 0, result.stderr);
  return result;
}

async function planJobs(dir: string, grid: string): Promise<PlanJob[]> {
  const result = await runCli(['plan', '--pipeline', 'pipeline.yaml', '--params', grid, '--root', layout(dir).root, '--format', 'json'], dir);
  assert.equal(result.code, 0, result.stderr);
  return (JSON.parse(result.stdout) as { jobs: PlanJob[] }).jobs;
}



/** Checks the per-job contract of a finished job: marker, job_config.json, invoke.sh and links. */
function assertFinished(job: PlanJob, byId: ReadonlyMap<string, PlanJob>): void {
  const marker = readFileSync(join(job.dir, '.gwc-done'), 'utf8');
  assert.match(marker, new RegExp(`"process_id": "${job.id}"`), `${job.id}: marker names the job`);
  const config = JSON.parse(readFileSync(join(job.dir, 'job_config.json'), 'utf8')) as Record<string, unknown>;
  assert.ok(Object.keys(config).length > 0 && Object.keys(config).every((k) => /^(predict|track|evaluate|viz)\./.test(k)), `${job.id}: job_config.json`);
  const invoke = join(job.dir, 'invoke.sh');
  assert.match(readFileSync(invoke, 'utf8'), new RegExp(`^#!/usr/bin/env bash\\n[^]*\\nnode ${job.node}\\.mjs .*\\n$`), `${job.id}: invoke.sh`);
  for (const depId of job.deps) {
    const dep = byId.get(depId);
    assert.ok(dep, `${job.id}: dependency ${depId} is in the plan`);
    assert.equal(realpathSync(join(job.dir, '.pred', dep.node, dep.id)), realpathSync(dep.dir), `${job.id}: .pred link to ${dep.id}`);
    assert.equal(realpathSync(join(dep.dir, '.succ', job.node, job.id)), realpathSync(job.dir), `${dep.id}: .succ link to ${job.id}`);
  }
  if (job.node === 'evaluate') {
    const metrics = JSON.parse(readFileSync(join(job.dir, 'metrics.json'), 'utf8')) as { f1: unknown };
    assert.ok(typeof metrics.f1 === 'number' && metrics.f1 >= 0 && metrics.f1 <= 1, `${job.id}: metrics.json has an F1`);
  }
}

/** Asserts that a second make runs nothing: make says so, no stage script ran, no file under the root changed. */
function assertNothingRuns(dir: string): void {
  const { root, out } = layout(dir);
  const before = fileStamps(root);
  const result = make(out, '-j2');
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /Nothing to be done for 'all'/);
  assert.deepEqual(stageLines(result.stdout), []);
  assert.doesNotMatch(result.stderr, /gwc:/);
  assert.deepEqual(changedPaths(before, fileStamps(root)), []);
}

describe('the demo, run by make -j2', () => {
  const dir = copyDemo();

  test('compile and make -j2: every scheduled job finishes with the per-job contract', async () => {
    const compiled = await compile(dir, 'grid.yaml');
    assert.match(compiled.stdout, /^wrote make artifacts for 48 jobs \(48 to run\)/);
    const result = make(layout(dir).out, '-j2');
    assert.equal(result.status, 0, result.stderr);
    const jobs = await planJobs(dir, 'grid.yaml');
    const scheduled = jobs.filter(isScheduled);
    assert.equal(scheduled.length, 48);
    assert.deepEqual(stageLines(result.stdout).sort(), scheduled.map((j) => j.node).sort(), 'each scheduled job ran exactly once');
    const byId = new Map(jobs.map((j) => [j.id, j]));
    for (const job of scheduled) assertFinished(job, byId);
    for (const job of jobs.filter((j) => !isScheduled(j))) assert.ok(!existsSync(job.dir), `${job.id} (${job.status}) never ran`);
  });

  test('compile again and make again: nothing runs, and plan shows every scheduled job done', async () => {
    const compiled = await compile(dir, 'grid.yaml');
    assert.match(compiled.stdout, /^wrote make artifacts for 48 jobs \(0 to run\)/);
    assertNothingRuns(dir);
    const jobs = await planJobs(dir, 'grid.yaml');
    assert.deepEqual([...new Set(jobs.filter(isScheduled).map((j) => j.status))], ['done']);
    assert.equal(jobs.filter((j) => j.status === 'done').length, 48);
  });

  test('--run=1 starts make itself and returns its exit code', () => {
    const { root, out } = layout(dir);
    const before = fileStamps(root);
    const args = [BIN, '--pipeline', 'pipeline.yaml', '--params', 'grid.yaml', '--root', root, '--out', out, '--workers', '2', '--run=1'];
    const result = spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8', env: makeEnv() });
    assert.equal(result.status, 0, result.stderr);
    assert.doesNotMatch(result.stdout, /^to run:/m);
    assert.match(result.stdout, /Nothing to be done for 'all'/, 'make ran');
    assert.deepEqual(changedPaths(before, fileStamps(root)), []);
  });
});

describe('a failing predict under make -k', () => {
  const dir = copyDemo();
  const { root, out } = layout(dir);
  // One more row whose model predict.mjs rejects (it exits 2): an include entry that matches no row.
  const demoGrid = readFileSync(join(DEMO, 'grid.yaml'), 'utf8');
  const fuzzyGrid = demoGrid.replace('\nexclude:', '  - predict.model: fuzzy\n\nexclude:');
  const fixedGrid = demoGrid.replace('\nexclude:', '  - predict.model: sharp\n    predict.window: 12\n\nexclude:');
  let fuzzyJobs: PlanJob[] = [];

  test('the failing predict and its descendants do not finish; every other job does', async () => {
    assert.notEqual(fuzzyGrid, demoGrid);
    writeFileSync(join(dir, 'grid-fuzzy.yaml'), fuzzyGrid);
    await compile(dir, 'grid-fuzzy.yaml');
    const result = make(out, '-k', '-j2');
    assert.notEqual(result.status, 0);

    const demoIds = new Set((await planJobs(dir, 'grid.yaml')).map((j) => j.id));
    const jobs = await planJobs(dir, 'grid-fuzzy.yaml');
    fuzzyJobs = jobs.filter((j) => !demoIds.has(j.id));
    assert.deepEqual(fuzzyJobs.map((j) => j.node).sort(), ['evaluate', 'predict', 'track', 'viz']);
    const failing = fuzzyJobs.find((j) => j.node === 'predict') as PlanJob;
    assert.match(result.stderr, new RegExp(`gwc: ${failing.id} failed with exit code 2`));
    assert.match(result.stderr, /--model="fuzzy": expected one of smooth, sharp/);

    assert.ok(existsSync(join(failing.dir, '.gwc-attempt')), 'the runner started the predict');
    assert.ok(!existsSync(join(failing.dir, '.gwc-done')), 'a failed job has no marker');
    assert.ok(!existsSync(join(failing.dir, 'heatmaps.json')));
    for (const job of fuzzyJobs.filter((j) => j !== failing)) {
      assert.ok(job.deps.includes(failing.id) || job.deps.some((d) => fuzzyJobs.some((f) => f.id === d)), `${job.id} descends from the failing predict`);
      assert.ok(!existsSync(join(job.dir, 'job_config.json')), `${job.id} never started`);
    }
    const others = jobs.filter((j) => isScheduled(j) && demoIds.has(j.id));
    assert.equal(others.length, 48);
    for (const job of others) assert.ok(existsSync(join(job.dir, '.gwc-done')), `${job.id} finished`);
    assert.equal(stageLines(result.stdout).length, 48, 'each other job ran once');
    for (const job of fuzzyJobs) assert.equal(jobs.find((j) => j.id === job.id)?.status, 'to_run', `${job.id} still to run`);
  });

  test('with the bad row dropped, nothing is left to run', async () => {
    const compiled = await compile(dir, 'grid.yaml');
    assert.match(compiled.stdout, /for 48 jobs \(0 to run\)/);
    assertNothingRuns(dir);
  });

  test('with the row corrected, only its own four jobs run', async () => {
    writeFileSync(join(dir, 'grid-fixed.yaml'), fixedGrid);
    const compiled = await compile(dir, 'grid-fixed.yaml');
    assert.match(compiled.stdout, /for 52 jobs \(4 to run\)/);
    const before = fileStamps(root);
    const result = make(out, '-j2');
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(stageLines(result.stdout).sort(), ['evaluate', 'predict', 'track', 'viz']);
    const jobs = await planJobs(dir, 'grid-fixed.yaml');
    assert.equal(jobs.filter((j) => j.status === 'done').length, 52);
    const newDirs = jobs.filter(isScheduled).map((j) => relative(root, j.dir)).filter((d) => !before.has(d));
    assert.equal(newDirs.length, 4);
    for (const path of changedPaths(before, fileStamps(root))) {
      if (newDirs.some((d) => path === d || path.startsWith(`${d}${sep}`))) continue;
      // outside the new job dirs only the node dirs that gained an entry may change
      assert.ok(before.has(path) && lstatSync(join(root, path)).isDirectory(), `only the new jobs wrote: ${path}`);
    }
  });
});

describe('a killed job', () => {
  test('make killed with -9 mid-job leaves no marker; the next make runs the job', async () => {
    counter += 1;
    const dir = join(base, `slow${counter}`);
    const out = join(dir, 'out');
    const root = join(dir, 'runs');
    const pipeline = [
      'nodes:',
      '  slow:',
      '    command: sh slow.sh',
      '    outputs: {result: result.txt}',
      '    params: {n: 1}',
      '',
    ].join('\n');
    const script = [
      'for arg in "$@"; do case $arg in --result=*) result=${arg#--result=} ;; esac; done',
      // the first attempt waits to be killed; later ones finish
      'if [ ! -e go ]; then echo $$ > started.pid; exec sleep 60; fi',
      'echo ok > "$result"',
      '',
    ].join('\n');
    mkdirSync(dir);
    writeFileSync(join(dir, 'pipeline.yaml'), pipeline);
    writeFileSync(join(dir, 'slow.sh'), script);
    const args = ['--pipeline', 'pipeline.yaml', '--params', 'matrix: {slow.n: [1]}', '--root', root, '--out', out];
    assert.equal((await runCli(args, dir)).code, 0);

    const child = spawn('make', ['-C', out, '-j2'], { detached: true, stdio: 'ignore', env: makeEnv() });
    const exited = once(child, 'exit');
    const pidFile = join(dir, 'started.pid');
    const jobPid = await readPidFile(pidFile, 15_000).catch(() => undefined);
    try {
      assert.ok(jobPid, 'the job started');
      process.kill(-(child.pid as number), 'SIGKILL');
      await exited;
    } finally {
      // the job runs in its own session (setsid), out of make's process group: end it by its id
      if (jobPid) {
        try {
          process.kill(jobPid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }

    const planned = await runCli(['plan', ...args, '--format', 'json'], dir);
    assert.equal(planned.code, 0, planned.stderr);
    const [job] = (JSON.parse(planned.stdout) as { jobs: PlanJob[] }).jobs;
    assert.ok(job);
    assert.ok(existsSync(join(job.dir, '.gwc-attempt')), 'the job had started');
    assert.ok(!existsSync(join(job.dir, '.gwc-done')), 'a killed job has no marker');
    assert.ok(!existsSync(join(job.dir, 'result.txt')));
    assert.equal(job.status, 'to_run');

    writeFileSync(join(dir, 'go'), '');
    const rerun = make(out, '-j2');
    assert.equal(rerun.status, 0, rerun.stderr);
    assert.ok(existsSync(join(job.dir, '.gwc-done')));
    assert.equal(readFileSync(join(job.dir, 'result.txt'), 'utf8'), 'ok\n');
  });

  test('--run=1 exits 1 when the engine fails, and says so', async () => {
    counter += 1;
    const dir = join(base, `boom${counter}`);
    mkdirSync(dir);
    writeFileSync(join(dir, 'pipeline.yaml'), 'nodes:\n  boom:\n    command: sh -c "exit 3"\n    params: {x: 1}\n');
    const args = [BIN, '--pipeline', 'pipeline.yaml', '--params', 'matrix: {boom.x: [1]}', '--root', join(dir, 'runs'), '--out', join(dir, 'out'), '--workers', '2', '--run=1'];
    const result = spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8', env: makeEnv() });
    assert.match(result.stderr, /gwc: boom_id_\w+ failed with exit code 3/);
    assert.doesNotMatch(result.stderr, /internal error/);
    assert.match(result.stderr, /make exited with code 2; fix the failed jobs and run again/);
    assert.equal(result.status, 1, 'a failed job is a user error, not an internal one');
  });
});
