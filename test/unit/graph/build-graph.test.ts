import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ProbeResult } from '../../../src/graph/build-graph.js';
import type { Job } from '../../../src/graph/job-graph.js';
import { compileText } from '../../helpers/compile-text.js';
import type { GraphSettings } from '../../../src/compile.js';
import { relativeTo } from '../../../src/graph/job.js';
import { posix } from 'node:path';

/** The reference's worked example (§9), verified against kwdagger. */
const PIPELINE = `
nodes:
  predict:
    command: node predict.js
    inputs:
      dataset: data/test.json
    outputs:
      heatmaps: heatmaps.json
    params:
      window: 8
      model: null
    perf_params:
      workers: 2
  track:
    command: node track.js
    inputs:
      heatmaps: {from: predict.heatmaps}
    outputs:
      sites: sites.json
    params:
      thresh: 0.5
`;
const GRID = `
matrix:
  predict.window: [8, 16]
  track.thresh: [0.1, 0.5]
`;

function table(jobs: readonly Job[]): [string, string, string][] {
  return jobs.map((j) => [j.node, j.id, j.algoId]);
}

describe('the worked example gives kwdagger ids in kwdagger order', () => {
  test('six unique jobs', () => {
    const { value: graph, diagnostics } = compileText(PIPELINE, GRID);
    assert.deepEqual(diagnostics, []);
    assert.ok(graph);
    assert.deepEqual(table(graph.jobs), [
      ['predict', 'predict_id_vpqa8zhuivpa', 'predict_algo_id_3q6dcvd0l4ax'],
      ['track', 'track_id_yg5ny96j9f34', 'track_algo_id_pah425pgwjt5'],
      ['track', 'track_id_11djukushu3c', 'track_algo_id_zol8ovdgxvfy'],
      ['predict', 'predict_id_kz509xoho8ar', 'predict_algo_id_ryv9ticlc1ek'],
      ['track', 'track_id_arc7fs7hocu3', 'track_algo_id_pah425pgwjt5'],
      ['track', 'track_id_jztnomhj9y6r', 'track_algo_id_zol8ovdgxvfy'],
    ]);
    assert.equal(graph.rowCount, 4);
  });

  test('job dirs, deps, outputs and commands', () => {
    const graph = compileText(PIPELINE, GRID).value!;
    const track = graph.jobs[1]!;
    assert.equal(track.dir, '/srv/gwc/runs/track/track_id_yg5ny96j9f34');
    assert.deepEqual(track.deps, ['predict_id_vpqa8zhuivpa']);
    assert.equal(track.outputs['sites'], '/srv/gwc/runs/track/track_id_yg5ny96j9f34/sites.json');
    assert.equal(
      track.command,
      'node track.js --thresh=0.1 --heatmaps=/srv/gwc/runs/predict/predict_id_vpqa8zhuivpa/heatmaps.json --sites=/srv/gwc/runs/track/track_id_yg5ny96j9f34/sites.json',
    );
    assert.equal(
      graph.jobs[0]!.command,
      'node predict.js --window=8 --dataset=data/test.json --heatmaps=/srv/gwc/runs/predict/predict_id_vpqa8zhuivpa/heatmaps.json --workers=2 --model=None',
    );
    assert.deepEqual(track.config, {
      'predict.window': 8n,
      'predict.dataset': 'data/test.json',
      'predict.model': null,
      'predict.workers': 2n,
      'track.thresh': 0.1,
    });
    assert.deepEqual(track.links, [
      { path: '/srv/gwc/runs/track/track_id_yg5ny96j9f34/.pred/predict/predict_id_vpqa8zhuivpa', target: '../../../../predict/predict_id_vpqa8zhuivpa' },
      { path: '/srv/gwc/runs/predict/predict_id_vpqa8zhuivpa/.succ/track/track_id_yg5ny96j9f34', target: '../../../../track/track_id_yg5ny96j9f34' },
    ]);
    assert.deepEqual(track.rows, [0]);
    assert.deepEqual(graph.jobs[0]!.rows, [0, 1]);
  });

  test('geowatch-v2 profile: hex-8 ids and the flat/ layout', () => {
    const graph = compileText(PIPELINE, GRID, { profile: 'geowatch-v2' }).value!;
    const predict = graph.jobs[0]!;
    assert.match(predict.id, /^predict_id_[0-9a-f]{8}$/);
    assert.equal(predict.dir, `/srv/gwc/runs/flat/predict/${predict.id}`);
  });
});

