import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CHUNK_BYTES } from '../../../../src/targets/shared/chunks.js';
import type { JobGraph } from '../../../../src/graph/job-graph.js';
import { tmuxTarget, validateTmux } from '../../../../src/targets/tmux/index.js';
import { ROOTS_FILE, TABLE_CHUNK, chunkPath, scriptView } from '../../../../src/targets/tmux/view-model.js';
import type { EmittedFile, TargetOptions } from '../../../../src/targets/target.js';
import { fixtureGraph, fixtureOptions, pipelineGraph } from '../../../helpers/fixture-graph.js';
import { assertGolden, fileText } from '../../../helpers/golden.js';


function fileOf(graph: JobGraph, path: string, options: TargetOptions = fixtureOptions()): string {
  const file = tmuxTarget.emit(graph, options).find((f) => f.path === path);
  assert.ok(file, `emits ${path}`);
  return fileText(file);
}

/** One parsed line of the job table; its index is its place in the table. */
interface TableLine {
  readonly index: number;
  readonly ndeps: number;
  readonly successors: readonly { index: number; ndeps: number }[];
  readonly id: string;
}

/** Parses the job table the way the worker reads it: job i is line i % CHUNK of chunk i / CHUNK. */
function parseTable(files: readonly EmittedFile[]): { lines: TableLine[]; roots: number[] } {
  const lines: TableLine[] = [];
  for (let n = 0; ; n += 1) {
    const file = files.find((f) => f.path === chunkPath(n));
    if (!file) break;
    const text = fileText(file);
    const rows = text.split('\n').slice(0, -1);
    assert.ok(rows.length === TABLE_CHUNK || !files.some((f) => f.path === chunkPath(n + 1)), 'only the last chunk is short');
    for (const row of rows) {
      const [ndeps, successors, id] = row.split(' ') as [string, string, string];
      const pairs = successors === '-' ? [] : successors.split(',').map((p) => p.split(':').map(Number) as [number, number]);
      lines.push({ index: lines.length, ndeps: Number(ndeps), successors: pairs.map(([i, k]) => ({ index: i, ndeps: k })), id });
    }
  }
  const rootsFile = files.find((f) => f.path === ROOTS_FILE);
  assert.ok(rootsFile, 'emits the roots file');
  const roots = fileText(rootsFile).split('\n').slice(0, -1).map(Number);
  return { lines, roots };
}

