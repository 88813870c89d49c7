import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { runtimeFiles } from '../../src/targets/shared/runtime.js';
import { diesWithin, readPidFile } from '../helpers/processes.js';

let base = '';
let runner = '';
let counter = 0;

before(() => {
  base = mkdtempSync(join(tmpdir(), 'gwc-runner-'));
  runner = join(base, 'gwc-run.sh');
  writeFileSync(runner, runtimeFiles()[0]!.content as string, { mode: 0o755 });
});
after(() => rmSync(base, { recursive: true, force: true }));

/** A fresh, not yet existing job dir. */
function jobDir(): string {
  counter += 1;
  return join(base, `job${counter}`);
}

interface RunResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment jobs see: no leasing unless a test asks for it. */
function testEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GWC_LOCK_DIR: join(base, 'locks'), ...extra };
  if (!('GWC_DEVICES' in extra)) delete env.GWC_DEVICES;
  if (!('GWC_PREAMBLE' in extra)) delete env.GWC_PREAMBLE;
  return env;
}

function run(args: readonly string[], env: Record<string, string> = {}): RunResult {
  const result = spawnSync('sh', [runner, ...args], { encoding: 'utf8', env: testEnv(env), cwd: base });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function basicArgs(dir: string, fp = 'fp1'): string[] {
  return ['--dir', dir, '--id', 'job_id_x', '--fp', fp, '--config', '{"a.b": 1}'];
}

const marker = (dir: string): string => join(dir, '.gwc-done');
const markerText = (fp: string, adopted: boolean): string =>
  `{"process_id": "job_id_x", "fingerprint": "${fp}", "adopted": ${adopted}}\n`;
const lines = (path: string): string[] => (existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : []);

describe('runner: bookkeeping', () => {
  test('success writes the marker, job_config.json, invoke.sh and links', () => {
    const dir = jobDir();
    const pred = join(base, 'pred_dir');
    const workdir = join(base, 'work');
    mkdirSync(pred);
    mkdirSync(workdir);
    const command = `printf '%s\\n' "a\\\\b %s %d" "$PWD" > ${dir}/out.txt`;
    const result = run([
      ...basicArgs(dir),
      '--see-also', pred,
      '--see-also', '/somewhere/else',
      '--link', `${dir}/.pred/p/pred_dir=../../../pred_dir`,
      '--link', `${pred}/.succ/n/job=../../../${dir.split('/').pop()}`,
      '--workdir', workdir,
      '--', command,
    ]);
    assert.deepEqual(result, { status: 0, stdout: '', stderr: '' });
    assert.equal(readFileSync(marker(dir), 'utf8'), markerText('fp1', false));
    assert.equal(readFileSync(join(dir, 'job_config.json'), 'utf8'), '{"a.b": 1}\n');
    const invoke = join(dir, 'invoke.sh');
    assert.equal(
      readFileSync(invoke, 'utf8'),
      `#!/usr/bin/env bash\n# See Also:\n# ${pred}\n# /somewhere/else\n${command}\n`,
    );
    assert.equal(readlinkSync(join(dir, '.pred/p/pred_dir')), '../../../pred_dir');
    assert.equal(readFileSync(join(pred, '.succ/n/job/out.txt'), 'utf8'), `a\\b %s %d\n${workdir}\n`);
    assert.ok(existsSync(join(dir, '.gwc-attempt')));
    assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.tmp.')), []);
  });

  test('a job without ancestors is a root node', () => {
    const dir = jobDir();
    assert.equal(run([...basicArgs(dir), '--', 'true']).status, 0);
    assert.equal(readFileSync(join(dir, 'invoke.sh'), 'utf8'), '#!/usr/bin/env bash\n# Root node\ntrue\n');
  });

  test('a rerun with the same fingerprint does nothing', () => {
    const dir = jobDir();
    const log = join(base, `log${counter}`);
    const args = [...basicArgs(dir), '--', `echo ran >> ${log}`];
    assert.equal(run(args).status, 0);
    assert.deepEqual(run(args), { status: 0, stdout: '', stderr: '' });
    assert.deepEqual(lines(log), ['ran']);
  });

  test('a stale fingerprint reruns and rewrites the marker', () => {
    const dir = jobDir();
    const log = join(base, `log${counter}`);
    assert.equal(run([...basicArgs(dir, 'old'), '--', `echo ran >> ${log}`]).status, 0);
    assert.equal(run([...basicArgs(dir, 'new'), '--', `echo ran >> ${log}`]).status, 0);
    assert.deepEqual(lines(log), ['ran', 'ran']);
    assert.equal(readFileSync(marker(dir), 'utf8'), markerText('new', false));
  });

  test('--redo reruns a finished job', () => {
    const dir = jobDir();
    const log = join(base, `log${counter}`);
    const args = [...basicArgs(dir), '--redo', '--', `echo ran >> ${log}`];
    assert.equal(run(args).status, 0);
    assert.equal(run(args).status, 0);
    assert.deepEqual(lines(log), ['ran', 'ran']);
  });
});

describe('runner: failures', () => {
  const FAILURES: [string, string, Record<string, string>, number][] = [
    ['a failing command', 'false', {}, 1],
    ['exit inside the command', 'echo before; exit 3; echo after', {}, 3],
    ['a failing preamble', 'echo ran', { GWC_PREAMBLE: 'false' }, 1],
    ['a preamble that exits', 'echo ran', { GWC_PREAMBLE: 'exit 4' }, 4],
  ];
  for (const [name, command, env, rc] of FAILURES) {
    test(`${name}: no marker, exit code ${rc}, reported by the runner`, () => {
      const dir = jobDir();
      const result = run([...basicArgs(dir), '--', command], env);
      assert.equal(result.status, rc);
      assert.equal(result.stderr, `gwc: job_id_x failed with exit code ${rc}\n`);
      assert.equal(existsSync(marker(dir)), false);
      assert.doesNotMatch(result.stdout, /after/);
    });
  }

  test('a failed rerun removes the stale marker', () => {
    const dir = jobDir();
    assert.equal(run([...basicArgs(dir, 'old'), '--', 'true']).status, 0);
    assert.equal(run([...basicArgs(dir, 'new'), '--', 'exit 9']).status, 9);
    assert.equal(existsSync(marker(dir)), false);
  });

  const USAGE: [string, string[], RegExp][] = [
    ['relative dir', ['--dir', 'rel', '--id', 'i', '--fp', 'f', '--config', '{}', '--', 'true'], /absolute/],
    ['missing command', ['--dir', '/tmp/x', '--id', 'i', '--fp', 'f', '--config', '{}'], /COMMAND/],
    ['two command words', ['--dir', '/tmp/x', '--id', 'i', '--fp', 'f', '--config', '{}', '--', 'a', 'b'], /exactly one/],
    ['unknown option', ['--bogus', 'x'], /unknown option '--bogus'/],
    ['bad gpu count', ['--dir', '/tmp/x', '--id', 'i', '--fp', 'f', '--config', '{}', '--gpus', 'x', '--', 'true'], /whole number/],
  ];
  for (const [name, args, message] of USAGE) {
    test(`usage error: ${name}`, () => {
      const result = run(args);
      assert.equal(result.status, 125);
      assert.match(result.stderr, message);
    });
  }
});

describe('runner: sourced by a queue (GWC_RUN_LIBRARY=1)', () => {
  /** Runs sh SCRIPT after sourcing the runner; the script calls gwc_run. */
  function inLibrary(script: string): RunResult {
    const text = `set -u\nGWC_RUN_LIBRARY=1\n. ${JSON.stringify(runner)}\n${script}`;
    const result = spawnSync('sh', ['-c', text], { encoding: 'utf8', env: testEnv(), cwd: base });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  test('sourcing runs nothing; gwc_run returns each job\'s status and the shell goes on', () => {
    const ok = jobDir();
    const failing = jobDir();
    const result = inLibrary(
      `echo sourced\n` +
        `gwc_run --dir ${ok} --id a --fp f --config '{}' -- 'exit 0'; echo "ok=$?"\n` +
        `gwc_run --dir ${failing} --id b --fp f --config '{}' -- 'exit 7'; echo "failed=$?"\n` +
        `gwc_run --dir relative --id c --fp f --config '{}' -- true; echo "usage=$?"\n` +
        `gwc_run --dir ${ok} --id a --fp f --config '{}' -- 'exit 9'; echo "done=$?"\n`,
    );
    assert.equal(result.stdout, 'sourced\nok=0\nfailed=7\nusage=125\ndone=0\n');
    assert.equal(existsSync(marker(ok)), true);
    assert.equal(existsSync(marker(failing)), false);
  });

  test('gwc_stop_job from the queue\'s trap stops the whole job; it leaves no marker', async () => {
    const dir = jobDir();
    const command = `sleep 30 </dev/null >/dev/null 2>&1 & echo $! > ${dir}.pid; wait`;
    const result = inLibrary(
      `trap 'gwc_stop_job; echo stopped; exit 143' TERM\n` +
        `( until [ -s ${dir}.pid ]; do sleep 0.05; done; kill -TERM $$ ) &\n` +
        `gwc_run --dir ${dir} --id a --fp f --config '{}' -- '${command}'\n`,
    );
    assert.equal(result.stdout, 'stopped\n');
    assert.equal(result.status, 143);
    const sleepPid = Number(readFileSync(`${dir}.pid`, 'utf8'));
    const survived = !(await diesWithin(sleepPid, 3000));
    if (survived) process.kill(sleepPid, 'SIGKILL');
    assert.equal(survived, false, 'the job\'s child was stopped too');
    assert.equal(existsSync(marker(dir)), false);
  });
});

describe('runner: adoption of kwdagger results', () => {
  function withOutputs(dir: string, names: readonly string[], create: readonly string[]): string[] {
    mkdirSync(dir, { recursive: true });
    for (const name of create) writeFileSync(join(dir, name), 'x');
    return names.flatMap((name) => ['--output', join(dir, name)]);
  }

  test('existing outputs without a marker or attempt are adopted without running', () => {
    const dir = jobDir();
    const outputs = withOutputs(dir, ['a.json', 'b.json'], ['a.json', 'b.json']);
    const result = run([...basicArgs(dir), ...outputs, '--', `touch ${dir}/ran`]);
    assert.deepEqual(result, { status: 0, stdout: '', stderr: 'gwc: adopted job_id_x (outputs exist)\n' });
    assert.equal(readFileSync(marker(dir), 'utf8'), markerText('fp1', true));
    assert.equal(existsSync(join(dir, 'ran')), false);
  });

  const NOT_ADOPTED: [string, (dir: string) => void, readonly string[]][] = [
    ['an output is missing', () => {}, ['a.json']],
    ['an attempt of ours exists', (dir) => writeFileSync(join(dir, '.gwc-attempt'), ''), ['a.json', 'b.json']],
    ['--redo is given', () => {}, ['a.json', 'b.json']],
  ];
  for (const [name, prepare, create] of NOT_ADOPTED) {
    test(`not adopted when ${name}`, () => {
      const dir = jobDir();
      const outputs = withOutputs(dir, ['a.json', 'b.json'], create);
      prepare(dir);
      const redo = name.includes('redo') ? ['--redo'] : [];
      assert.equal(run([...basicArgs(dir), ...outputs, ...redo, '--', `touch ${dir}/ran`]).status, 0);
      assert.ok(existsSync(join(dir, 'ran')));
      assert.equal(readFileSync(marker(dir), 'utf8'), markerText('fp1', false));
    });
  }

  test('a job without declared outputs is never adopted', () => {
    const dir = jobDir();
    mkdirSync(dir);
    assert.equal(run([...basicArgs(dir), '--', `touch ${dir}/ran`]).status, 0);
    assert.ok(existsSync(join(dir, 'ran')));
  });
});

/** Starts the runner in the background; resolves with its exit code or signal. */
function runAsync(args: readonly string[], env: Record<string, string> = {}) {
  const child = spawn('sh', [runner, ...args], { env: testEnv(env), cwd: base, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stderr })),
  );
  return { child, done };
}


