/**
 * The demo pipeline compiled by the CLI with `--target tmux --run=1` and run by real, detached tmux
 * without a terminal; and the seed's invocation with `--backend=tmux`. Sessions live on a private
 * tmux server (GWC_TMUX_SOCKET).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { BIN, copyDemoTo, fileStamps } from '../helpers/demo.js';
import { repoPath } from '../helpers/paths.js';
import type { PlanJob } from '../helpers/plan-json.js';
import { runCli } from '../helpers/run-cli.js';

const SCHEDULE = repoPath('examples', 'geowatch', 'schedule.sh');
const SOCKET = `gwc-demo-test-${process.pid}`;
const GUARD_MS = 300_000;

const base = mkdtempSync(join(tmpdir(), 'gwc-tmux-demo-'));
after(() => rmSync(base, { recursive: true, force: true }));

function env(): NodeJS.ProcessEnv {
  const result: NodeJS.ProcessEnv = { ...process.env, GWC_TMUX_SOCKET: SOCKET };
  for (const name of ['GWC_DEVICES', 'GWC_PREAMBLE', 'TMUX', 'TMUX_PANE', 'TERM']) delete result[name];
  return result;
}

describe('the demo, compiled for tmux and run with --run=1', () => {
  const dir = copyDemoTo(join(base, 'demo'));
  const root = join(dir, 'runs');
  const out = join(dir, 'out');
  const compileAndRun = () =>
    spawnSync('setsid', ['-w', process.execPath, BIN, '--pipeline', 'pipeline.yaml', '--params', 'grid.yaml', '--target', 'tmux', '--root', root, '--out', out, '--workers', '2', '--run=1'], {
      cwd: dir,
      encoding: 'utf8',
      env: env(),
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: GUARD_MS,
    });

  test('every scheduled job finishes with its marker, outputs and a passed record', async () => {
    const result = compileAndRun();
    assert.equal(result.status, 0, result.stderr + result.stdout);
    assert.match(result.stdout, /^wrote tmux artifacts for 48 jobs \(48 to run\)/);
    assert.match(result.stdout, /^started 2 worker\(s\) for 48 jobs: sessions cmdq_schedule-eval_000\.\.001$/m);
    assert.match(result.stdout, /\n48 passed, 0 failed, 0 skipped\n$/);
    const plan = await runCli(['plan', '--pipeline', 'pipeline.yaml', '--params', 'grid.yaml', '--root', root, '--format', 'json'], dir);
    const jobs = (JSON.parse(plan.stdout) as { jobs: PlanJob[] }).jobs.filter((j) => j.status !== 'disabled' && j.status !== 'skipped');
    assert.equal(jobs.length, 48);
    for (const job of jobs) {
      assert.equal(job.status, 'done', `${job.id} is done`);
      assert.match(readFileSync(join(job.dir, '.gwc-done'), 'utf8'), new RegExp(`"process_id": "${job.id}"`));
      assert.ok(existsSync(join(out, 'job_info', 'passed', `${job.id}.pass`)));
      assert.match(readFileSync(join(out, 'job_info', 'logs', `${job.id}.log`), 'utf8'), new RegExp(`^${job.node}: `, 'm'), `${job.id} ran its stage`);
      if (job.node === 'evaluate') {
        const metrics = JSON.parse(readFileSync(join(job.dir, 'metrics.json'), 'utf8')) as { f1: unknown };
        assert.equal(typeof metrics.f1, 'number');
      }
    }
  });

  test('compiled and run again, nothing runs: no file under the root changes', () => {
    const before = fileStamps(root);
    const result = compileAndRun();
    assert.equal(result.status, 0, result.stderr + result.stdout);
    assert.match(result.stdout, /^wrote tmux artifacts for 48 jobs \(0 to run\)/);
    assert.match(result.stdout, /\n48 passed, 0 failed, 0 skipped\n$/);
    const changed = [...fileStamps(root)].filter(([path, stamp]) => before.get(path) !== stamp).map(([path]) => path);
    assert.deepEqual(changed, []);
    for (const log of readdirSync(join(out, 'job_info', 'logs'))) {
      assert.equal(readFileSync(join(out, 'job_info', 'logs', log), 'utf8'), '', `${log}: the runner found the job done`);
    }
  });
});

describe('the seed invocation with --backend=tmux', () => {
  test('compiles the 14 jobs for tmux with the seed options; --run=0 says how to start', () => {
    const root = join(base, 'seed');
    const result = spawnSync('bash', [SCHEDULE, '--backend=tmux'], { cwd: base, encoding: 'utf8', env: { ...env(), ROOT_DPATH: root } });
    assert.equal(result.status, 0, result.stderr);
    const out = join(root, '_gwc', 'secondary-eval', 'tmux');
    assert.equal(result.stdout, `wrote tmux artifacts for 14 jobs (14 to run) to ${out}\nto run: cd ${out} && bash gwc-tmux.sh start --wait\n`);
    const driver = readFileSync(join(out, 'gwc-tmux.sh'), 'utf8');
    assert.match(driver, /^QUEUE_NAME=secondary-eval$/m);
    assert.match(driver, /^WORKERS=2$/m, '--queue_size=2');
    assert.match(driver, /export GWC_DEVICES=0,1; fi$/m, '--devices="0,1"');
    const table = readFileSync(join(out, 'gwc-tmux-jobs', '000000.txt'), 'utf8').split('\n').filter(Boolean);
    assert.equal(table.length, 14, 'one line per job');
    assert.equal(readFileSync(join(out, 'gwc-tmux-jobs', 'roots.txt'), 'utf8'), '0\n', 'one BAS predict starts the queue');
    const status = spawnSync('bash', [join(out, 'gwc-tmux.sh'), 'status'], { encoding: 'utf8', env: env() });
    assert.equal(status.stdout, 'queue secondary-eval: not started (14 jobs, 2 workers)\n');
  });
});
