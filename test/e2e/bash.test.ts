/**
 * The bash target's script run by real bash: order, reruns, failures, stops, exact
 * arguments and GPU leases. Graphs are built by hand (test/helpers/fixture-graph.ts).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { JobGraph } from '../../src/graph/job-graph.js';
import { bashTarget } from '../../src/targets/bash/index.js';
import { shellQuote } from '../../src/targets/shared/shell-quote.js';
import type { TargetOptions } from '../../src/targets/target.js';
import { toJson } from '../../src/values/py-format.js';
import { emitToDisk } from '../helpers/emit-to-disk.js';
import { fixtureGraph, fixtureOptions, type FixtureJobSpec } from '../helpers/fixture-graph.js';
import { HOSTILE_VALUES } from '../helpers/hostile-values.js';
import { readPidFile } from '../helpers/processes.js';
import type { RecordedCall } from '../helpers/record-argv.js';
import { Scratch, logLines, logPipelineSpecs } from '../helpers/scratch.js';

const RECORDER = fileURLToPath(new URL('../helpers/record-argv.js', import.meta.url));

const scratch = new Scratch('gwc-bash-');
const { base } = scratch;
const freshDir = (name: string): string => scratch.freshDir(name);

/** The environment of a run: nothing inherited that changes the runner, locks in the test dir. */
function runEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GWC_LOCK_DIR: join(base, 'locks'), ...extra };
  for (const name of ['GWC_DEVICES', 'GWC_PREAMBLE', 'CUDA_VISIBLE_DEVICES']) if (!(name in extra)) delete env[name];
  return env;
}

function runScript(outDir: string, env: Record<string, string> = {}) {
  const result = spawnSync('sh', [join(outDir, 'run.sh')], { cwd: base, encoding: 'utf8', env: runEnv(env) });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function startScript(outDir: string, env: Record<string, string> = {}) {
  const child = spawn('sh', [join(outDir, 'run.sh')], { cwd: base, detached: true, stdio: 'ignore', env: runEnv(env) });
  return { child, exited: once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]> };
}

function emit(graph: JobGraph, options: Partial<TargetOptions> = {}): string {
  const outDir = freshDir('out');
  emitToDisk(bashTarget, graph, fixtureOptions({ outDir, ...options }));
  return outDir;
}

const state = (outDir: string): Record<string, unknown> => JSON.parse(readFileSync(join(outDir, 'queue_state.json'), 'utf8')) as Record<string, unknown>;
const infoFiles = (outDir: string, kind: string): string[] => readdirSync(join(outDir, 'job_info', kind)).sort();

function setUpPipeline(failing?: string, failure?: string, options: Partial<TargetOptions> = {}) {
  const root = freshDir('runs');
  const log = join(base, `log${scratch.counter}`);
  const graph = fixtureGraph({ root, workdir: base }, logPipelineSpecs(log, { failing, failure }));
  return { graph, outDir: emit(graph, options), log };
}