describe('dedup, enable and caching', () => {
  test('rows that differ only in perf params collapse with a warning naming them', () => {
    const { value: graph, diagnostics } = compileText(PIPELINE, 'matrix: {predict.workers: [2, 8]}');
    assert.equal(graph!.jobs.length, 2);
    assert.equal(diagnostics.length, 1);
    assert.equal(diagnostics[0]!.code, 'W_PERF_COLLAPSE');
    assert.match(diagnostics[0]!.found ?? '', /"workers"/);
    assert.equal(graph!.jobs[0]!.final['workers'], 2n, "the first row's value wins");
  });

  test('rows that set a perf param and rows that leave its default, in either order, each get their own value', () => {
    const GRIDS: [string, bigint[]][] = [
      ['matrix: {predict.window: [1, 2]}\ninclude: [{predict.window: 1, predict.workers: 8}]\n', [8n, 2n]],
      ['matrix: {predict.window: [1, 2, 3]}\ninclude: [{predict.window: 2, predict.workers: 8}]\n', [2n, 8n, 2n]],
    ];
    for (const [grid, workers] of GRIDS) {
      const graph = compileText(PIPELINE, grid).value!;
      const predicts = graph.jobs.filter((job) => job.node === 'predict');
      assert.deepEqual(predicts.map((job) => job.final['workers']), workers, grid);
      assert.deepEqual(predicts.map((job) => /"predict\.workers": (\d+)/.exec(job.configJson)?.[1]), workers.map(String), grid);
    }
  });

  test('a row\'s __slurm_options__ reach its job as rowOptions; the node keeps its resources and target options', () => {
    const grid = `
matrix:
  track.thresh: [0.1, 0.2]
  track.__slurm_options__: [{partition: gpu}]
`;
    const { value: graph } = compileText(PIPELINE.replace('    params:\n      thresh', '    resources: {cpus: 3}\n    slurm_options: {qos: high}\n    params:\n      thresh'), grid);
    const tracks = graph!.jobs.filter((j) => j.node === 'track');
    assert.deepEqual(tracks.map((j) => j.rowOptions), [{ slurm_options: { partition: 'gpu' } }, { slurm_options: { partition: 'gpu' } }]);
    assert.deepEqual(graph!.jobs.find((j) => j.node === 'predict')!.rowOptions, {});
    const track = graph!.nodes.find((n) => n.name === 'track')!;
    assert.deepEqual(track.resources, { cpus: 3 });
    assert.deepEqual(track.targetOptions, { slurm_options: { qos: 'high' } });
  });

  const ROW_CASES: [string, string, Record<string, number[][]>][] = [
    ['an upstream job in a block of rows', 'matrix:\n  predict.window: [8, 16]\n  track.thresh: [0.1, 0.2, 0.3]\n', { predict: [[0, 1, 2], [3, 4, 5]], track: [[0], [1], [2], [3], [4], [5]] }],
    ['an upstream job every other row', 'matrix:\n  track.thresh: [0.1, 0.2]\n  predict.window: [8, 16]\n', { predict: [[0, 2], [1, 3]], track: [[0], [1], [2], [3]] }],
    ['runs broken by other rows', 'matrix:\n  track.thresh: [0.1, 0.2]\n  predict.window: [8, 8, 16]\n', { predict: [[0, 1, 3, 4], [2, 5]], track: [[0, 1], [2], [3, 4], [5]] }],
  ];
  for (const [name, grid, want] of ROW_CASES) {
    test(`a job lists the grid rows that configure it: ${name}`, () => {
      const graph = compileText(PIPELINE, grid).value!;
      for (const node of ['predict', 'track']) {
        assert.deepEqual(graph.jobs.filter((j) => j.node === node).map((j) => j.rows), want[node], node);
      }
    });
  }

  test('a job\'s config parts join into its job_config.json, and jobs under one upstream job share the inherited part', () => {
    const graph = compileText(PIPELINE, GRID).value!;
    for (const job of graph.jobs) {
      const { inherited, own } = job.configParts;
      assert.equal(`{${[inherited, own].filter((part) => part !== '').join(', ')}}`, job.configJson, job.id);
    }
    const tracks = graph.jobs.filter((j) => j.node === 'track' && j.predecessors[0] === graph.jobs[0]);
    assert.equal(tracks.length, 2);
    assert.equal(tracks[0]!.configParts.inherited, tracks[1]!.configParts.inherited);
    assert.notEqual(tracks[0]!.configParts.inherited, '');
  });

  test('rows that differ in an algo param share upstream jobs', () => {
    const graph = compileText(PIPELINE, 'matrix: {track.thresh: [0.1, 0.2, 0.3]}').value!;
    assert.deepEqual(graph.jobs.map((j) => j.node), ['predict', 'track', 'track', 'track']);
  });

  const cases: { name: string; grid: string; enable?: [string, false | true | 'redo'][]; probe?: (dir: string) => ProbeResult; skipExisting?: boolean; want: [string, string, boolean][] }[] = [
    {
      name: 'a disabled upstream without results skips its dependents',
      grid: 'predict.__enabled__: 0',
      want: [['predict', 'disabled', false], ['track', 'skipped', false]],
    },
    {
      name: 'a disabled upstream whose results exist lets dependents run, without waiting',
      grid: 'predict.__enabled__: 0',
      probe: (dir) => (dir.includes('/predict/') ? 'done' : 'absent'),
      want: [['predict', 'disabled', false], ['track', 'to_run', true]],
    },
    {
      name: '--enable on the command line; the grid wins over it',
      grid: 'matrix: {predict.window: 8}',
      enable: [['track', false]],
      want: [['predict', 'to_run', true], ['track', 'disabled', false]],
    },
    {
      name: 'done jobs stay listed; stale ones run again',
      grid: 'matrix: {predict.window: 8}',
      probe: (dir) => (dir.includes('/predict/') ? 'done' : 'stale'),
      want: [['predict', 'done', true], ['track', 'to_run', true]],
    },
    {
      name: '--skip-existing leaves done jobs out',
      grid: 'matrix: {predict.window: 8}',
      probe: (dir) => (dir.includes('/predict/') ? 'adoptable' : 'absent'),
      skipExisting: true,
      want: [['predict', 'done', false], ['track', 'to_run', true]],
    },
    {
      name: 'redo bypasses the cache and --skip-existing',
      grid: 'matrix: {predict.window: 8, predict.__enabled__: redo}',
      probe: () => 'done',
      skipExisting: true,
      want: [['predict', 'to_run', true], ['track', 'done', false]],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const { value: graph, diagnostics } = compileText(PIPELINE, c.grid, {
        enable: new Map(c.enable ?? []),
        skipExisting: c.skipExisting ?? false,
        probe: ({ dir }) => (c.probe ? c.probe(dir) : 'absent'),
      });
      assert.deepEqual(diagnostics.filter((d) => d.severity === 'error'), []);
      assert.deepEqual(graph!.jobs.map((j) => [j.node, j.status, j.scheduled]), c.want);
    });
  }

  test('deps name only scheduled predecessors', () => {
    const graph = compileText(PIPELINE, 'predict.window: 8', { skipExisting: true, probe: ({ dir }) => (dir.includes('/predict/') ? 'done' : 'absent') }).value!;
    assert.deepEqual(graph.jobs[1]!.deps, []);
    assert.deepEqual(graph.jobs[1]!.preds, [graph.jobs[0]!.id]);
  });

  test('redo jobs are marked redo', () => {
    const graph = compileText(PIPELINE, 'predict.__enabled__: redo').value!;
    assert.deepEqual(graph.jobs.map((j) => j.redo), [true, false]);
  });
});