describe('runner: killed jobs', () => {
  const sleeper = (dir: string): string => `echo $$ > ${dir}.pid; exec sleep 30`;

  test('kill -9 of the runner leaves no marker', async () => {
    const dir = jobDir();
    const { child, done } = runAsync([...basicArgs(dir), '--', sleeper(dir)]);
    const jobPid = await readPidFile(`${dir}.pid`, 5000);
    child.kill('SIGKILL');
    await sleep(100);
    // The orphaned job may finish; the runner is gone, so nothing writes a marker.
    process.kill(jobPid, 'SIGKILL');
    assert.equal((await done).signal, 'SIGKILL');
    assert.equal(existsSync(marker(dir)), false);
  });

  test('kill -9 of the job fails it with 137 and no marker', async () => {
    const dir = jobDir();
    const { done } = runAsync([...basicArgs(dir), '--', sleeper(dir)]);
    process.kill(await readPidFile(`${dir}.pid`, 5000), 'SIGKILL');
    const result = await done;
    assert.equal(result.code, 137);
    assert.equal(result.stderr, 'gwc: job_id_x failed with exit code 137\n');
    assert.equal(existsSync(marker(dir)), false);
  });

  test('SIGTERM to the runner stops the whole job and leaves no marker', async () => {
    const dir = jobDir();
    // The job's child (sleep, detached from our pipes) must die too, not just the job's shell.
    const command = `sleep 30 </dev/null >/dev/null 2>&1 & echo $! > ${dir}.pid; wait`;
    const { child, done } = runAsync([...basicArgs(dir), '--', command]);
    const sleepPid = await readPidFile(`${dir}.pid`, 5000);
    child.kill('SIGTERM');
    assert.equal((await done).code, 143);
    const survived = !(await diesWithin(sleepPid, 3000));
    if (survived) process.kill(sleepPid, 'SIGKILL');
    assert.equal(survived, false, 'the job process group was signalled');
    assert.equal(existsSync(marker(dir)), false);
    assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.tmp.')), []);
  });
});

