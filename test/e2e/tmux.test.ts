/**
 * The tmux target run by real tmux, detached, with no terminal: every test drives the emitted
 * gwc-tmux.sh as a user would. All sessions live on a private tmux server (GWC_TMUX_SOCKET) so a
 * user's own server is never touched; each test uses its own queue name and directories.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { JobGraph } from '../../src/graph/job-graph.js';
import { shellQuote } from '../../src/targets/shared/shell-quote.js';
import type { TargetOptions } from '../../src/targets/target.js';
import { tmuxTarget } from '../../src/targets/tmux/index.js';
import { toJson } from '../../src/values/py-format.js';
import { fixtureGraph, fixtureOptions, type FixtureJobSpec } from '../helpers/fixture-graph.js';
import type { RecordedCall } from '../helpers/record-argv.js';
import { HOSTILE } from '../unit/targets/tmux/hostile-values.js';
import { emitToDisk } from '../helpers/emit-to-disk.js';
import { isRunning, readPidFile } from '../helpers/processes.js';
import { Scratch } from '../helpers/scratch.js';

const RECORDER = fileURLToPath(new URL('../helpers/record-argv.js', import.meta.url));
const SOCKET = `gwc-test-${process.pid}`;
/** A guard so a hung queue fails the test instead of the suite; no test measures time. */
const GUARD_MS = 180_000;

// Sessions left by a failed test end before their dir is removed.
const scratch = new Scratch('gwc-tmux-', () => {
  for (const name of tmux('list-sessions', '-F', '#{session_name}').stdout.split('\n').filter(Boolean)) {
    tmux('kill-session', '-t', `=${name}`);
  }
});
const { base } = scratch;

function tmux(...args: string[]) {
  return spawnSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8', env: driverEnv() });
}

const freshDir = (name: string): string => scratch.freshDir(name);

/** Writes what the target emitted, as the CLI would. */
function writeEmitted(graph: JobGraph, options: TargetOptions): void {
  emitToDisk(tmuxTarget, graph, options);
}

/** The driver's environment: no terminal, nothing inherited that changes the runner. */
function driverEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GWC_LOCK_DIR: join(base || tmpdir(), 'locks'), GWC_TMUX_SOCKET: SOCKET };
  for (const name of ['GWC_DEVICES', 'GWC_PREAMBLE', 'TMUX', 'TMUX_PANE', 'TERM']) delete env[name];
  return { ...env, ...extra };
}