describe('bash target, run by bash', () => {
  test('runs every job once, dependencies first, with banners, markers, status files and a summary', () => {
    const { graph, outDir, log } = setUpPipeline();
    const result = runScript(outDir);
    assert.equal(result.status, 0, result.stderr);
    const ran = logLines(log);
    assert.deepEqual(ran, graph.jobs.map((j) => j.id), 'in the script order, which is topological');
    for (const job of graph.jobs) assert.ok(existsSync(job.marker), `${job.id} has a marker`);
    const banners = result.stdout.split('\n').filter((l) => l.startsWith('###'));
    assert.deepEqual(banners, graph.jobs.map((j, i) => `### Command ${i + 1} / 10 - ${j.id}`));
    assert.ok(result.stdout.endsWith('10 passed, 0 failed, 0 skipped\n'), result.stdout);
    assert.deepEqual(state(outDir), { status: 'done', passed: 10, failed: 0, skipped: 0, total: 10, name: 'gwc' });
    assert.deepEqual(infoFiles(outDir, 'passed'), graph.jobs.map((j) => `${j.id}.pass`).sort());
    assert.equal(readFileSync(join(outDir, 'job_info/status/p0a.stat'), 'utf8'), '{"ret": 0, "name": "p0a"}\n');
  });

  test('a second run runs no job and still reports every job passed', () => {
    const { outDir, log } = setUpPipeline();
    assert.equal(runScript(outDir).status, 0);
    const second = runScript(outDir);
    assert.equal(second.status, 0, second.stderr);
    assert.equal(logLines(log).length, 10);
    assert.equal(second.stderr, '');
    assert.ok(second.stdout.endsWith('10 passed, 0 failed, 0 skipped\n'));
  });

  test('a failed job skips its descendants, the others run, the script exits 1; a rerun finishes the rest', () => {
    const { graph, outDir, log } = setUpPipeline('p0');
    const result = runScript(outDir);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^gwc: p0 failed with exit code 1$/m);
    assert.match(result.stderr, /^gwc: skipped p0a: p0 did not pass$/m);
    assert.match(result.stderr, /^gwc: skipped p0ae: p0a did not pass$/m);
    assert.deepEqual(logLines(log), ['p0', 'p1', 'p1a', 'p1b', 'p1ae', 'p1be']);
    assert.ok(result.stdout.endsWith('5 passed, 1 failed, 4 skipped\n'), result.stdout);
    assert.deepEqual(state(outDir), { status: 'done', passed: 5, failed: 1, skipped: 4, total: 10, name: 'gwc' });
    assert.deepEqual(infoFiles(outDir, 'failed'), ['p0.fail']);
    assert.deepEqual(infoFiles(outDir, 'skipped'), ['p0a.skip', 'p0ae.skip', 'p0b.skip', 'p0be.skip']);
    assert.equal(readFileSync(join(outDir, 'job_info/status/p0.stat'), 'utf8'), '{"ret": 1, "name": "p0"}\n');
    assert.equal(readFileSync(join(outDir, 'job_info/status/p0a.stat'), 'utf8'), '{"ret": 126, "name": "p0a"}\n');
    const byId = new Map(graph.jobs.map((j) => [j.id, j]));
    assert.equal(existsSync(byId.get('p0')!.marker), false, 'a failed job leaves no marker');
    for (const id of ['p0a', 'p0b', 'p0ae', 'p0be']) assert.equal(existsSync(join(byId.get(id)!.dir, 'job_config.json')), false, `${id} never started`);

    writeFileSync(join(outDir, 'job_info/failed/stale.fail'), 'fail');
    const fixed = fixtureGraph({ root: graph.root, workdir: base }, logPipelineSpecs(log));
    emitToDisk(bashTarget, fixed, fixtureOptions({ outDir }));
    const rerun = runScript(outDir);
    assert.equal(rerun.status, 0, rerun.stderr);
    assert.deepEqual(logLines(log).slice(6), ['p0', 'p0a', 'p0b', 'p0ae', 'p0be'], 'exactly the jobs that did not pass run');
    assert.deepEqual(infoFiles(outDir, 'failed'), [], 'status files of the earlier run are gone');
  });

  test('a current marker passes without running; a stale marker or redo runs the job again', () => {
    const root = freshDir('runs');
    const log = join(base, `log${scratch.counter}`);
    const specs: FixtureJobSpec[] = [
      { id: 'done1', node: 'n', command: `echo done1 >> ${log}`, status: 'done' },
      { id: 'stale1', node: 'n', command: `echo stale1 >> ${log}`, staleMarker: true },
      { id: 'redo1', node: 'n', command: `echo redo1 >> ${log}`, status: 'done', redo: true },
    ];
    const graph = fixtureGraph({ root, workdir: base }, specs);
    for (const job of graph.jobs) {
      mkdirSync(job.dir, { recursive: true });
      const fp = job.id === 'stale1' ? 'stale' : job.fingerprint;
      writeFileSync(job.marker, `{"process_id": "${job.id}", "fingerprint": "${fp}", "adopted": false}\n`);
    }
    const outDir = emit(graph);
    const result = runScript(outDir);
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(logLines(log), ['stale1', 'redo1']);
    assert.ok(result.stdout.endsWith('3 passed, 0 failed, 0 skipped\n'));
    assert.equal(runScript(outDir).status, 0);
    assert.deepEqual(logLines(log), ['stale1', 'redo1', 'redo1'], 'redo runs on every run');
  });

  const ESCAPES: [string, string, Partial<TargetOptions>][] = [
    ['a job that calls exit', 'exit 7', {}],
    ['a job that kills its own shell', 'kill -9 $$', {}],
    ['a job that calls exec', 'exec false', {}],
  ];
  for (const [name, failure] of ESCAPES) {
    test(`${name} fails alone; the script goes on to its summary`, () => {
      const { outDir, log } = setUpPipeline('p1', failure);
      const result = runScript(outDir);
      assert.equal(result.status, 1);
      assert.deepEqual(logLines(log), ['p0', 'p1', 'p0a', 'p0b', 'p0ae', 'p0be']);
      assert.ok(result.stdout.endsWith('5 passed, 1 failed, 4 skipped\n'), result.stdout);
      assert.equal(state(outDir).status, 'done');
    });
  }

  test('a failing preamble fails each job, never the script', () => {
    const { outDir, log } = setUpPipeline(undefined, undefined, { preamble: 'exit 4' });
    const result = runScript(outDir);
    assert.equal(result.status, 1);
    assert.deepEqual(logLines(log), []);
    assert.match(result.stderr, /^gwc: p0 failed with exit code 4$/m);
    assert.ok(result.stdout.endsWith('0 passed, 2 failed, 8 skipped\n'), result.stdout);
  });

  test('a preamble runs before each job, in the job\'s shell', () => {
    const preLog = join(freshDir('pre'), 'log');
    const { outDir, log } = setUpPipeline(undefined, undefined, { preamble: `echo pre >> ${shellQuote(preLog)}` });
    assert.equal(runScript(outDir).status, 0);
    assert.equal(logLines(log).length, 10);
    assert.equal(logLines(preLog).length, 10);
  });
});