/** A node with each kind of input: connected, unconnected and shared with an upstream input. */
const INPUTS_PIPELINE = `
nodes:
  predict:
    command: node predict.js
    inputs:
      dataset: data/test.json
    outputs:
      heatmaps: heatmaps.json
    params:
      window: 8
  track:
    command: node track.js
    inputs:
      heatmaps: {from: predict.heatmaps}
      extra: null
      truth: {same_as: predict.dataset}
    outputs:
      sites: sites.json
    params:
      thresh: 0.5
`;

// A row whose upstream jobs are the previous row's shares that row's resolved inputs
// unless it sets an input itself: each case changes what the inputs are between such rows.
describe('inputs are resolved anew whenever a row changes them', () => {
  const HEATMAPS = '/srv/gwc/runs/predict/predict_id_';
  const cases: { name: string; grid: string; want: [string, string, string][] }[] = [
    {
      name: 'an unconnected input swept under one upstream job',
      grid: 'matrix:\n  track.extra: [a.json, b.json]\n  track.thresh: [0.1, 0.2]',
      want: [
        [HEATMAPS, 'a.json', 'data/test.json'],
        [HEATMAPS, 'a.json', 'data/test.json'],
        [HEATMAPS, 'b.json', 'data/test.json'],
        [HEATMAPS, 'b.json', 'data/test.json'],
      ],
    },
    {
      name: 'a shared input follows its upstream job',
      grid: 'matrix:\n  predict.dataset: [d1.json, d2.json]\n  track.thresh: [0.1, 0.2]',
      want: [
        [HEATMAPS, 'null', 'd1.json'],
        [HEATMAPS, 'null', 'd1.json'],
        [HEATMAPS, 'null', 'd2.json'],
        [HEATMAPS, 'null', 'd2.json'],
      ],
    },
    {
      name: 'a connected input set by some rows: a reference, then a path',
      grid: 'matrix:\n  track.thresh: [0.1]\n  track.heatmaps: [predict.heatmaps, custom.json]',
      want: [
        [HEATMAPS, 'null', 'data/test.json'],
        ['custom.json', 'null', 'data/test.json'],
      ],
    },
    {
      name: 'a row of another shape that sets an input',
      grid: 'matrix:\n  track.thresh: [0.1, 0.2]\ninclude:\n  - track.thresh: 0.2\n    track.extra: z.json',
      want: [
        [HEATMAPS, 'null', 'data/test.json'],
        [HEATMAPS, 'z.json', 'data/test.json'],
      ],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const { value: graph, diagnostics } = compileText(INPUTS_PIPELINE, c.grid);
      assert.deepEqual(diagnostics.filter((d) => d.severity === 'error'), []);
      const tracks = graph!.jobs.filter((job) => job.node === 'track');
      const got = tracks.map((job) => [String(job.final.heatmaps), String(job.final.extra), String(job.final.truth)]);
      assert.deepEqual(
        got.map(([heatmaps, extra, truth]) => [heatmaps!.startsWith(HEATMAPS) ? HEATMAPS : heatmaps, extra, truth]),
        c.want,
      );
      // Rows that resolve their inputs differently are different jobs.
      assert.equal(new Set(tracks.map((job) => job.id)).size, tracks.length);
    });
  }
});