describe('runner: GPU leases', () => {
  const probe = (dir: string): string => `printf '[%s]\\n' "\${CUDA_VISIBLE_DEVICES-unset}" > ${dir}.cvd`;

  const ENV_CASES: [string, Record<string, string>, string[], string][] = [
    ['no GWC_DEVICES: left untouched', { CUDA_VISIBLE_DEVICES: '5' }, ['--gpus', '1'], '[5]'],
    ['empty GWC_DEVICES: left untouched', { GWC_DEVICES: '', CUDA_VISIBLE_DEVICES: '5' }, [], '[5]'],
    ['a CPU job sees no GPU', { GWC_DEVICES: '0,1', CUDA_VISIBLE_DEVICES: '5' }, [], '[]'],
    ['--gpus 0 sees no GPU', { GWC_DEVICES: '0,1' }, ['--gpus', '0'], '[]'],
    ['two GPUs', { GWC_DEVICES: '3,4,5' }, ['--gpus', '2'], '[3,4]'],
  ];
  for (const [name, env, args, expected] of ENV_CASES) {
    test(name, () => {
      const dir = jobDir();
      const lockDir = join(base, `locks${counter}`);
      assert.equal(run([...basicArgs(dir), ...args, '--', probe(dir)], { GWC_LOCK_DIR: lockDir, ...env }).status, 0);
      assert.equal(readFileSync(`${dir}.cvd`, 'utf8'), `${expected}\n`);
    });
  }

  test('more GPUs than devices fails with a clear message', () => {
    const dir = jobDir();
    const result = run([...basicArgs(dir), '--gpus', '3', '--', 'true'], { GWC_DEVICES: '0,1' });
    assert.equal(result.status, 125);
    assert.equal(result.stderr, "gwc: job job_id_x needs 3 GPUs but GWC_DEVICES lists 2 (0,1)\n");
    assert.equal(existsSync(marker(dir)), false);
  });

  test('6 concurrent one-GPU jobs on 2 devices never share a device', async () => {
    const lockDir = join(base, 'lease-locks');
    const record = join(base, 'leases');
    mkdirSync(record);
    const runs = Array.from({ length: 6 }, (_, i) => {
      const command =
        `s=$(date +%s%N); sleep 0.25; e=$(date +%s%N); ` +
        `echo "$CUDA_VISIBLE_DEVICES $s $e" > ${record}/${i}`;
      return runAsync([...basicArgs(jobDir()), '--gpus', '1', '--', command], {
        GWC_DEVICES: '0,1',
        GWC_LOCK_DIR: lockDir,
      }).done;
    });
    for (const result of await Promise.all(runs)) assert.equal(result.code, 0, result.stderr);
    const leases = readdirSync(record).map((f) => {
      const [device, start, end] = readFileSync(join(record, f), 'utf8').trim().split(' ');
      return { device: device as string, start: BigInt(start as string), end: BigInt(end as string) };
    });
    assert.equal(leases.length, 6);
    for (const lease of leases) assert.ok(['0', '1'].includes(lease.device), `saw "${lease.device}"`);
    for (const a of leases) {
      for (const b of leases) {
        if (a === b || a.device !== b.device) continue;
        assert.ok(a.end <= b.start || b.end <= a.start, `jobs overlap on device ${a.device}`);
      }
    }
    assert.ok(new Set(leases.map((l) => l.device)).size === 2, 'both devices were used');
  });
});