describe('bash target: stops', () => {
  /** a → b → slow → d, then e: slow waits to be stopped until the file `go` exists. */
  function slowQueue() {
    const root = freshDir('runs');
    const log = join(base, `log${scratch.counter}`);
    const pidFile = join(base, `slow${scratch.counter}.pid`);
    const go = join(base, `go${scratch.counter}`);
    const echo = (id: string): string => `echo ${id} >> ${log}`;
    const specs: FixtureJobSpec[] = [
      { id: 'a', node: 'n', command: echo('a') },
      { id: 'b', node: 'n', deps: ['a'], command: echo('b') },
      { id: 'slow', node: 'n', deps: ['b'], command: `if [ ! -e ${go} ]; then echo $$ > ${pidFile}; exec sleep 60; fi; ${echo('slow')}` },
      { id: 'd', node: 'n', deps: ['slow'], command: echo('d') },
      { id: 'e', node: 'n', command: echo('e') },
    ];
    const graph = fixtureGraph({ root, workdir: base }, specs);
    return { graph, outDir: emit(graph), log, pidFile, go };
  }

  function killQuietly(pid: number): void {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }

  test('kill -9 of the script mid-job, then a rerun: exactly the unfinished jobs run', async () => {
    const { graph, outDir, log, pidFile, go } = slowQueue();
    const { child, exited } = startScript(outDir);
    const jobPid = await readPidFile(pidFile);
    // the script and its runner share a process group; the job has its own session
    process.kill(-(child.pid as number), 'SIGKILL');
    await exited;
    killQuietly(jobPid);
    const marker = (id: string): boolean => existsSync(graph.jobs.find((j) => j.id === id)!.marker);
    assert.deepEqual(logLines(log), ['a', 'b']);
    assert.deepEqual(['a', 'b', 'slow', 'd', 'e'].map(marker), [true, true, false, false, false]);
    assert.equal(state(outDir).status, 'run', 'kill -9 leaves the state of the moment');

    writeFileSync(go, '');
    const rerun = runScript(outDir);
    assert.equal(rerun.status, 0, rerun.stderr);
    assert.deepEqual(logLines(log), ['a', 'b', 'slow', 'd', 'e']);
    assert.ok(['a', 'b', 'slow', 'd', 'e'].every(marker));
  });

  test('SIGTERM stops the running job, leaves no marker and records the run as aborted', async () => {
    const { graph, outDir, log, pidFile } = slowQueue();
    const { child, exited } = startScript(outDir);
    const jobPid = await readPidFile(pidFile);
    child.kill('SIGTERM');
    const [code] = await exited;
    await sleep(100);
    const alive = existsSync(`/proc/${jobPid}`) && !/^\d+ \(.*\) [ZX]/.test(readFileSync(`/proc/${jobPid}/stat`, 'utf8'));
    if (alive) killQuietly(jobPid);
    assert.equal(code, 143);
    assert.equal(alive, false, 'the job was stopped with the script');
    assert.equal(existsSync(graph.jobs.find((j) => j.id === 'slow')!.marker), false);
    assert.deepEqual(logLines(log), ['a', 'b']);
    assert.equal(state(outDir).status, 'aborted');
  });

  test('a second run of the same queue while one runs is refused', async () => {
    const { outDir, pidFile } = slowQueue();
    const { child, exited } = startScript(outDir);
    const jobPid = await readPidFile(pidFile);
    try {
      const second = runScript(outDir);
      assert.equal(second.status, 125);
      assert.match(second.stderr, /another run of this queue is still running/);
      assert.equal(state(outDir).status, 'run', 'the refused run leaves the running one\'s state alone');
    } finally {
      child.kill('SIGTERM');
      await exited;
      killQuietly(jobPid);
    }
  });
});