describe('job dirs are their node folder plus an id of ASCII letters, digits, _ and .', () => {
  // Targets check each node's folder, not each job dir, on the strength of this.
  for (const profile of ['kwdagger', 'geowatch-v2'] as const) {
    test(profile, () => {
      const pipeline = INPUTS_PIPELINE.replace('  predict:\n', '  pred.v1:\n').replaceAll('predict.', 'pred.v1.').replace('command: node track.js', 'command: node track.js\n    group: "odd group #1"');
      const graph = compileText(pipeline, 'matrix:\n  track.thresh: [0.1, 0.2]\n  pred.v1.window: [1, 2]', { profile }).value!;
      const folders = new Map(graph.nodes.map((node) => [node.name, node.folder]));
      assert.equal(folders.get('track'), profile === 'kwdagger' ? '/srv/gwc/runs/odd group #1/track' : '/srv/gwc/runs/odd group #1/flat/track');
      for (const job of graph.jobs) {
        assert.equal(job.dir, `${folders.get(job.node)}/${job.id}`);
        assert.match(job.id, /^[A-Za-z0-9_.]+_id_[0-9a-z]+$/);
        assert.ok(job.id.startsWith(`${job.node}_id_`));
      }
    });
  }
});

describe('a job makes its dir and default output paths when asked', () => {
  // A job keeps its hash digits and null for each default output: whatever asks (command,
  // final config, output paths, the probe) must see the paths as if they were kept.
  const cases: { name: string; pipeline: string; grid: string; root?: string; sites: (dir: string) => string; command: (dir: string, heatmaps: string) => string }[] = [
    {
      name: 'default outputs under a bare root (the command spells them around the dir)',
      pipeline: PIPELINE,
      grid: 'track.thresh: [0.1]',
      sites: (dir) => `${dir}/sites.json`,
      command: (dir, heatmaps) => `node track.js --thresh=0.1 --heatmaps=${heatmaps} --sites=${dir}/sites.json`,
    },
    {
      name: 'default outputs under a root the shell must quote',
      pipeline: PIPELINE,
      grid: 'track.thresh: [0.1]',
      root: '/srv/my runs',
      sites: (dir) => `${dir}/sites.json`,
      command: (dir, heatmaps) => `node track.js --thresh=0.1 --heatmaps='${heatmaps}' --sites='${dir}/sites.json'`,
    },
    {
      name: 'an output the grid sets',
      pipeline: PIPELINE,
      grid: 'track.thresh: [0.1]\ntrack.sites: /tmp/s.json',
      sites: () => '/tmp/s.json',
      command: (_, heatmaps) => `node track.js --thresh=0.1 --sites=/tmp/s.json --heatmaps=${heatmaps}`,
    },
    {
      name: 'an argument template that names the output',
      pipeline: PIPELINE.replace('command: node track.js', 'command: node track.js\n    args: ["{sites}", "-t", "{thresh}"]'),
      grid: 'track.thresh: [0.1]',
      sites: (dir) => `${dir}/sites.json`,
      command: (dir) => `node track.js ${dir}/sites.json -t 0.1`,
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const graph = compileText(c.pipeline, c.grid, c.root === undefined ? {} : { root: c.root }).value!;
      const [predict, track] = graph.jobs as [Job, Job];
      const heatmaps = `${predict.dir}/heatmaps.json`;
      assert.equal(predict.outputPath('heatmaps'), heatmaps);
      assert.equal(track.dir, `${graph.nodes[1]!.folder}/${track.id}`);
      assert.equal(track.outputPath('sites'), c.sites(track.dir));
      assert.deepEqual(track.outputs, { sites: c.sites(track.dir) });
      assert.equal(track.final['sites'], c.sites(track.dir));
      assert.equal(track.final['heatmaps'], heatmaps);
      assert.equal(track.command, c.command(track.dir, heatmaps));
    });
  }

  test('the probe sees the dir, name and output paths', () => {
    const seen: string[][] = [];
    compileText(PIPELINE, 'track.thresh: [0.1]', {
      probe: (job) => {
        seen.push([job.dir, job.name, ...job.outputs()]);
        return 'absent';
      },
    });
    assert.deepEqual(
      seen.map(([dir, name, ...outputs]) => [dir === `${posix.dirname(dir!)}/${name}`, outputs.every((path) => path.startsWith(`${dir}/`))]),
      [
        [true, true],
        [true, true],
      ],
    );
    assert.match(seen[1]![2]!, /\/track\/track_id_\w+\/sites\.json$/);
  });
});