/** Runs `bash gwc-tmux.sh ARGS` in its own session (setsid): no controlling terminal at all. */
function driver(outDir: string, args: readonly string[], extra: NodeJS.ProcessEnv = {}) {
  const result = spawnSync('setsid', ['-w', 'bash', join(outDir, 'gwc-tmux.sh'), ...args], {
    cwd: base,
    encoding: 'utf8',
    env: driverEnv(extra),
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: GUARD_MS,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function sessions(queue: string): string[] {
  return tmux('list-sessions', '-F', '#{session_name}')
    .stdout.split('\n')
    .filter((name) => name.startsWith(`cmdq_${queue}_`))
    .sort();
}

async function waitFor(what: string, ready: () => boolean): Promise<void> {
  for (let waited = 0; waited < GUARD_MS; waited += 50) {
    if (ready()) return;
    await sleep(50);
  }
  assert.fail(`timed out waiting for ${what}`);
}

const lines = (file: string): string[] => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);

/** The pids the blocking jobs wrote to the queue's pids dir. */
const blockingPids = (q: Queue): Promise<number[]> => Promise.all(readdirSync(q.pids).map((f) => readPidFile(join(q.pids, f))));

/** A queue of fixture jobs in fresh directories; `started` and `done` log each job's start and end. */
interface Queue {
  readonly graph: JobGraph;
  readonly outDir: string;
  readonly started: string;
  readonly done: string;
  /** While this file is missing, blocking jobs wait (and write their pid to pids/<id>). */
  readonly go: string;
  readonly pids: string;
  readonly name: string;
}

type Behaviour = 'ok' | 'fail' | 'kill9' | 'block';

function setUpQueue(specs: readonly (Omit<FixtureJobSpec, 'command'> & { behaviour?: Behaviour })[], options: Partial<TargetOptions> = {}): Queue {
  const dir = freshDir('queue');
  const q: Omit<Queue, 'graph'> = {
    outDir: join(dir, 'out'),
    started: join(dir, 'started.log'),
    done: join(dir, 'done.log'),
    go: join(dir, 'go'),
    pids: join(dir, 'pids'),
    name: `q${scratch.counter}`,
  };
  mkdirSync(q.pids);
  const command = (id: string, behaviour: Behaviour = 'ok'): string => {
    const steps = [`echo ${id} >> ${q.started}`];
    if (behaviour === 'block') steps.push(`echo $$ > ${q.pids}/${id}`, `while [ ! -e ${q.go} ]; do sleep 0.05; done`);
    if (behaviour === 'fail') steps.push('exit 1');
    if (behaviour === 'kill9') steps.push('kill -9 $$');
    steps.push(`echo ${id} >> ${q.done}`);
    return steps.join('; ');
  };
  const graph = fixtureGraph(
    { root: join(dir, 'runs'), workdir: dir },
    specs.map(({ behaviour, ...spec }) => ({ ...spec, command: command(spec.id, behaviour) })),
  );
  writeEmitted(graph, fixtureOptions({ outDir: q.outDir, queueName: q.name, workers: 2, ...options }));
  return { ...q, graph };
}

/** predict → track → evaluate: 2/4/4 jobs; `behaviours` changes some of them. */
function pipeline(behaviours: Readonly<Record<string, Behaviour>> = {}) {
  const specs: (FixtureJobSpec & { behaviour?: Behaviour })[] = [];
  const add = (id: string, node: string, deps: string[] = []) => {
    const behaviour = behaviours[id];
    specs.push({ id, node, deps, ...(behaviour ? { behaviour } : {}) });
  };
  for (const p of ['p0', 'p1']) add(p, 'predict');
  for (const p of ['p0', 'p1']) for (const t of ['a', 'b']) add(`${p}${t}`, 'track', [p]);
  for (const p of ['p0', 'p1']) for (const t of ['a', 'b']) add(`${p}${t}e`, 'evaluate', [`${p}${t}`]);
  return specs;
}

const P0_FAMILY = ['p0', 'p0a', 'p0ae', 'p0b', 'p0be'];
const P1_FAMILY = ['p1', 'p1a', 'p1ae', 'p1b', 'p1be'];

function jobInfo(q: Queue, kind: 'passed' | 'failed' | 'skipped'): string[] {
  return readdirSync(join(q.outDir, 'job_info', kind)).map((f) => f.replace(/\.(pass|fail|skip)$/, '')).sort();
}

function markerOf(q: Queue, id: string): string {
  return join(q.graph.jobs.find((j) => j.id === id)?.dir ?? assert.fail(id), '.gwc-done');
}

/** The pid of the worker whose current job is `id`, from queue/workers/NNN.{job,pid}. */
function workerRunning(q: Queue, id: string): number | undefined {
  const dir = join(q.outDir, 'queue', 'workers');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.job'))) {
    if (readFileSync(join(dir, file), 'utf8').trim().endsWith(` ${id}`)) {
      return Number(readFileSync(join(dir, file.replace(/\.job$/, '.pid')), 'utf8'));
    }
  }
  return undefined;
}

describe('tmux target, run by real tmux without a terminal', () => {
  test('status and wait before any start say so', () => {
    const q = setUpQueue(pipeline());
    const status = driver(q.outDir, ['status']);
    assert.equal(status.status, 0, status.stderr);
    assert.equal(status.stdout, `queue ${q.name}: not started (10 jobs, 2 workers)\n`);
    const waited = driver(q.outDir, ['wait']);
    assert.equal(waited.status, 1);
    assert.match(waited.stderr, /has not been started here/);
  });

  test('start --wait runs every job once, dependencies first; a second start runs nothing', () => {
    const q = setUpQueue(pipeline());
    const result = driver(q.outDir, ['start', '--wait']);
    assert.equal(result.status, 0, result.stderr + result.stdout);
    assert.match(result.stdout, /^started 2 worker\(s\) for 10 jobs: sessions cmdq_q\d+_000\.\.001$/m);
    assert.match(result.stdout, /\n10 passed, 0 failed, 0 skipped\n$/);
    const ran = lines(q.done);
    assert.deepEqual([...ran].sort(), q.graph.jobs.map((j) => j.id).sort());
    for (const job of q.graph.jobs) {
      assert.ok(existsSync(job.marker), `${job.id} has a marker`);
      for (const dep of job.deps) assert.ok(ran.indexOf(dep) < ran.indexOf(job.id), `${dep} ran before ${job.id}`);
      const stat = JSON.parse(readFileSync(join(q.outDir, 'job_info', 'status', `${job.id}.stat`), 'utf8')) as Record<string, unknown>;
      assert.deepEqual({ id: stat.id, status: stat.status, rc: stat.rc }, { id: job.id, status: 'passed', rc: 0 });
    }
    assert.deepEqual(jobInfo(q, 'passed'), q.graph.jobs.map((j) => j.id).sort());
    assert.deepEqual(sessions(q.name), [], 'workers exit when nothing is left');
    assert.ok(!existsSync(join(q.outDir, 'queue', 'env')), 'the saved environment is removed once the workers read it');

    const markers = q.graph.jobs.map((j) => statSync(j.marker).mtimeMs);
    const again = driver(q.outDir, ['start', '--wait']);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /\n10 passed, 0 failed, 0 skipped\n$/);
    assert.equal(lines(q.started).length, 10, 'no job command ran again');
    assert.deepEqual(q.graph.jobs.map((j) => statSync(j.marker).mtimeMs), markers);
  });

  test('a failing job leaves no marker, its descendants are skipped, the others run; wait exits 1', () => {
    const q = setUpQueue(pipeline({ p0: 'fail' }));
    const result = driver(q.outDir, ['start', '--wait']);
    assert.equal(result.status, 1, result.stdout);
    assert.match(result.stdout, /^failed: p0 \(exit code 1\), log: job_info\/logs\/p0\.log$/m);
    assert.match(result.stdout, /\n5 passed, 1 failed, 4 skipped\n$/);
    assert.deepEqual(lines(q.started).sort(), ['p0', ...P1_FAMILY].sort());
    assert.deepEqual(lines(q.done).sort(), P1_FAMILY);
    assert.deepEqual(jobInfo(q, 'failed'), ['p0']);
    assert.deepEqual(jobInfo(q, 'skipped'), P0_FAMILY.slice(1));
    assert.deepEqual(jobInfo(q, 'passed'), P1_FAMILY);
    assert.equal(readFileSync(join(q.outDir, 'job_info', 'skipped', 'p0ae.skip'), 'utf8'), 'skipped: p0 failed\n');
    assert.match(readFileSync(join(q.outDir, 'job_info', 'logs', 'p0.log'), 'utf8'), /gwc: p0 failed with exit code 1/);
    for (const id of P0_FAMILY) assert.ok(!existsSync(markerOf(q, id)), `${id} has no marker`);
  });

  test('a job killed with -9 fails and its worker keeps going', () => {
    const q = setUpQueue(pipeline({ p0a: 'kill9' }), { workers: 1 });
    const result = driver(q.outDir, ['start', '--wait']);
    assert.equal(result.status, 1, result.stdout);
    assert.match(result.stdout, /\n8 passed, 1 failed, 1 skipped\n$/);
    assert.deepEqual(jobInfo(q, 'failed'), ['p0a']);
    assert.deepEqual(jobInfo(q, 'skipped'), ['p0ae']);
    assert.equal(readFileSync(join(q.outDir, 'job_info', 'failed', 'p0a.fail'), 'utf8'), 'exit code 137\n');
    const log = readFileSync(join(q.outDir, 'queue', 'workers', '000.log'), 'utf8');
    assert.match(log, /worker 000: failed p0a \(exit code 137\)/);
    assert.ok(log.indexOf('failed p0a') < log.lastIndexOf('passed '), 'the same worker ran jobs after it');
  });

  test('an unrelated slow job does not hold back a chain', async () => {
    const q = setUpQueue([
      { id: 'slow', node: 'n', behaviour: 'block' },
      { id: 'a', node: 'n' },
      { id: 'b', node: 'n', deps: ['a'] },
      { id: 'c', node: 'n', deps: ['b'] },
    ]);
    const started = driver(q.outDir, ['start']);
    assert.equal(started.status, 0, started.stderr);
    await waitFor('the chain a → b → c', () => existsSync(markerOf(q, 'c')));
    assert.ok(!existsSync(markerOf(q, 'slow')), 'slow is still running');
    writeFileSync(q.go, '');
    const waited = driver(q.outDir, ['wait']);
    assert.equal(waited.status, 0, waited.stderr);
    assert.match(waited.stdout, /(^|\n)4 passed, 0 failed, 0 skipped\n$/);
  });

  test('start refuses while sessions of the queue exist; --replace and kill end them', async () => {
    const q = setUpQueue([
      { id: 'b0', node: 'n', behaviour: 'block' },
      { id: 'b1', node: 'n', behaviour: 'block' },
      { id: 'c0', node: 'n', deps: ['b0'] },
      { id: 'x', node: 'n' },
    ]);
    assert.equal(driver(q.outDir, ['start']).status, 0);
    const pidFiles = () => readdirSync(q.pids).length;
    await waitFor('both blocking jobs', () => pidFiles() === 2);
    assert.deepEqual(sessions(q.name), [`cmdq_${q.name}_000`, `cmdq_${q.name}_001`], 'never more sessions than --workers');
    const status = driver(q.outDir, ['status']);
    assert.match(status.stdout, new RegExp(`^cmdq_${q.name}_00[01]  running, session up, job b0$`, 'm'));

    const refused = driver(q.outDir, ['start']);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, new RegExp(`sessions of queue ${q.name} exist already: cmdq_${q.name}_000 cmdq_${q.name}_001`));

    const firstPids = await blockingPids(q);
    rmSync(q.pids, { recursive: true });
    mkdirSync(q.pids);
    const replaced = driver(q.outDir, ['start', '--replace']);
    assert.equal(replaced.status, 0, replaced.stderr);
    assert.match(replaced.stdout, /^ended 2 session\(s\) of queue/m);
    // A hung-up job dies when it next runs: on a loaded machine, a moment after the driver returns.
    for (const pid of firstPids) await waitFor(`job ${pid} of the replaced run to stop`, () => !isRunning(pid));
    await waitFor('the blocking jobs of the new run', () => pidFiles() === 2);

    const secondPids = await blockingPids(q);
    const killed = driver(q.outDir, ['kill']);
    assert.equal(killed.status, 0, killed.stderr);
    assert.equal(killed.stdout, `ended 2 session(s) of queue ${q.name}\n`);
    assert.deepEqual(sessions(q.name), []);
    for (const pid of secondPids) await waitFor(`job ${pid} to stop`, () => !isRunning(pid));
    for (const id of ['b0', 'b1', 'c0']) assert.ok(!existsSync(markerOf(q, id)), `${id} has no marker`);

    writeFileSync(q.go, '');
    const last = driver(q.outDir, ['start', '--wait']);
    assert.equal(last.status, 0, last.stderr);
    assert.match(last.stdout, /\n4 passed, 0 failed, 0 skipped\n$/);
    assert.deepEqual(lines(q.done).sort(), ['b0', 'b1', 'c0', 'x']);
  });
});