describe('tmux target', () => {
  const options = fixtureOptions({ devices: ['0', '1'], preamble: "source 'venv/bin/activate'\nexport X=1", queueName: 'gwc' });
  for (const path of ['gwc-tmux.sh', 'gwc-tmux-worker.sh', chunkPath(0), ROOTS_FILE]) {
    test(`${path} of the fixture graph matches its golden byte for byte`, () => {
      assertGolden(`tmux/basic/${path}`, fileOf(pipelineGraph(), path, options));
    });
  }

  test('emits the driver, the worker, the job table and the runner', () => {
    assert.deepEqual(
      tmuxTarget.emit(pipelineGraph(), fixtureOptions()).map((f) => [f.path, f.executable ?? false]),
      [
        ['gwc-tmux.sh', true],
        ['gwc-tmux-worker.sh', true],
        [chunkPath(0), false],
        [ROOTS_FILE, false],
        ['gwc-run.sh', true],
      ],
    );
  });

  test('--run=1 starts the workers and waits for them', () => {
    assert.deepEqual(tmuxTarget.runCommand(fixtureOptions()), ['bash', 'gwc-tmux.sh', 'start', '--wait']);
  });

  test('the job table: every successor index names the line of that job, with its dependency count', () => {
    const graph = pipelineGraph();
    const { lines, roots } = parseTable(tmuxTarget.emit(graph, fixtureOptions()));
    assert.deepEqual(lines.map((l) => l.id), graph.jobs.map((j) => j.id), 'topological order');
    for (const line of lines) {
      const job = graph.jobs.find((j) => j.id === line.id);
      assert.equal(line.ndeps, job?.deps.length);
      const successors = line.successors.map((s) => {
        const next = lines[s.index];
        assert.ok(next, `index ${s.index} names a line`);
        assert.equal(s.ndeps, next.ndeps);
        return next.id;
      });
      assert.deepEqual(successors, graph.jobs.filter((j) => j.deps.includes(line.id)).map((j) => j.id));
    }
    assert.deepEqual(roots.map((i) => lines[i]?.id), graph.jobs.filter((j) => j.deps.length === 0).map((j) => j.id));
  });

  test('a graph without jobs has no chunk, an empty roots file and no workers', () => {
    const graph = fixtureGraph({ root: '/r', workdir: '/w' }, []);
    const files = tmuxTarget.emit(graph, fixtureOptions());
    assert.equal(files.some((f) => f.path === chunkPath(0)), false);
    assert.equal(fileText(files.find((f) => f.path === ROOTS_FILE) as EmittedFile), '');
    assert.equal(scriptView(graph, fixtureOptions()).workers, 0);
  });

  test('a big table is split in chunks of TABLE_CHUNK lines, each re-iterable and streamed in bounded pieces', () => {
    const specs = Array.from({ length: 2500 }, (_, i) => ({ id: `job_${i}`, node: 'n', ...(i ? { deps: ['job_0'] } : {}) }));
    const files = tmuxTarget.emit(fixtureGraph({ root: '/r', workdir: '/w' }, specs), fixtureOptions());
    assert.deepEqual(files.filter((f) => f.path.startsWith('gwc-tmux-jobs/0')).map((f) => f.path), [chunkPath(0), chunkPath(1), chunkPath(2)]);
    const file = files.find((f) => f.path === chunkPath(0)) as EmittedFile;
    assert.equal(typeof file.content, 'object');
    const first = [...file.content];
    assert.deepEqual([...file.content], first);
    for (const chunk of first) assert.ok(chunk.length <= CHUNK_BYTES, `chunk of ${chunk.length} bytes`);
    const { lines, roots } = parseTable(files);
    assert.equal(lines.length, 2500);
    assert.deepEqual(roots, [0]);
    assert.equal(lines[0]?.successors.length, 2499);
  });

  const WORKERS: [string, number, number, number][] = [
    ['fewer jobs than workers', 8, 3, 3],
    ['more jobs than workers', 2, 10, 2],
    ['one worker', 1, 10, 1],
  ];
  for (const [name, workers, jobs, sessions] of WORKERS) {
    test(`sessions: ${name}`, () => {
      const specs = Array.from({ length: jobs }, (_, i) => ({ id: `j${i}`, node: 'n' }));
      const view = scriptView(fixtureGraph({ root: '/r', workdir: '/w' }, specs), fixtureOptions({ workers }));
      assert.equal(view.workers, sessions);
      assert.equal(view.total, jobs);
    });
  }

  test('devices and preamble are defaults the environment may override, quoted for bash', () => {
    const driver = fileOf(pipelineGraph(), 'gwc-tmux.sh', fixtureOptions({ devices: ['0', '3'], preamble: "a 'b'\n$c" }));
    assert.match(driver, /^if \[ -z "\$\{GWC_DEVICES\+set\}" \]; then export GWC_DEVICES=0,3; fi$/m);
    assert.ok(driver.includes(`then export GWC_PREAMBLE='a '\\''b'\\'''$'\\n''$c'; fi\n`));
    const plain = fileOf(pipelineGraph(), 'gwc-tmux.sh');
    assert.doesNotMatch(plain, /export GWC_(DEVICES|PREAMBLE)/);
  });

  test('sessions are named cmdq_<queue>_NNN', () => {
    const driver = fileOf(pipelineGraph(), 'gwc-tmux.sh', fixtureOptions({ queueName: 'secondary-eval' }));
    assert.match(driver, /^QUEUE_NAME=secondary-eval\nSESSION_PREFIX=cmdq_\$\{QUEUE_NAME\}_$/m);
  });
});

describe('validateTmux', () => {
  const graph = fixtureGraph({ root: '/r', workdir: '/w' }, [{ id: 'a', node: 'n' }]);
  const QUEUES: [string, boolean][] = [
    ['schedule-eval', true],
    ['a.b', false],
    ['a:b', false],
    ['a b', false],
  ];
  for (const [queueName, ok] of QUEUES) {
    test(`queue name ${queueName}`, () => {
      const diagnostics = validateTmux(graph, fixtureOptions({ queueName }));
      assert.deepEqual(diagnostics.map((d) => d.message), ok ? [] : [`the tmux target cannot name sessions after queue "${queueName}"`]);
      for (const d of diagnostics) {
        assert.equal(d.code, 'E_OPTION');
        assert.ok(d.expected && d.hint);
      }
    });
  }

  test('a job id that cannot name a file is reported once', () => {
    const bad = fixtureGraph({ root: '/r', workdir: '/w' }, [
      { id: 'a b', node: 'n' },
      { id: 'c/d', node: 'n' },
    ]);
    assert.deepEqual(validateTmux(bad, fixtureOptions()).map((d) => [d.code, d.message]), [
      ['E_OPTION', 'the tmux target cannot name a status file after job "a b"'],
    ]);
  });

  test('the target exposes the same validation', () => {
    assert.deepEqual(tmuxTarget.validate?.(graph, fixtureOptions({ queueName: 'x.y' })), validateTmux(graph, fixtureOptions({ queueName: 'x.y' })));
  });
});