describe('relativeTo matches path.posix.relative on normalized absolute paths', () => {
  const cases: [string, string][] = [
    ['/r/a/.pred/p', '/r/p/x'],
    ['/r/a/b/.succ/t', '/r/t/y'],
    ['/r', '/r/a'],
    ['/r/a', '/r'],
    ['/', '/r/a'],
    ['/r/ab', '/r/a'],
  ];
  for (const [from, to] of cases) {
    test(`${from} → ${to}`, () => assert.equal(relativeTo(from, to), posix.relative(from, to)));
  }
});

describe('leaf ids hashed on a second thread give the same graph', () => {
  /** What a target can see of a graph, job by job. */
  function view(pipeline: string, grid: string, overrides: Partial<GraphSettings>) {
    const { value: graph, diagnostics } = compileText(pipeline, grid, overrides);
    assert.ok(graph, JSON.stringify(diagnostics));
    const jobs = graph.jobs.map((job) => ({
      node: job.node,
      id: job.id,
      dir: job.dir,
      rows: job.rows,
      status: job.status,
      reason: job.reason,
      redo: job.redo,
      preds: job.preds,
      deps: job.deps,
      command: job.command,
      config: job.configJson,
    }));
    return { jobs, nodes: graph.nodes, rowCount: graph.rowCount, diagnostics: diagnostics.map((d) => [d.code, d.message]) };
  }

  const BRANCHES = `
nodes:
  root:
    command: node root.js
    outputs: {out: out.json}
    params: {seed: 0}
  audit:
    command: node audit.js
    inputs: {src: {from: root.out}}
    outputs: {report: report.json}
    params: {level: 1}
    perf_params: {workers: 1}
  mid:
    command: node mid.js
    inputs: {src: {from: root.out}}
    outputs: {out: out.json}
    params: {k: 1}
  leaf:
    command: node leaf.js
    inputs: {src: {from: mid.out}}
    outputs: {out: out.json}
    params: {t: 0.5}
`;
  const FAN_IN = `
nodes:
  z_left:
    command: node left.js
    outputs: {out: out.json}
    params: {a: 1}
  z_right:
    command: node right.js
    outputs: {out: out.json}
    params: {b: 1}
  a_join:
    command: node join.js
    inputs:
      left: {from: z_left.out}
      right: {from: z_right.out}
    outputs: {out: out.json}
    params: {c: 1}
  a_after:
    command: node after.js
    inputs: {src: {from: z_left.out}}
    outputs: {out: out.json}
    params: {d: 1}
`;
  const cases: { name: string; pipeline: string; grid: string; overrides?: Partial<GraphSettings> }[] = [
    { name: 'the worked example', pipeline: PIPELINE, grid: GRID },
    {
      // audit's jobs (a leaf) wait for their digits while mid's (not a leaf) are made: the order stays the rows'.
      name: 'a leaf before a node with dependents, in one row',
      pipeline: BRANCHES,
      grid: 'matrix:\n  root.seed: [1, 2, 3]\n  mid.k: [1, 2]\n  audit.level: [1, 2, 3]\n  leaf.t: [0.1, 0.2, 0.3, 0.4]\n',
    },
    {
      // Rows that differ in a perf param only are one job: pending jobs that turn out to be repeats.
      name: 'rows that collapse into one job',
      pipeline: BRANCHES,
      grid: 'matrix:\n  root.seed: [1, 2]\n  audit.workers: [1, 2, 3]\n  leaf.t: [0.1, 0.2]\n',
    },
    {
      name: 'a fan-in leaf, and a leaf whose name sorts before its upstream node',
      pipeline: FAN_IN,
      grid: 'matrix:\n  z_left.a: [1, 2]\n  z_right.b: [1, 2, 3]\n  a_join.c: [1, 2]\n  a_after.d: [5, 6, 7]\n',
    },
    {
      name: 'disabled, redo and skipped leaf jobs',
      pipeline: BRANCHES,
      grid: 'matrix:\n  root.seed: [1, 2]\n  leaf.t: [0.1, 0.2]\n  leaf.__enabled__: [0, 1, redo]\n  audit.__enabled__: [1, 0]\n',
      overrides: { enable: new Map([['mid', false]]) },
    },
    { name: 'geowatch-v2 ids', pipeline: BRANCHES, grid: 'matrix:\n  root.seed: [1, 2]\n  leaf.t: [0.1, 0.2, 0.3]\n', overrides: { profile: 'geowatch-v2' } },
  ];
  for (const { name, pipeline, grid, overrides = {} } of cases) {
    test(name, () => {
      const here = view(pipeline, grid, { ...overrides, offload: { after: Number.POSITIVE_INFINITY } });
      const offloaded = view(pipeline, grid, { ...overrides, offload: { after: 0, thread: { startMs: 5_000 } } });
      assert.deepEqual(offloaded, here);
    });
  }

  test('a thread that stops answering part-way: the builder finishes alone, the graph the same', () => {
    const leafValues = Array.from({ length: 500 }, (_, i) => i / 1000).join(', ');
    const grid = `matrix:\n  root.seed: [1, 2, 3]\n  mid.k: [1, 2]\n  audit.workers: [1, 2]\n  leaf.t: [${leafValues}]\n`;
    const here = view(BRANCHES, grid, { offload: { after: Number.POSITIVE_INFINITY } });
    const workerUrl = new URL('../hash/fixtures/stalling-digits-worker.js', import.meta.url);
    const offloaded = view(BRANCHES, grid, { offload: { after: 0, thread: { startMs: 5_000, workerUrl, giveUpMs: 200 } } });
    assert.deepEqual(offloaded, here);
  });

  test('the rows that collapse are warned about', () => {
    const { diagnostics } = view(BRANCHES, 'matrix:\n  root.seed: [1, 2]\n  audit.workers: [1, 2, 3]\n', { offload: { after: 0, thread: { startMs: 5_000 } } });
    assert.deepEqual(diagnostics.map(([code]) => code), ['W_PERF_COLLAPSE']);
  });
});