describe('hostile values through bash', () => {
  test('the job argv, job_config.json and invoke.sh arrive byte-identical, under a root full of specials', () => {
    const root = join(freshDir('hostile'), `runs it's "$x" \`y\` #1`);
    const record = join(base, `record${scratch.counter}.json`);
    const command = [process.execPath, RECORDER, record, ...HOSTILE_VALUES].map(shellQuote).join(' ');
    const config = Object.fromEntries(HOSTILE_VALUES.map((value, i) => [`n.k${i}${i % 5 === 0 ? value.slice(0, 9) : ''}`, value]));
    const graph = fixtureGraph({ root, workdir: base }, [{ id: 'job', node: 'n', command, config }]);
    const preamble = "GWC_TEST_PRE=' lead # $HOME \\ %s'\n export GWC_TEST_PRE # ends with \\";
    const outDir = emit(graph, { preamble, devices: ['0'], queueName: `q "'$x'\n` });

    const result = runScript(outDir);
    assert.equal(result.status, 0, result.stderr);
    const call = JSON.parse(readFileSync(record, 'utf8')) as RecordedCall;
    assert.deepEqual(call.argv, HOSTILE_VALUES);
    assert.equal(call.cwd, base);
    assert.deepEqual(call.env, { CUDA_VISIBLE_DEVICES: '', GWC_PREAMBLE: preamble, GWC_DEVICES: '0', GWC_TEST_PRE: ' lead # $HOME \\ %s' });
    const job = graph.jobs[0]!;
    assert.equal(readFileSync(join(job.dir, 'job_config.json'), 'utf8'), `${toJson(config)}\n`);
    assert.ok(readFileSync(join(job.dir, 'invoke.sh'), 'utf8').endsWith(`# Root node\n${command}\n`));
    assert.equal(state(outDir).name, `q "'$x'\n`);
  });

  test('the generated script passes bash -n and shellcheck', () => {
    const graph = fixtureGraph({ root: join(base, 'r $x'), workdir: base }, [
      { id: 'a', node: 'n', command: [process.execPath, ...HOSTILE_VALUES].map(shellQuote).join(' ') },
      { id: 'b', node: 'n', deps: ['a'], config: Object.fromEntries(HOSTILE_VALUES.map((v, i) => [`k${i}`, v])) },
    ]);
    const script = join(emit(graph, { preamble: HOSTILE_VALUES.join('\n'), devicesAuto: true }), 'run.sh');
    const syntax = spawnSync('sh', ['-n', script], { encoding: 'utf8' });
    assert.equal(syntax.status, 0, syntax.stderr);
    const lint = spawnSync('shellcheck', ['--shell=bash', script], { encoding: 'utf8' });
    assert.equal(lint.status, 0, lint.stdout + lint.stderr);
  });
});

