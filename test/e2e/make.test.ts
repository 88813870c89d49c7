import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import type { JobGraph } from '../../src/graph/job-graph.js';
import { makeVariableValue, NEWLINE_VARIABLE, EMPTY_VARIABLE } from '../../src/targets/make/escape.js';
import { makeTarget } from '../../src/targets/make/index.js';
import { shellQuote } from '../../src/targets/shared/shell-quote.js';
import type { TargetOptions } from '../../src/targets/target.js';
import { toJson } from '../../src/values/py-format.js';
import { fixtureGraph, fixtureOptions, type FixtureJobSpec } from '../helpers/fixture-graph.js';
import type { RecordedCall } from '../helpers/record-argv.js';
import { HOSTILE_VALUES } from '../helpers/hostile-values.js';
import { emitToDisk } from '../helpers/emit-to-disk.js';
import { Scratch, logLines, logPipelineSpecs } from '../helpers/scratch.js';
import { compileText } from '../helpers/compile-text.js';

const RECORDER = fileURLToPath(new URL('../helpers/record-argv.js', import.meta.url));

const scratch = new Scratch('gwc-make-');
const { base } = scratch;
const freshDir = (name: string): string => scratch.freshDir(name);

/** Writes what the target emitted, as the CLI would. */
function writeEmitted(graph: JobGraph, options: TargetOptions): void {
  emitToDisk(makeTarget, graph, options);
}

function make(outDir: string, args: readonly string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, GWC_LOCK_DIR: join(base, 'locks') };
  delete env.GWC_DEVICES;
  delete env.GWC_PREAMBLE;
  delete env.MAKEFLAGS;
  const result = spawnSync('make', args, { cwd: outDir, encoding: 'utf8', env });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function setUpPipeline(failing?: string) {
  const root = freshDir('runs');
  const outDir = freshDir('out');
  const log = join(base, `log${scratch.counter}`);
  const graph = fixtureGraph({ root, workdir: base }, logPipelineSpecs(log, { failing }));
  writeEmitted(graph, fixtureOptions({ outDir }));
  return { graph, outDir, log };
}


describe('make target, run by GNU make', () => {
  test('make -j2 runs every job once, dependencies first, and writes every marker', () => {
    const { graph, outDir, log } = setUpPipeline();
    const result = make(outDir, ['-j2']);
    assert.equal(result.status, 0, result.stderr);
    const ran = logLines(log);
    assert.deepEqual([...ran].sort(), graph.jobs.map((j) => j.id).sort());
    for (const job of graph.jobs) {
      assert.ok(existsSync(job.marker), `${job.id} has a marker`);
      for (const dep of job.deps) assert.ok(ran.indexOf(dep) < ran.indexOf(job.id), `${dep} ran before ${job.id}`);
    }
  });

  test('a second make -j2 runs no job', () => {
    const { outDir, log } = setUpPipeline();
    assert.equal(make(outDir, ['-j2']).status, 0);
    const second = make(outDir, ['-j2']);
    assert.equal(second.status, 0, second.stderr);
    assert.equal(logLines(log).length, 10);
    assert.equal(second.stdout + second.stderr, "make: Nothing to be done for 'all'.\n", 'make itself finds every marker up to date');
  });

  test('job dirs are made by one recipe per node, which leaves a stamp beside the Makefile', () => {
    const { graph, outDir } = setUpPipeline();
    assert.equal(make(outDir, ['-j2']).status, 0);
    assert.deepEqual(readdirSync(outDir).filter((name) => name.startsWith('.gwc-dir')).sort(), ['.gwc-dirs-evaluate', '.gwc-dirs-predict', '.gwc-dirs-track']);
    for (const job of graph.jobs) assert.ok(existsSync(job.marker), job.id);
  });

  test('a job whose dir went after its node\'s stamp was made runs again and gets its dir back', () => {
    const { graph, outDir, log } = setUpPipeline();
    assert.equal(make(outDir, ['-j2']).status, 0);
    const gone = graph.jobs.find((j) => j.id === 'p1a') as (typeof graph.jobs)[number];
    rmSync(gone.dir, { recursive: true });
    const again = make(outDir, ['-j2']);
    assert.equal(again.status, 0, again.stderr);
    assert.ok(existsSync(gone.marker), 'the runner made the dir and the marker');
    // Its dependent's recipe runs too (a newer prerequisite), but the runner finds that job's marker valid.
    assert.deepEqual(logLines(log).slice(10), ['p1a']);
  });

  test('make <node> runs that node and what it needs, nothing downstream', () => {
    const { outDir, log } = setUpPipeline();
    assert.equal(make(outDir, ['-j2', 'track']).status, 0);
    assert.deepEqual(logLines(log).sort(), ['p0', 'p0a', 'p0b', 'p1', 'p1a', 'p1b']);
  });

  test('make -k: a failed job stops its descendants, unrelated jobs still run', () => {
    const { outDir, log } = setUpPipeline('p0');
    const result = make(outDir, ['-k', '-j2']);
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /gwc: p0 failed with exit code 1/);
    assert.deepEqual(logLines(log).sort(), ['p0', 'p1', 'p1a', 'p1ae', 'p1b', 'p1be']);
  });

  test('a job marked done whose marker is current is not rerun; a to_run job with a stale marker is', () => {
    const root = freshDir('runs');
    const outDir = freshDir('out');
    const log = join(base, `log${scratch.counter}`);
    const specs: FixtureJobSpec[] = [
      { id: 'done1', node: 'n', command: `echo done1 >> ${log}`, status: 'done' },
      { id: 'stale1', node: 'n', command: `echo stale1 >> ${log}`, staleMarker: true },
    ];
    const graph = fixtureGraph({ root, workdir: base }, specs);
    for (const job of graph.jobs) {
      mkdirSync(job.dir, { recursive: true });
      const fp = job.id === 'done1' ? job.fingerprint : 'stale';
      writeFileSync(job.marker, `{"process_id": "${job.id}", "fingerprint": "${fp}", "adopted": false}\n`);
    }
    writeEmitted(graph, fixtureOptions({ outDir }));
    assert.equal(make(outDir, ['-j2']).status, 0);
    assert.deepEqual(logLines(log), ['stale1']);
  });
});