describe('runner: GWC_DEVICES=auto', () => {
  const probe = (dir: string): string => `printf '[%s]\\n' "\${CUDA_VISIBLE_DEVICES-unset}" > ${dir}.cvd`;

  /** A PATH whose nvidia-smi shows GPUs 0..2 (uuids GPU-0..GPU-2) with processes on the busy ones. */
  function fakePath(busy: readonly number[], failing = false): string {
    const bin = join(base, `bin${counter}`);
    mkdirSync(bin, { recursive: true });
    const body = failing
      ? "echo 'NVIDIA-SMI has failed'; exit 9"
      : [
          'case "$*" in',
          "  *--query-gpu=index,uuid*) printf '0, GPU-0\\n1, GPU-1\\n2, GPU-2\\n' ;;",
          `  *--query-compute-apps=gpu_uuid*) printf '${busy.map((g) => `GPU-${g}\\n`).join('')}' ;;`,
          '  *) exit 2 ;;',
          'esac',
        ].join('\n');
    writeFileSync(join(bin, 'nvidia-smi'), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    return `${bin}:${process.env.PATH ?? ''}`;
  }

  const CASES: [string, { busy: number[]; failing?: boolean; noSmi?: boolean }, string[], string][] = [
    ['a CPU job sees no GPU', { busy: [] }, [], '[]'],
    ['one GPU: the first idle one', { busy: [0] }, ['--gpus', '1'], '[1]'],
    ['two GPUs skip the busy one', { busy: [1] }, ['--gpus', '2'], '[0,2]'],
    ['no nvidia-smi: left untouched', { busy: [], noSmi: true }, ['--gpus', '1'], '[7]'],
    ['a failing nvidia-smi: left untouched', { busy: [], failing: true }, ['--gpus', '1'], '[7]'],
  ];
  for (const [name, fake, args, expected] of CASES) {
    test(name, () => {
      const dir = jobDir();
      const path = fake.noSmi ? (process.env.PATH ?? '') : fakePath(fake.busy, fake.failing);
      const env = { GWC_DEVICES: 'auto', GWC_LOCK_DIR: join(base, `auto-locks${counter}`), CUDA_VISIBLE_DEVICES: '7', PATH: path };
      const result = run([...basicArgs(dir), ...args, '--', probe(dir)], env);
      assert.equal(result.status, 0, result.stderr);
      assert.equal(readFileSync(`${dir}.cvd`, 'utf8'), `${expected}\n`);
    });
  }

  test('more GPUs than nvidia-smi shows fails with a clear message', () => {
    const dir = jobDir();
    const result = run([...basicArgs(dir), '--gpus', '4', '--', 'true'], { GWC_DEVICES: 'auto', PATH: fakePath([]) });
    assert.equal(result.status, 125);
    assert.equal(result.stderr, 'gwc: job job_id_x needs 4 GPUs but nvidia-smi shows 3\n');
  });

  test('a job waits while too few GPUs are idle and asks nvidia-smi again', async () => {
    const dir = jobDir();
    const bin = join(base, `bin-wait${counter}`);
    mkdirSync(bin);
    const flag = join(base, `freed${counter}`);
    // GPU 0 is busy until the flag file exists
    const body = [
      'case "$*" in',
      "  *--query-gpu=index,uuid*) printf '0, GPU-0\\n' ;;",
      `  *--query-compute-apps=gpu_uuid*) [ -e ${flag} ] || echo GPU-0 ;;`,
      'esac',
    ].join('\n');
    writeFileSync(join(bin, 'nvidia-smi'), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    const env = { GWC_DEVICES: 'auto', GWC_LOCK_DIR: join(base, `wait-locks${counter}`), PATH: `${bin}:${process.env.PATH ?? ''}` };
    const { done } = runAsync([...basicArgs(dir), '--gpus', '1', '--', probe(dir)], env);
    await sleep(600);
    assert.equal(existsSync(`${dir}.cvd`), false, 'the job waits for an idle GPU');
    writeFileSync(flag, '');
    assert.equal((await done).code, 0);
    assert.equal(readFileSync(`${dir}.cvd`, 'utf8'), '[0]\n');
  });
});
