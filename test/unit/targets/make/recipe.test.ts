import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { posix } from 'node:path';
import type { GraphSettings } from '../../../../src/compile.js';
import { scheduledJobs, type JobGraph } from '../../../../src/graph/job-graph.js';
import { RecipeWriter, wordByWordRecipe, type RootPaths } from '../../../../src/targets/make/recipe.js';
import type { TargetOptions } from '../../../../src/targets/target.js';
import { compileText } from '../../../helpers/compile-text.js';
import { fixtureOptions, pipelineGraph } from '../../../helpers/fixture-graph.js';
import { HOSTILE_VALUES } from '../../../helpers/hostile-values.js';

const CHAIN = `nodes:
  predict:
    command: python -m predict
    group: pred
    inputs: {dataset: data/test.json}
    outputs: {heatmaps: heat.json, extra: sub/extra.json}
    primary_output: heatmaps
    params: {window: 8, note: x}
    perf_params: {workers: 2}
    resources: {gpus: 1}
  track:
    command: python -m track
    inputs: {heatmaps: {from: predict.heatmaps}}
    outputs: {sites: sites.json}
    params: {thresh: 0.5}
  evaluate:
    command: python -m evaluate
    group: eval/deep
    inputs:
      sites: {from: track.sites}
      truth: {same_as: predict.dataset}
    outputs: {metrics: .}
`;

/** The chain's first two nodes: track's jobs come in runs under each predict job. */
const TWO_NODES = CHAIN.slice(0, CHAIN.indexOf('  evaluate:'));

/** {@link TWO_NODES} with a track param that the grid holds fixed while thresh sweeps: their commands share it. */
const TWO_NODES_LABEL = TWO_NODES.replace('params: {thresh: 0.5}', 'params: {label: x, thresh: 0.5}');

/** Eight values: runs long enough for frames (from a run's fifth job on) and for jobs that reuse them. */
const EIGHT = '[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]';

/** {@link TWO_NODES} whose track jobs have two params. */
const TWO_NODES_XY = TWO_NODES.replace('params: {thresh: 0.5}', 'params: {x: a, y: 0}');

const FAN_IN = `nodes:
  a:
    command: run a
    outputs: {out: a.txt}
    params: {p: 0}
  b:
    command: run b
    outputs: {out: b.txt}
    params: {q: 0}
  join:
    command: run join
    inputs: {parts: {from: [a.out, b.out]}}
    outputs: {out: j.txt}
`;

function quoted(values: readonly string[]): string {
  return `[${values.map((v) => JSON.stringify(v)).join(', ')}]`;
}

function graphOf(pipeline: string, grid: string, settings: Partial<GraphSettings> = {}): JobGraph {
  const built = compileText(pipeline, grid, settings);
  assert.ok(built.value, built.diagnostics.map((d) => d.message).join('\n'));
  return built.value;
}

function rootOf(graph: JobGraph): RootPaths {
  const prefix = graph.root.replace(/\/+$/, '');
  return { rootPrefix: prefix, rootSlash: `${prefix}/` };
}