describe('tmux with --devices', () => {
  test('each GPU job holds its own device through the lease; two jobs never share one', () => {
    const dir = freshDir('gpus');
    const log = join(dir, 'gpu.log');
    // Each job logs its device on start and end; the lease makes the second wait for the first.
    const command = (id: string) => `echo "start ${id} $CUDA_VISIBLE_DEVICES" >> ${log}; sleep 0.3; echo "end ${id} $CUDA_VISIBLE_DEVICES" >> ${log}`;
    const graph = fixtureGraph({ root: join(dir, 'runs'), workdir: dir }, [
      { id: 'g1', node: 'n', command: command('g1'), resources: { gpus: 1 } },
      { id: 'g2', node: 'n', command: command('g2'), resources: { gpus: 1 } },
      { id: 'cpu', node: 'n', command: `echo "cpu [$CUDA_VISIBLE_DEVICES]" >> ${log}` },
    ]);
    const outDir = join(dir, 'out');
    writeEmitted(graph, fixtureOptions({ outDir, devices: ['7'], queueName: `gpus${scratch.counter}`, workers: 2 }));
    const result = driver(outDir, ['start', '--wait']);
    assert.equal(result.status, 0, result.stderr + result.stdout);
    const events = lines(log).filter((l) => !l.startsWith('cpu'));
    assert.equal(events.length, 4);
    assert.ok(events.every((e) => e.endsWith(' 7')), events.join('\n'));
    const [first, second, third, fourth] = events.map((e) => e.split(' ').slice(0, 2).join(' '));
    assert.equal(second, first?.replace('start', 'end'), 'the first job ended before the other started');
    assert.equal(fourth, third?.replace('start', 'end'));
    assert.deepEqual(lines(log).filter((l) => l.startsWith('cpu')), ['cpu []'], 'a job without GPUs sees none');
  });
});