/** Values that break naive quoting somewhere between TS, make, sh and the runner. */
const HOSTILE = HOSTILE_VALUES;

describe('hostile values through make', () => {
  test('the job argv, job_config.json and invoke.sh arrive byte-identical', () => {
    const root = freshDir('runs');
    const outDir = freshDir('out');
    const record = join(base, `record${scratch.counter}.json`);
    const command = [process.execPath, RECORDER, record, ...HOSTILE].map(shellQuote).join(' ');
    const config = Object.fromEntries(HOSTILE.map((value, i) => [`n.k${i}${i % 5 === 0 ? value.slice(0, 9) : ''}`, value]));
    const graph = fixtureGraph({ root, workdir: base }, [{ id: 'job', node: 'n', command, config }]);
    const preamble = "GWC_TEST_PRE=' lead # $HOME \\ %s'\n export GWC_TEST_PRE # ends with \\";
    writeEmitted(graph, fixtureOptions({ outDir, preamble, devices: ['0'] }));

    const result = make(outDir, ['-j2']);
    assert.equal(result.status, 0, result.stderr);
    const call = JSON.parse(readFileSync(record, 'utf8')) as RecordedCall;
    assert.deepEqual(call.argv, HOSTILE);
    assert.equal(call.cwd, base);
    assert.deepEqual(call.env, {
      CUDA_VISIBLE_DEVICES: '',
      GWC_PREAMBLE: preamble,
      GWC_DEVICES: '0',
      GWC_TEST_PRE: ' lead # $HOME \\ %s',
    });
    const job = graph.jobs[0]!;
    assert.equal(readFileSync(join(job.dir, 'job_config.json'), 'utf8'), `${toJson(config)}\n`);
    assert.ok(readFileSync(join(job.dir, 'invoke.sh'), 'utf8').endsWith(`# Root node\n${command}\n`));
  });

  test('job_config.json is byte-identical when hostile values reach it from an upstream job, through the shared variables', () => {
    const root = freshDir('runs');
    const outDir = freshDir('out');
    const pipeline = `nodes:\n  up:\n    command: "true"\n    outputs: {out: o.txt}\n    params: {v: 0}\n  down:\n    command: "true"\n    inputs: {src: {from: up.out}}\n    params: {k: 0}\n`;
    const grid = `matrix:\n  up.v: [${HOSTILE.map((v) => JSON.stringify(v)).join(', ')}]\n  down.k: [1, 2, 3]\n`;
    const built = compileText(pipeline, grid, { root, workdir: base });
    assert.ok(built.value, built.diagnostics.map((d) => d.message).join('\n'));
    const graph = built.value;
    writeEmitted(graph, fixtureOptions({ outDir }));
    const makefile = readFileSync(join(outDir, 'Makefile'), 'utf8');
    assert.match(makefile, /^GWC_CFG_\d+ = /m, 'some inherited config is shared');
    assert.match(makefile, /^GWC_UP_\d+ = /m, 'some upstream words are shared');
    const result = make(outDir, ['-j2']);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(graph.jobs.length, HOSTILE.length * 4);
    for (const job of graph.jobs) {
      assert.equal(readFileSync(join(job.dir, 'job_config.json'), 'utf8'), `${job.configJson}\n`, job.id);
      assert.ok(readFileSync(join(job.dir, 'invoke.sh'), 'utf8').endsWith(`\n${job.command}\n`), job.id);
    }
  });

  test('make variable values expand to exactly the given text', () => {
    const dir = freshDir('vars');
    const values = HOSTILE.filter((v) => v.length < 100);
    const assignments = values.map((v, i) => `export V${i} ?= ${makeVariableValue(v).text}\n`).join('');
    const recipe = values.map((_, i) => `\t@printf '%s\\0' "$$V${i}" >> out\n`).join('');
    writeFileSync(join(dir, 'Makefile'), `${EMPTY_VARIABLE}${NEWLINE_VARIABLE}${assignments}all:\n${recipe}`);
    const result = make(dir, []);
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(readFileSync(join(dir, 'out'), 'utf8').split('\0').slice(0, -1), values);
  });
});
