import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { describe, test } from 'node:test';
import type { JobGraph } from '../../../../src/graph/job-graph.js';
import { tmuxTarget, validateTmux } from '../../../../src/targets/tmux/index.js';
import { JOBS_HEADER, scriptView } from '../../../../src/targets/tmux/view-model.js';
import type { EmittedFile, TargetOptions } from '../../../../src/targets/target.js';
import { fixtureGraph, fixtureOptions, pipelineGraph } from '../../../helpers/fixture-graph.js';
import { assertGolden, fileText } from '../../../helpers/golden.js';


function fileOf(graph: JobGraph, path: string, options: TargetOptions = fixtureOptions()): string {
  const file = tmuxTarget.emit(graph, options).find((f) => f.path === path);
  assert.ok(file, `emits ${path}`);
  return fileText(file);
}

/** One parsed line of the job table, with the byte offset it starts at. */
interface TableLine {
  readonly offset: number;
  readonly ndeps: number;
  readonly successors: readonly { offset: number; ndeps: number }[];
  readonly id: string;
}

/** Parses the job table the way the worker reads it: by byte offsets. */
function parseTable(table: string): { lines: TableLine[]; roots: number[]; bytes: Buffer } {
  const bytes = Buffer.from(table, 'utf8');
  const lines: TableLine[] = [];
  let roots: number[] = [];
  let offset = Buffer.byteLength(JOBS_HEADER);
  assert.ok(table.startsWith(JOBS_HEADER));
  for (const line of table.slice(JOBS_HEADER.length).split('\n').slice(0, -1)) {
    if (line.startsWith('R')) {
      roots = line.split(' ').slice(1).map(Number);
    } else {
      const [ndeps, successors, id] = line.split(' ') as [string, string, string];
      const pairs = successors === '-' ? [] : successors.split(',').map((p) => p.split(':').map(Number) as [number, number]);
      lines.push({ offset, ndeps: Number(ndeps), successors: pairs.map(([o, n]) => ({ offset: o, ndeps: n })), id });
    }
    offset += Buffer.byteLength(line) + 1;
  }
  return { lines, roots, bytes };
}

describe('tmux target', () => {
  const options = fixtureOptions({ devices: ['0', '1'], preamble: "source 'venv/bin/activate'\nexport X=1", queueName: 'gwc' });
  for (const path of ['gwc-tmux.sh', 'gwc-tmux-worker.sh', 'gwc-tmux-jobs.txt']) {
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
        ['gwc-tmux-jobs.txt', false],
        ['gwc-run.sh', true],
      ],
    );
  });

  test('--run=1 starts the workers and waits for them', () => {
    assert.deepEqual(tmuxTarget.runCommand(fixtureOptions()), ['bash', 'gwc-tmux.sh', 'start', '--wait']);
  });

  test('the job table: every offset starts the line of the job it names, with its dependency count', () => {
    const graph = pipelineGraph();
    const { lines, roots, bytes } = parseTable(fileOf(graph, 'gwc-tmux-jobs.txt'));
    const byOffset = new Map(lines.map((line) => [line.offset, line]));
    assert.deepEqual(lines.map((l) => l.id), graph.jobs.map((j) => j.id).reverse(), 'reverse topological order');
    for (const line of lines) {
      assert.equal(bytes.subarray(line.offset, line.offset + line.id.length + 40).toString('utf8').split(' ')[2], line.id);
      const job = graph.jobs.find((j) => j.id === line.id);
      assert.equal(line.ndeps, job?.deps.length);
      const successors = line.successors.map((s) => {
        const next = byOffset.get(s.offset);
        assert.ok(next, `offset ${s.offset} starts a line`);
        assert.equal(s.ndeps, next.ndeps);
        return next.id;
      });
      assert.deepEqual(successors, graph.jobs.filter((j) => j.deps.includes(line.id)).map((j) => j.id));
    }
    assert.deepEqual(roots.map((o) => byOffset.get(o)?.id), graph.jobs.filter((j) => j.deps.length === 0).map((j) => j.id));
  });

  test('offsets count bytes, not characters, so non-ASCII commands do not shift them', () => {
    const graph = fixtureGraph({ root: '/r', workdir: '/w' }, [
      { id: 'a', node: 'n', command: 'echo Zürich 東京 🎉' },
      { id: 'b', node: 'n', deps: ['a'], command: 'echo ✓' },
      { id: 'c', node: 'n', deps: ['a', 'b'] },
    ]);
    const { lines, roots, bytes } = parseTable(fileOf(graph, 'gwc-tmux-jobs.txt'));
    for (const line of lines) assert.ok(bytes.subarray(line.offset).toString('utf8').startsWith(`${line.ndeps} `));
    const a = lines.find((l) => l.id === 'a') as TableLine;
    assert.deepEqual(roots, [a.offset]);
    assert.deepEqual(a.successors.map((s) => s.ndeps), [1, 2]);
  });

  test('a graph without jobs has an empty roots line and no workers', () => {
    const graph = fixtureGraph({ root: '/r', workdir: '/w' }, []);
    assert.equal(fileOf(graph, 'gwc-tmux-jobs.txt'), `${JOBS_HEADER}R\n`);
    assert.equal(scriptView(graph, fixtureOptions()).workers, 0);
  });

  test('the job table is re-iterable and streamed in bounded chunks', () => {
    const specs = Array.from({ length: 3000 }, (_, i) => ({ id: `job_${i}`, node: 'n', ...(i ? { deps: ['job_0'] } : {}) }));
    const file = tmuxTarget.emit(fixtureGraph({ root: '/r', workdir: '/w' }, specs), fixtureOptions())[2] as EmittedFile;
    assert.equal(typeof file.content, 'object');
    const first = [...file.content];
    assert.deepEqual([...file.content], first);
    assert.ok(first.length > 3, `only ${first.length} chunks`);
    for (const chunk of first.slice(0, -1)) assert.ok(chunk.length < 1 << 17, `chunk of ${chunk.length} characters`);
    assert.equal(parseTable(first.join('')).lines.length, 3000);
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