describe('tmux faults: kill -9, then rerun', () => {
  test('a worker killed with -9 mid-job: the others finish, its job fails, a rerun runs exactly what did not finish', async () => {
    const q = setUpQueue(pipeline({ p0: 'block' }));
    assert.equal(driver(q.outDir, ['start']).status, 0);
    const jobPid = await readPidFile(join(q.pids, 'p0'));
    const worker = workerRunning(q, 'p0');
    assert.ok(worker, 'a worker runs p0');
    process.kill(worker, 'SIGKILL');

    const waited = driver(q.outDir, ['wait']);
    assert.equal(waited.status, 1, waited.stdout);
    assert.match(waited.stdout, /^failed: p0 \(interrupted: worker 00[01] stopped\)/m);
    assert.match(waited.stdout, /\n5 passed, 1 failed, 4 skipped\n$/);
    await waitFor('the killed worker\'s job to stop', () => !isRunning(jobPid));
    for (const id of P0_FAMILY) assert.ok(!existsSync(markerOf(q, id)), `${id} is not marked done`);
    assert.deepEqual(lines(q.done).sort(), P1_FAMILY);

    writeFileSync(q.go, '');
    const rerun = driver(q.outDir, ['start', '--wait']);
    assert.equal(rerun.status, 0, rerun.stderr + rerun.stdout);
    assert.match(rerun.stdout, /\n10 passed, 0 failed, 0 skipped\n$/);
    assert.deepEqual(lines(q.done).sort(), [...P0_FAMILY, ...P1_FAMILY].sort(), 'each job finished exactly once');
    assert.deepEqual(lines(q.started).filter((id) => id === 'p0'), ['p0', 'p0']);
  });

  test('the whole run killed with -9: finished jobs keep their markers, a rerun runs exactly the rest', async () => {
    const q = setUpQueue([
      { id: 'q0', node: 'n' },
      { id: 'b0', node: 'n', behaviour: 'block' },
      { id: 'b1', node: 'n', behaviour: 'block' },
      { id: 'q0c', node: 'm', deps: ['q0'] },
      { id: 'b0c', node: 'm', deps: ['b0'] },
    ]);
    assert.equal(driver(q.outDir, ['start']).status, 0);
    await waitFor('both blocking jobs', () => readdirSync(q.pids).length === 2);
    const jobPids = await blockingPids(q);
    const workerPids = ['000', '001'].map((w) => Number(readFileSync(join(q.outDir, 'queue', 'workers', `${w}.pid`), 'utf8')));
    for (const pid of [...workerPids, ...jobPids]) process.kill(pid, 'SIGKILL');
    await waitFor('the sessions to end', () => sessions(q.name).length === 0);

    const waited = driver(q.outDir, ['wait']);
    assert.equal(waited.status, 1);
    assert.match(waited.stdout, /^1 passed, 0 failed, 0 skipped\n4 job\(s\) did not finish/m);
    assert.ok(existsSync(markerOf(q, 'q0')));
    for (const id of ['b0', 'b1', 'q0c', 'b0c']) assert.ok(!existsSync(markerOf(q, id)), `${id} is not marked done`);

    writeFileSync(q.go, '');
    const rerun = driver(q.outDir, ['start', '--wait']);
    assert.equal(rerun.status, 0, rerun.stderr + rerun.stdout);
    assert.match(rerun.stdout, /\n5 passed, 0 failed, 0 skipped\n$/);
    assert.deepEqual(lines(q.done).sort(), ['b0', 'b0c', 'b1', 'q0', 'q0c'], 'each job finished exactly once');
    assert.deepEqual(lines(q.started).filter((id) => id === 'q0'), ['q0'], 'the finished job did not run again');
  });
});