const CASES: [string, () => JobGraph, Partial<TargetOptions>][] = [
  ['the fixture graph', () => pipelineGraph(), {}],
  ['a chain with several outputs, a GPU, groups and a shared input', () => graphOf(CHAIN, 'predict.window: [1, 2]\ntrack.thresh: [0.1, 0.2, 0.3]\n'), {}],
  ['the chain without links', () => graphOf(CHAIN, 'track.thresh: [0.1, 0.2]\n'), { enableLinks: false }],
  ['hostile values, line breaks included', () => graphOf(CHAIN, `predict.note: ${quoted(HOSTILE_VALUES)}\n`), {}],
  ['an output path set by the grid, with a line break', () => graphOf(CHAIN, `predict.extra: ["/tmp/x y/e.json", "/tmp/a\\nb.json"]\n`), {}],
  ['a fan-in', () => graphOf(FAN_IN, 'a.p: [1, 2]\nb.q: [3, 4]\n'), {}],
  ['redo', () => graphOf(CHAIN, 'track.thresh: [0.1]\ntrack.__enabled__: redo\n'), {}],
  ['the root is /', () => graphOf(CHAIN, 'track.thresh: [0.1, 0.2]\n', { root: '/' }), {}],
  ['a root that shell words quote (non-ASCII)', () => graphOf(CHAIN, 'track.thresh: [0.1, 0.2]\n', { root: '/srv/rüns' }), {}],
  [
    'values that name the root and a job folder, whole or in part',
    () =>
      graphOf(
        CHAIN,
        `predict.note: ${quoted(['/srv/runs', '/srv/runs/', '/srv/runs/pred/predict/', 'x=/srv/runs/pred/predict/y /srv/runs/eval', "'/srv/runs/pred/'$", '/srv/runsX/'])}\ntrack.thresh: [0.1, 0.2]\n`,
        { root: '/srv/runs' },
      ),
    {},
  ],
  ['a workdir with a line break', () => graphOf(CHAIN, 'track.thresh: [0.1]\n', { workdir: '/srv/w\nx' }), {}],
  // Runs of jobs under one upstream job (track is the last node): from the third job on, a recipe is its frame plus its own parts.
  ['long runs under each upstream job', () => graphOf(TWO_NODES, 'predict.window: [1, 2]\ntrack.thresh: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]\n'), {}],
  [
    'a run broken by a redo job',
    () => graphOf(TWO_NODES, 'matrix:\n  track.thresh: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]\n  include:\n    - {track.thresh: 0.5, track.__enabled__: redo}\n'),
    {},
  ],
  [
    'runs with hostile own values and outputs the grid sets',
    () => graphOf(TWO_NODES, `track.thresh: ${quoted(['a', 'b', 'c', 'd\ne', 'f', "g'h", 'i#j', 'k', 'l'])}\ntrack.sites: [null, null, /tmp/s.json, null]\n`),
    {},
  ],
  // The command pieces a run shares go into variables: unless a definition cannot hold them (a #, a trailing backslash), and never with blanks at their ends.
  [
    'runs whose shared command pieces are hostile',
    () =>
      graphOf(
        TWO_NODES_LABEL,
        // One label per predict job: each run of track jobs (under one predict job) shares its label.
        `matrices:\n${['a#b', 'c\\', ' lead', 'trail ', "q'q", 'd$e', '$(X)', 'plain']
          .map((label, i) => `  - matrix: {predict.window: [${i}], track.label: [${JSON.stringify(label)}], track.thresh: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]}\n`)
          .join('')}`,
      ),
    {},
  ],
  [
    'runs whose command ends in a backslash',
    () => graphOf(TWO_NODES.replace('command: python -m track', 'command: "python -m track \\\\"'), 'predict.window: [1, 2]\ntrack.thresh: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]\n'),
    {},
  ],
  // Jobs of one kind (under one upstream job) whose own config an earlier run had: from a
  // run's sixth job on, their recipes come from the run's frame and that config alone.
  ['own configs repeated under several upstream jobs', () => graphOf(TWO_NODES, `predict.window: [1, 2, 3]\ntrack.thresh: ${EIGHT}\n`), {}],
  [
    'a redo job whose own config an earlier run had (its kind is not the frame\'s)',
    () => graphOf(TWO_NODES, `matrix:\n  predict.window: [1, 2]\n  track.thresh: ${EIGHT}\n  include:\n    - {predict.window: 2, track.thresh: 0.7, track.__enabled__: redo}\n`),
    {},
  ],
  [
    'an own config an earlier frame had, in a frame whose own pieces at its ends differ',
    () =>
      graphOf(
        TWO_NODES_XY,
        `matrices:\n  - matrix: {predict.window: [1], track.x: [b], track.y: ${EIGHT}}\n  - matrix: {predict.window: [2], track.x: [a], track.y: ${EIGHT}}\n  - matrix: {predict.window: [2], track.x: [b], track.y: [0.7, 0.8]}\n`,
      ),
    {},
  ],
  [
    'repeated own values that name the root and the job folder',
    () =>
      graphOf(
        TWO_NODES,
        `predict.window: [1, 2]\ntrack.thresh: ${quoted(['a', 'b', 'c', 'd', '/srv/runs/track/', 'x /srv/runs/track/y', '/srv/runs/', 'plain', 'q'])}\n`,
        { root: '/srv/runs' },
      ),
    {},
  ],
  ['a workdir with a # (no variable may hold it)', () => graphOf(CHAIN, 'track.thresh: [0.1, 0.2, 0.3]\n', { workdir: '/srv/w#x y' }), {}],
];