/** `a` → `b`, b reading a's output (and `moreInputs`), with b's `rest` (its params). */
function chainAB(moreInputs: string, rest: string): string {
  return `
nodes:
  a:
    command: run a
    outputs: {out: a.txt}
    params: {p: 0}
  b:
    command: run b
    inputs: {src: {from: a.out}${moreInputs}}
    outputs: {out: b.txt}
${rest}`;
}

describe('jobs of one own config share its job_config members, and only then', () => {
  const CHAIN2 = chainAB('', '    params: {opts: null, q: 0}\n');
  test('a mapping value whose keys come in another order keeps its own order', () => {
    // Configs with mappings share no members text: their keys' order is theirs.
    const grid = 'matrices:\n  - matrix: {a.p: 1, b.opts: {x: 1, y: 2}}\n  - matrix: {a.p: 2, b.opts: {y: 2, x: 1}}\n';
    const graph = compileText(CHAIN2, grid).value!;
    const b = graph.jobs.filter((job) => job.node === 'b');
    assert.equal(b.length, 2);
    assert.deepEqual(
      b.map((job) => job.configParts.own),
      ['"b.opts": {"x": 1, "y": 2}, "b.q": 0', '"b.opts": {"y": 2, "x": 1}, "b.q": 0'],
    );
  });

  // ubelt hashes `true` as it hashes `1` (and kwdagger names both jobs' own config alike),
  // yet each job's config and command keep the value the grid wrote.
  test('values with one algo id but of other types share nothing', () => {
    const grid = "matrices:\n  - matrix: {a.p: 1, b.q: 1}\n  - matrix: {a.p: 2, b.q: true}\n  - matrix: {a.p: 3, b.q: 1}\n";
    const b = compileText(CHAIN2, grid).value!.jobs.filter((job) => job.node === 'b');
    assert.equal(new Set(b.map((job) => job.algoId)).size, 1, 'one algo id for all three');
    assert.deepEqual(
      b.map((job) => [job.final.q, job.configParts.own, job.command.split(' ')[2]]),
      [
        [1n, '"b.q": 1, "b.opts": null', '--q=1'],
        [true, '"b.q": true, "b.opts": null', '--q=True'],
        [1n, '"b.q": 1, "b.opts": null', '--q=1'],
      ],
    );
  });

  test('scalar values: one text for every job with them', () => {
    const graph = compileText(CHAIN2, 'a.p: [1, 2, 3]\nb.q: [5, 6]\n').value!;
    const b = graph.jobs.filter((job) => job.node === 'b');
    const byQ = new Map<unknown, string>();
    for (const job of b) {
      const own = job.configParts.own;
      const seen = byQ.get(job.final.q);
      if (seen === undefined) byQ.set(job.final.q, own);
      else assert.ok(seen === own, 'the same string');
    }
    assert.deepEqual([...byQ.values()], ['"b.q": 5, "b.opts": null', '"b.q": 6, "b.opts": null']);
  });
});