describe('hostile values through tmux', () => {
  test('the job argv, job_config.json and invoke.sh arrive byte-identical; jobs see the driver\'s environment', () => {
    const dir = freshDir(`hostile 'q' $x \`y\` "z" `);
    const outDir = join(dir, 'out dir $(id) #1');
    const record = join(dir, 'record.json');
    const command = [process.execPath, RECORDER, record, ...HOSTILE].map(shellQuote).join(' ');
    const config = Object.fromEntries(HOSTILE.map((value, i) => [`n.k${i}${i % 5 === 0 ? value.slice(0, 9) : ''}`, value]));
    const graph = fixtureGraph({ root: join(dir, "runs 'r'"), workdir: dir }, [{ id: 'job', node: 'n', command, config }]);
    const preamble = "GWC_TEST_PRE=' lead # $HOME \\ %s'\n export GWC_TEST_PRE # ends with \\";
    const queueName = `hostile${scratch.counter}`;
    writeEmitted(graph, fixtureOptions({ outDir, preamble, devices: ['0'], queueName }));

    // A server started with another environment: jobs must still see the driver's.
    const keeper = spawnSync('tmux', ['-L', SOCKET, 'new-session', '-d', '-s', `keeper${scratch.counter}`, 'sleep 600'], {
      env: driverEnv({ GWC_DEVICES: 'from-the-server', GWC_TEST_PRE: 'from-the-server' }),
    });
    assert.equal(keeper.status, 0, String(keeper.stderr));
    try {
      const result = driver(outDir, ['start', '--wait']);
      assert.equal(result.status, 0, result.stderr + result.stdout);
      const call = JSON.parse(readFileSync(record, 'utf8')) as RecordedCall;
      assert.deepEqual(call.argv, HOSTILE);
      assert.equal(call.cwd, dir);
      assert.deepEqual(call.env, {
        CUDA_VISIBLE_DEVICES: '',
        GWC_PREAMBLE: preamble,
        GWC_DEVICES: '0',
        GWC_TEST_PRE: ' lead # $HOME \\ %s',
      });
      const job = graph.jobs[0]!;
      assert.equal(readFileSync(join(job.dir, 'job_config.json'), 'utf8'), `${toJson(config)}\n`);
      assert.ok(readFileSync(join(job.dir, 'invoke.sh'), 'utf8').endsWith(`# Root node\n${command}\n`));

      rmSync(job.marker);
      const overridden = driver(outDir, ['start', '--wait'], { GWC_DEVICES: '', GWC_PREAMBLE: '' });
      assert.equal(overridden.status, 0, overridden.stderr);
      const again = JSON.parse(readFileSync(record, 'utf8')) as RecordedCall;
      assert.deepEqual(again.env, { CUDA_VISIBLE_DEVICES: null, GWC_PREAMBLE: '', GWC_DEVICES: '', GWC_TEST_PRE: null });
    } finally {
      tmux('kill-session', '-t', `=keeper${scratch.counter}`);
    }
  });
});