describe('GPU leases under bash', () => {
  const probe = (file: string): string => `printf '[%s]\\n' "\${CUDA_VISIBLE_DEVICES-unset}" > ${shellQuote(file)}`;

  function deviceQueue(options: Partial<TargetOptions>) {
    const root = freshDir('runs');
    const seen = (id: string): string => join(root, `${id}.cvd`);
    const specs: FixtureJobSpec[] = [
      { id: 'cpu', node: 'n', command: probe(seen('cpu')) },
      { id: 'one', node: 'n', command: probe(seen('one')), resources: { gpus: 1 } },
      { id: 'two', node: 'n', command: probe(seen('two')), resources: { gpus: 2 } },
    ];
    const outDir = emit(fixtureGraph({ root, workdir: base }, specs), options);
    return { outDir, seen: (id: string) => readFileSync(seen(id), 'utf8').trim() };
  }

  test('--devices: a GPU job sees as many leased devices as it asks for, a CPU job none', () => {
    const { outDir, seen } = deviceQueue({ devices: ['3', '5', '7'] });
    assert.equal(runScript(outDir).status, 0);
    assert.deepEqual(['cpu', 'one', 'two'].map(seen), ['[]', '[3]', '[3,5]']);
  });

  test('two queues at once on one device never share it', async () => {
    const lockDir = join(base, `shared-locks${scratch.counter}`);
    const record = freshDir('leases');
    const queues = [0, 1].map((q) => {
      const specs: FixtureJobSpec[] = [0, 1, 2].map((i) => ({
        id: `g${q}${i}`,
        node: 'n',
        resources: { gpus: 1 },
        command: `s=$(date +%s%N); sleep 0.2; e=$(date +%s%N); echo "$CUDA_VISIBLE_DEVICES $s $e" > ${record}/${q}${i}`,
      }));
      return emit(fixtureGraph({ root: freshDir('runs'), workdir: base }, specs), { devices: ['0'] });
    });
    const runs = queues.map((outDir) => {
      const child = spawn('sh', [join(outDir, 'run.sh')], { cwd: base, stdio: 'ignore', env: runEnv({ GWC_LOCK_DIR: lockDir }) });
      return once(child, 'exit') as Promise<[number | null]>;
    });
    for (const [code] of await Promise.all(runs)) assert.equal(code, 0);
    const leases = readdirSync(record).map((f) => {
      const [device, start, end] = readFileSync(join(record, f), 'utf8').trim().split(' ');
      return { device, start: BigInt(start as string), end: BigInt(end as string) };
    });
    assert.equal(leases.length, 6);
    for (const a of leases) {
      assert.equal(a.device, '0');
      for (const b of leases) if (a !== b) assert.ok(a.end <= b.start || b.end <= a.start, 'two jobs held device 0 at once');
    }
  });

  /** A directory holding a fake nvidia-smi: GPUs 0, 1, 2 with a process on GPU 1. */
  function fakeNvidiaSmi(body?: string): string {
    const dir = freshDir('fake-bin');
    const script = body ?? [
      '#!/bin/sh',
      'case "$*" in',
      "  *--query-gpu=index,uuid*) printf '0, GPU-aaa\\n1, GPU-bbb\\n2, GPU-ccc\\n' ;;",
      "  *--query-compute-apps=gpu_uuid*) printf 'GPU-bbb\\n' ;;",
      '  *) exit 2 ;;',
      'esac',
    ].join('\n');
    writeFileSync(join(dir, 'nvidia-smi'), `${script}\n`, { mode: 0o755 });
    return dir;
  }

  test('--devices auto leases the GPUs nvidia-smi shows idle', () => {
    const { outDir, seen } = deviceQueue({ devicesAuto: true });
    const result = runScript(outDir, { PATH: `${fakeNvidiaSmi()}:${process.env.PATH ?? ''}`, CUDA_VISIBLE_DEVICES: '9' });
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(['cpu', 'one', 'two'].map(seen), ['[]', '[0]', '[0,2]']);
  });

  const FALLBACKS: [string, string | undefined][] = [
    ['nvidia-smi is missing', undefined],
    ['nvidia-smi fails', "#!/bin/sh\necho 'No devices were found'\nexit 6"],
  ];
  for (const [name, body] of FALLBACKS) {
    test(`--devices auto falls back to no devices when ${name}`, () => {
      const { outDir, seen } = deviceQueue({ devicesAuto: true });
      const path = body === undefined ? (process.env.PATH ?? '') : `${fakeNvidiaSmi(body)}:${process.env.PATH ?? ''}`;
      const result = runScript(outDir, { PATH: path, CUDA_VISIBLE_DEVICES: '9' });
      assert.equal(result.status, 0, result.stderr);
      assert.deepEqual(['cpu', 'one', 'two'].map(seen), ['[9]', '[9]', '[9]']);
    });
  }
});