describe('a job\'s kind and own pieces tell what it shares with the jobs beside it', () => {
  const CHAIN3 = chainAB(', extra: x.txt', '    params: {q: 0}\n    perf_params: {workers: 1}\n');
  const jobsOf = (grid: string, settings: Partial<GraphSettings> = {}) => compileText(CHAIN3, grid, settings).value!.jobs.filter((job) => job.node === 'b');

  test('jobs under one upstream job that differ only in their own values share a kind; another upstream job, another kind', () => {
    const b = jobsOf('a.p: [1, 2]\nb.q: [1, 2, 3]\n');
    assert.equal(b.length, 6);
    const kinds = b.map((job) => job.kind);
    assert.equal(new Set(kinds.slice(0, 3)).size, 1);
    assert.equal(new Set(kinds.slice(3)).size, 1);
    assert.notEqual(kinds[0], kinds[3]);
  });

  test('an input the grid sets, a status or a redo starts another kind', () => {
    const byInput = jobsOf('a.p: [1]\nb.extra: [x.txt, y.txt]\nb.q: [1, 2]\n');
    assert.deepEqual(byInput.map((job) => byInput.findIndex((other) => other.kind === job.kind)), [0, 0, 2, 2]);
    const byRedo = jobsOf('matrix:\n  a.p: [1]\n  b.q: [1, 2, 3]\n  include:\n    - {b.q: 2, b.__enabled__: redo}\n');
    assert.deepEqual(byRedo.map((job) => job.redo), [false, true, false]);
    assert.deepEqual(byRedo.map((job) => byRedo.findIndex((other) => other.kind === job.kind)), [0, 1, 2]);
  });

  test('own pieces flag the command pieces made from algo and perf values', () => {
    const [job] = jobsOf('matrix: {a.p: [1], b.workers: [2], b.q: [1]}\n');
    assert.ok(job);
    // Requested keys first, in row order: workers, q; then the inputs, the output (its dir piece).
    assert.deepEqual(job.commandPieces.map((piece) => (typeof piece === 'string' ? piece.split('=')[0] : '<dir>')), ['run b', ' --workers', ' --q', ' --src', ' --extra', '<dir>']);
    // An input no edge feeds is an algo param (its value is in the algo id); one an edge feeds is not.
    assert.deepEqual(job.ownPieces, [false, true, true, false, true, false]);
  });

  test('no own pieces where an argument template, an output the grid set or a quoted job dir may put any value anywhere', () => {
    const [templated] = compileText(CHAIN3.replace('command: run b', 'command: run b\n    args: ["{q}", "{src}"]'), 'a.p: [1]\n').value!.jobs.filter((job) => job.node === 'b');
    assert.equal(templated?.ownPieces, undefined);
    const [overridden] = jobsOf('a.p: [1]\nb.out: [/tmp/b.txt]\n');
    assert.equal(overridden?.ownPieces, undefined);
    const [quotedRoot] = jobsOf('a.p: [1]\n', { root: '/srv/r uns' });
    assert.equal(quotedRoot?.ownPieces, undefined);
    const [bareRoot] = jobsOf('a.p: [1]\n', { root: '/srv/runs' });
    assert.notEqual(bareRoot?.ownPieces, undefined);
  });
});