describe('make recipes from cached pieces', () => {
  test('jobs under one upstream job share its text through one variable, from the second job on', () => {
    const graph = graphOf(CHAIN, 'track.thresh: [0.1, 0.2, 0.3]\n');
    const root = rootOf(graph);
    const writer = new RecipeWriter(graph, fixtureOptions(), root);
    const tracks = scheduledJobs(graph).filter((job) => job.node === 'track');
    const recipes = tracks.map((job) => [writer.recipe(job), writer.takeDefinitions()] as const);
    assert.doesNotMatch(recipes[0]?.[0] ?? '', /GWC_UP_/);
    assert.equal(recipes[0]?.[1], '');
    assert.match(recipes[1]?.[1] ?? '', /^GWC_CFG_1 = "predict\.dataset": "data\/test\.json", "predict\.window": 8, "predict\.note": "x", "predict\.workers": 2\n/);
    // The words every job of the node shares (its id is its dir's last segment; default outputs) come first, in one variable.
    assert.match(recipes[1]?.[1] ?? '', /\nGWC_JOB_2 = --dir \$\(@D\) --id \$\(notdir \$\(@D\)\) --fp [0-9a-f]{16} --output \$\(@D\)\/sites\.json --workdir \/srv\/gwc\/pipeline\n/);
    // The succ link names each job through $(notdir $(@D)), so it is shared too.
    assert.match(
      recipes[1]?.[1] ?? '',
      /\nGWC_UP_3 = --see-also \$\(ROOT\)\/pred\/predict\/predict_id_\w+ --link \$\(@D\)\/\.pred\/predict\/predict_id_\w+=\S+ --link \$\(ROOT\)\/pred\/predict\/predict_id_\w+\/\.succ\/track\/\$\(notdir \$\(@D\)\)=(?:\.\.\/)+track\/\$\(notdir \$\(@D\)\)\n$/,
    );
    for (const [recipe] of recipes.slice(1)) {
      assert.match(recipe, /^\t@set -- \$\(GWC_JOB_2\) --config '\{\$\(GWC_CFG_1\), "track\.thresh": 0\.\d\}' \$\(GWC_UP_3\) -- '/);
      assert.doesNotMatch(recipe, /--link|--workdir/);
    }
    assert.equal(recipes[2]?.[1], '', 'defined once');
  });

  test('nodes with the same command and output names share one GWC_JOB variable', () => {
    const twins = `nodes:\n${['a', 'b']
      .map((name, i) => `  ${name}:\n    command: run\n    ${i ? 'inputs: {src: {from: a.out}}\n    ' : ''}outputs: {out: out.txt}\n    params: {p: 0}\n`)
      .join('')}`;
    const graph = graphOf(twins, 'a.p: [1, 2]\nb.p: [1, 2]\n');
    const writer = new RecipeWriter(graph, fixtureOptions(), rootOf(graph));
    let definitions = '';
    const recipes = scheduledJobs(graph).map((job) => {
      const recipe = writer.recipe(job);
      definitions += writer.takeDefinitions();
      return recipe;
    });
    assert.deepEqual(definitions.match(/^GWC_JOB_\d+ = .*$/gm)?.length, 1, definitions);
    const variable = /^(GWC_JOB_\d+) = /m.exec(definitions)?.[1];
    assert.equal(recipes.filter((recipe) => recipe.startsWith(`\t@set -- $(${variable}) `)).length, recipes.length - 1, 'all but the first job use it');
  });

  for (const [name, graphFn, overrides] of CASES) {
    test(`equal the word-by-word recipes: ${name}`, () => {
      const graph = graphFn();
      const options = fixtureOptions(overrides);
      const root = rootOf(graph);
      const writer = new RecipeWriter(graph, options, root);
      const jobs = scheduledJobs(graph);
      assert.ok(jobs.length > 0);
      const variables = new Map<string, string>();
      for (const job of jobs) {
        const recipe = writer.recipe(job);
        for (const line of writer.takeDefinitions().split('\n').filter(Boolean)) {
          assert.doesNotMatch(line, /#/, 'a # would start a comment in a definition');
          const at = line.indexOf(' = ');
          const [name, value] = [line.slice(0, at), line.slice(at + 3)];
          // Make strips a value's leading blanks, and a trailing backslash joins the next line.
          assert.doesNotMatch(value, /^\s|\\$/, `${name}: no leading blank or trailing backslash`);
          assert.ok(!variables.has(name), `${name} is defined once`);
          variables.set(name, value);
        }
        const expand = (text: string): string =>
          text.replaceAll('$(notdir $(@D))', posix.basename(job.dir)).replace(/\$\$|\$\(([^)]+)\)/g, (ref: string, name?: string) => {
            if (name === undefined) return ref;
            if (name === '@D') return job.dir;
            if (name === 'ROOT') return root.rootPrefix;
            if (name === 'GWC_RUN') return ref;
            return expand(variables.get(name) ?? assert.fail(`${name} used before its definition`));
          });
        assert.equal(expand(recipe), expand(wordByWordRecipe(job, graph, options, root)), job.id);
      }
    });
  }
});
