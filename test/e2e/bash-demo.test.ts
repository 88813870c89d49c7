/**
 * The demo pipeline (examples/demo) compiled by the CLI to the bash target and run by
 * real bash, on a copy of the demo in a temp dir; also the seed's flags on the demo.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { BIN, copyDemoTo, fileStamps, isScheduled, stageLines } from '../helpers/demo.js';
import type { PlanJob } from '../helpers/plan-json.js';
import { runCli } from '../helpers/run-cli.js';


const base = mkdtempSync(join(tmpdir(), 'gwc-bash-demo-'));
let counter = 0;
after(() => rmSync(base, { recursive: true, force: true }));

function copyDemo(): string {
  counter += 1;
  return copyDemoTo(join(base, `demo${counter}`));
}

function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['GWC_DEVICES', 'GWC_PREAMBLE']) delete env[name];
  return env;
}

/** Runs the script with SHELL: sh as its run command says, or bash, which it also works under. */
function runScript(script: string, shell: 'sh' | 'bash') {
  const result = spawnSync(shell, [script], { cwd: base, encoding: 'utf8', env: cleanEnv() });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

async function scheduledJobs(dir: string): Promise<PlanJob[]> {
  const result = await runCli(['plan', '--pipeline', 'pipeline.yaml', '--params', 'grid.yaml', '--root', join(dir, 'runs'), '--format', 'json'], dir);
  assert.equal(result.code, 0, result.stderr);
  return (JSON.parse(result.stdout) as { jobs: PlanJob[] }).jobs.filter(isScheduled);
}

describe('the demo, run by the bash target', () => {
  const dir = copyDemo();
  const root = join(dir, 'runs');
  const out = join(dir, 'out');
  const compileArgs = ['--pipeline', 'pipeline.yaml', '--params', 'grid.yaml', '--target', 'bash', '--root', root, '--out', out];

  test('compile and sh run.sh: every scheduled job runs once and finishes', async () => {
    const compiled = await runCli(compileArgs, dir);
    assert.equal(compiled.code, 0, compiled.stderr);
    assert.equal(compiled.stdout, `wrote bash artifacts for 48 jobs (48 to run) to ${out}\nto run: cd ${out} && sh run.sh\n`);
    const result = runScript(join(out, 'run.sh'), 'sh');
    assert.equal(result.status, 0, result.stderr);
    assert.ok(result.stdout.endsWith('48 passed, 0 failed, 0 skipped\n'));
    const jobs = await scheduledJobs(dir);
    assert.equal(jobs.length, 48);
    assert.deepEqual(jobs.map((j) => j.status), jobs.map(() => 'done'));
    assert.deepEqual(stageLines(result.stdout).sort(), jobs.map((j) => j.node).sort(), 'each job ran exactly once');
    for (const job of jobs) assert.match(readFileSync(join(job.dir, '.gwc-done'), 'utf8'), new RegExp(`"process_id": "${job.id}"`));
  });

  test('compile again and run again (with bash): nothing runs and no file under the root changes', async () => {
    const compiled = await runCli(compileArgs, dir);
    assert.match(compiled.stdout, /for 48 jobs \(0 to run\)/);
    const before = fileStamps(root);
    const result = runScript(join(out, 'run.sh'), 'bash');
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(stageLines(result.stdout), []);
    assert.equal(result.stderr, '');
    assert.deepEqual([...fileStamps(root)].filter(([path, stamp]) => before.get(path) !== stamp), []);
  });

  test('make finds the results bash made: nothing to be done', async () => {
    const makeOut = join(dir, 'out-make');
    const compiled = await runCli(['--pipeline', 'pipeline.yaml', '--params', 'grid.yaml', '--target', 'make', '--root', root, '--out', makeOut], dir);
    assert.equal(compiled.code, 0, compiled.stderr);
    const result = spawnSync('make', ['-C', makeOut, '-j2'], { encoding: 'utf8', env: { ...cleanEnv(), MAKEFLAGS: '' } });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /Nothing to be done for 'all'/);
  });
});

describe('the seed\'s flags on the demo pipeline', () => {
  test('--backend=serial --run=1 with the seed\'s options writes the bash script and runs it', () => {
    const dir = copyDemo();
    const root = join(dir, 'runs');
    const seedFlags = [
      '--pipeline', 'pipeline.yaml', '--root', root, '--params=matrix: {predict.model: [smooth, sharp], track.thresh: [0.3, 0.5]}',
      '--enable_viz=0', '--enable_links=1', '--devices=0,1', '--queue_size=2', "--queue_name=secondary-eval",
      '--virtualenv_cmd=export DEMO_VENV=1', '--backend=serial', '--skip_existing=0', '--run=1',
    ];
    const result = spawnSync(process.execPath, [BIN, ...seedFlags], { cwd: dir, encoding: 'utf8', env: cleanEnv() });
    assert.equal(result.status, 0, result.stderr);
    const out = join(root, '_gwc', 'secondary-eval', 'bash');
    assert.match(result.stdout, new RegExp(`^wrote bash artifacts for 10 jobs \\(10 to run\\) to ${out}\\n`));
    assert.doesNotMatch(result.stdout, /^to run:/m);
    assert.ok(result.stdout.endsWith('10 passed, 0 failed, 0 skipped\n'), result.stdout);
    assert.deepEqual(stageLines(result.stdout).sort(), [...Array(2).fill('predict'), ...Array(4).fill('track'), ...Array(4).fill('evaluate')].sort());
    const state = JSON.parse(readFileSync(join(out, 'queue_state.json'), 'utf8')) as { status: string; name: string };
    assert.deepEqual([state.status, state.name], ['done', 'secondary-eval']);
    assert.ok(existsSync(join(out, 'job_info', 'passed')));
  });

  test('--run=1 exits 1 when a job fails, and says so', () => {
    const dir = copyDemo();
    const args = [BIN, '--pipeline', 'pipeline.yaml', '--params', 'matrix: {predict.model: [fuzzy]}', '--root', join(dir, 'runs'), '--out', join(dir, 'out'), '--backend=serial', '--run=1'];
    const result = spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8', env: cleanEnv() });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /gwc: predict_id_\w+ failed with exit code 2/);
    assert.match(result.stderr, /gwc: skipped track_id_\w+: predict_id_\w+ did not pass/);
    assert.match(result.stderr, /sh exited with code 1; fix the failed jobs and run again/);
    assert.match(result.stdout, /0 passed, 1 failed, 3 skipped\n$/);
  });
});
