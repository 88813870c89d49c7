import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Diagnostic } from '../../../src/diagnostics/diagnostic.js';
import { lineCol, renderDiagnostic } from '../../../src/diagnostics/render.js';
import { loadYaml, type LoadedYaml } from '../../../src/parse/load-yaml.js';
import { parsePipeline, pipelineEdges } from '../../../src/pipeline/parse-pipeline.js';
import type { Pipeline, PipelineNode } from '../../../src/pipeline/pipeline.js';
import { isUnorderedMap, type Value, type ValueMap } from '../../../src/values/value.js';

function load(text: string): LoadedYaml {
  const { loaded, diagnostics } = loadYaml({ path: 'pipeline.yaml', text });
  if (!loaded) throw new Error(`test YAML does not parse: ${diagnostics.map((d) => d.message).join('; ')}`);
  return loaded;
}

/** Builds YAML from lines, so the line numbers in expectations are easy to count. */
function yaml(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

function parseOk(text: string): Pipeline {
  const { pipeline, diagnostics } = parsePipeline(load(text), '/base');
  assert.deepEqual(diagnostics.map(renderDiagnostic), []);
  assert.ok(pipeline);
  return pipeline;
}

function node(pipeline: Pipeline, name: string): PipelineNode {
  const found = pipeline.nodes.find((n) => n.name === name);
  assert.ok(found, `node ${name}`);
  return found;
}

function where(d: Diagnostic): string {
  if (!d.span) return '-';
  const { line, col } = lineCol(d.span.source.text, d.span.start);
  return `${line}:${col}`;
}

const EXAMPLE = yaml(
  'nodes:',
  '  predict:',
  '    command: node predict.js',
  '    group: pred',
  '    namespace: trk.pxl',
  '    inputs:',
  '      dataset: data/test.json',
  '    outputs:',
  '      heatmaps: heatmaps.json',
  '    params: {window: 8, model: null}',
  '    perf_params: {workers: 2}',
  '    resources: {cpus: 2, gpus: 1, mem: 8G, time: "02:00:00", partition: gpu, account: abc}',
  '  track:',
  '    command: node track.js',
  '    inputs:',
  '      heatmaps: {from: predict.heatmaps}',
  '    outputs: {sites: sites.json}',
  '    params: {thresh: 0.5}',
  '  evaluate:',
  '    command: node evaluate.js',
  '    inputs:',
  '      sites: {from: track.sites}',
  '      truth: {same_as: predict.dataset}',
  '    outputs: {metrics: metrics.json}',
);

describe('parsePipeline: the example from the language description', () => {
  const pipeline = parseOk(EXAMPLE);

  test('keeps the base dir and orders nodes', () => {
    assert.equal(pipeline.baseDir, '/base');
    assert.deepEqual(
      pipeline.nodes.map((n) => n.name),
      ['predict', 'track', 'evaluate'],
    );
  });

  test('normalizes predict', () => {
    const predict = node(pipeline, 'predict');
    assert.equal(predict.command, 'node predict.js');
    assert.equal(predict.group, 'pred');
    assert.deepEqual(predict.namespaces, ['trk.pxl']);
    assert.deepEqual([...predict.inputs], [['dataset', { kind: 'value', default: 'data/test.json' }]]);
    assert.deepEqual([...predict.outputs], [['heatmaps', 'heatmaps.json']]);
    assert.equal(predict.primaryOutput, 'heatmaps');
    assert.deepEqual([...predict.params], [['window', 8n], ['model', null]]);
    assert.deepEqual([...predict.perfParams], [['workers', 2n]]);
    assert.deepEqual(predict.resources, { cpus: 2, gpus: 1, mem: '8G', time: '02:00:00', partition: 'gpu', account: 'abc' });
    assert.deepEqual(predict.after, []);
    assert.equal(predict.args, undefined);
    assert.deepEqual(predict.targetOptions, {});
    assert.equal(predict.span && where({ code: 'E_SCHEMA', severity: 'error', message: '', span: predict.span }), '2:3');
  });

  test('links: from an output, same_as an input', () => {
    assert.deepEqual([...node(pipeline, 'track').inputs], [['heatmaps', { kind: 'from', refs: [{ node: 'predict', output: 'heatmaps' }], fanIn: false }]]);
    assert.deepEqual(
      [...node(pipeline, 'evaluate').inputs],
      [
        ['sites', { kind: 'from', refs: [{ node: 'track', output: 'sites' }], fanIn: false }],
        ['truth', { kind: 'same_as', node: 'predict', input: 'dataset' }],
      ],
    );
  });

  test('pipelineEdges lists every link', () => {
    assert.deepEqual(
      pipelineEdges(pipeline.nodes).map((e) => `${e.from}>${e.to}`),
      ['predict>track', 'track>evaluate', 'predict>evaluate'],
    );
  });
});

describe('parsePipeline: normalization', () => {
  const cases: { name: string; body: string[]; check: (n: PipelineNode) => void }[] = [
    {
      name: 'input forms: scalar, null, {default}, list of names',
      body: ['    inputs: {a: x.json, b: null, c: {default: 3}, d: 0.5}'],
      check: (n) =>
        assert.deepEqual(
          [...n.inputs],
          [
            ['a', { kind: 'value', default: 'x.json' }],
            ['b', { kind: 'value', default: null }],
            ['c', { kind: 'value', default: 3n }],
            ['d', { kind: 'value', default: 0.5 }],
          ],
        ),
    },
    {
      name: 'inputs as a list of names default to null',
      body: ['    inputs: [a, b]'],
      check: (n) => assert.deepEqual([...n.inputs], [['a', { kind: 'value', default: null }], ['b', { kind: 'value', default: null }]]),
    },
    {
      name: 'fan-in from a list of outputs, `<node>.output` is the primary output',
      body: ['    inputs: {srcs: {from: [up.a, up2.output]}}'],
      check: (n) =>
        assert.deepEqual(n.inputs.get('srcs'), {
          kind: 'from',
          refs: [
            { node: 'up', output: 'a' },
            { node: 'up2', output: 'only' },
          ],
          fanIn: true,
        }),
    },
    {
      name: 'a one-item list is still fan-in',
      body: ['    inputs: {srcs: {from: [up.a]}}'],
      check: (n) => assert.deepEqual(n.inputs.get('srcs'), { kind: 'from', refs: [{ node: 'up', output: 'a' }], fanIn: true }),
    },
    {
      name: 'params as a list are declared without defaults',
      body: ['    params: [window, data.window_scale_space]'],
      check: (n) => assert.deepEqual([...n.params], [['window', undefined], ['data.window_scale_space', undefined]]),
    },
    {
      name: 'params keep declaration order, even for integer-like names',
      body: ['    params: {z: 1, "2": 2, a: 3, "1": 4}'],
      check: (n) => assert.deepEqual([...n.params.keys()], ['z', '2', 'a', '1']),
    },
    {
      name: 'perf params as a list',
      body: ['    perf_params: [workers]'],
      check: (n) => assert.deepEqual([...n.perfParams], [['workers', undefined]]),
    },
    {
      name: 'namespaces as a list',
      body: ['    namespace: [trk.pxl, act.pxl]'],
      check: (n) => assert.deepEqual(n.namespaces, ['trk.pxl', 'act.pxl']),
    },
    {
      name: 'defaults: group is ".", no primary output without outputs',
      body: [],
      check: (n) => {
        assert.equal(n.group, '.');
        assert.equal(n.primaryOutput, undefined);
        assert.deepEqual(n.namespaces, []);
      },
    },
    {
      name: 'an explicit primary output among several',
      body: ['    outputs: {a: a.json, b: .}', '    primary_output: b'],
      check: (n) => {
        assert.equal(n.primaryOutput, 'b');
        assert.deepEqual([...n.outputs], [['a', 'a.json'], ['b', '.']]);
      },
    },
    {
      name: 'after as a string or a list',
      body: ['    after: up'],
      check: (n) => assert.deepEqual(n.after, ['up']),
    },
    {
      name: 'resources: bare numbers for mem and time become text',
      body: ['    resources: {mem: 4000, time: 90}'],
      check: (n) => assert.deepEqual(n.resources, { mem: '4000', time: '90' }),
    },
    {
      name: 'target options are copied under their keys',
      body: ['    slurm_options: {qos: high}', '    argo: {image: x}', '    snakemake: {threads: 2}'],
      check: (n) => assert.deepEqual(n.targetOptions, { slurm_options: { qos: 'high' }, argo: { image: 'x' }, snakemake: { threads: 2n } }),
    },
    {
      name: 'args template',
      body: ['    params: {thresh: 1}', '    outputs: {heatmaps: h.json}', '    args: ["{heatmaps}", "--thresh={thresh}", --flag, "{{x}}", 3]'],
      check: (n) =>
        assert.deepEqual(n.args, [
          [{ kind: 'ref', key: 'heatmaps' }],
          [
            { kind: 'literal', text: '--thresh=' },
            { kind: 'ref', key: 'thresh' },
          ],
          [{ kind: 'literal', text: '--flag' }],
          [{ kind: 'literal', text: '{x}' }],
          [{ kind: 'literal', text: '3' }],
        ]),
    },
  ];
  const upstream = ['  up:', '    command: up', '    outputs: {a: a.json, b: b.json}', '    primary_output: a', '  up2:', '    command: up2', '    outputs: {only: o.json}'];
  for (const c of cases) {
    test(c.name, () => {
      const pipeline = parseOk(yaml('nodes:', ...upstream, '  n:', '    command: run', ...c.body));
      c.check(node(pipeline, 'n'));
    });
  }

  test('mapping defaults are unordered (plain dict) copies at every depth', () => {
    const loaded = load(yaml('nodes:', '  n:', '    command: run', '    params: {kw: {b: 1, a: {d: 2, c: 3}}, l: [{x: 1}]}'));
    const { pipeline } = parsePipeline(loaded, '.');
    assert.ok(pipeline);
    const kw = pipeline.nodes[0]?.params.get('kw') as ValueMap;
    assert.deepEqual(kw, { b: 1n, a: { d: 2n, c: 3n } });
    assert.ok(isUnorderedMap(kw));
    assert.ok(isUnorderedMap(kw['a'] as ValueMap));
    const list = pipeline.nodes[0]?.params.get('l') as readonly Value[];
    assert.ok(isUnorderedMap(list[0] as ValueMap));
    const written = ((loaded.value as ValueMap)['nodes'] as ValueMap)['n'] as ValueMap;
    assert.notEqual(kw, (written['params'] as ValueMap)['kw'], 'the loaded document is not marked');
  });
});

describe('parsePipeline: topological order', () => {
  const cases: { name: string; nodes: string[]; order: string[] }[] = [
    { name: 'independent nodes keep declaration order', nodes: ['  b: {command: x}', '  a: {command: x}', '  c: {command: x}'], order: ['b', 'a', 'c'] },
    {
      name: 'from edges',
      nodes: ['  c: {command: x, inputs: {i: {from: b.o}}}', '  b: {command: x, inputs: {i: {from: a.o}}, outputs: {o: o}}', '  a: {command: x, outputs: {o: o}}'],
      order: ['a', 'b', 'c'],
    },
    {
      name: 'same_as edges order too',
      nodes: ['  b: {command: x, inputs: {i: {same_as: a.i}}}', '  a: {command: x, inputs: {i: 1}}'],
      order: ['a', 'b'],
    },
    { name: 'after edges', nodes: ['  b: {command: x, after: [a]}', '  a: {command: x}', '  z: {command: x}'], order: ['a', 'b', 'z'] },
    { name: 'integer-like node names keep declaration order', nodes: ['  "2": {command: x}', '  "1": {command: x}'], order: ['2', '1'] },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const pipeline = parseOk(yaml('nodes:', ...c.nodes));
      assert.deepEqual(
        pipeline.nodes.map((n) => n.name),
        c.order,
      );
    });
  }
});

const BASE = ['nodes:', '  predict:', '    command: node predict.js', '    inputs: {dataset: data.json}', '    outputs: {heatmaps: h.json}'];

describe('parsePipeline: errors', () => {
  // Lines 1-5 are BASE; a case's own lines start at line 6.
  const cases: { name: string; lines: string[]; want: string[] }[] = [
    { name: 'a schema error stops before the semantic checks', lines: ['  track: {command: x, inputs: {i: {from: nope.x}}, bad: 1}'], want: ['E_SCHEMA 6:52'] },
    { name: 'unknown node in from', lines: ['  track: {command: x, inputs: {i: {from: predcit.heatmaps}}}'], want: ['E_UNKNOWN_NODE 6:42'] },
    { name: 'unknown node in same_as', lines: ['  track: {command: x, inputs: {i: {same_as: nope.dataset}}}'], want: ['E_UNKNOWN_NODE 6:45'] },
    { name: 'unknown node in after', lines: ['  track: {command: x, after: [predict, nope]}'], want: ['E_UNKNOWN_NODE 6:40'] },
    { name: 'unknown output', lines: ['  track: {command: x, inputs: {i: {from: predict.heatmap}}}'], want: ['E_UNKNOWN_OUTPUT 6:42'] },
    {
      name: 'unknown output in a fan-in list points at the item',
      lines: ['  track: {command: x, inputs: {i: {from: [predict.heatmaps, predict.nope]}}}'],
      want: ['E_UNKNOWN_OUTPUT 6:61'],
    },
    {
      name: '<node>.output of a node with no primary output',
      lines: ['  two: {command: x, outputs: {a: a, b: b}, primary_output: a}', '  none: {command: x}', '  track: {command: x, inputs: {i: {from: none.output}}}'],
      want: ['E_UNKNOWN_OUTPUT 8:42'],
    },
    { name: 'from names an input', lines: ['  track: {command: x, inputs: {i: {from: predict.dataset}}}'], want: ['E_FROM_INPUT 6:42'] },
    { name: 'same_as names an unknown input', lines: ['  track: {command: x, inputs: {i: {same_as: predict.datset}}}'], want: ['E_UNKNOWN_INPUT 6:45'] },
    { name: 'same_as names an output', lines: ['  track: {command: x, inputs: {i: {same_as: predict.heatmaps}}}'], want: ['E_UNKNOWN_INPUT 6:45'] },
    {
      name: 'a cycle through from links',
      lines: ['  a: {command: x, inputs: {i: {from: b.o}}, outputs: {o: o}}', '  b: {command: x, inputs: {i: {from: a.o}}, outputs: {o: o}}'],
      want: ['E_CYCLE 6:38'],
    },
    { name: 'a cycle through after', lines: ['  a: {command: x, after: [b]}', '  b: {command: x, after: [a]}'], want: ['E_CYCLE 6:27'] },
    { name: 'a node after itself', lines: ['  a: {command: x, after: [a]}'], want: ['E_CYCLE 6:27'] },
    {
      name: 'a cycle through same_as and from',
      lines: ['  a: {command: x, inputs: {i: {same_as: b.j}}, outputs: {o: o}}', '  b: {command: x, inputs: {j: {from: a.o}}}'],
      want: ['E_CYCLE 6:41'],
    },
    { name: 'a same_as loop inside one node', lines: ['  a: {command: x, inputs: {i: {same_as: a.j}, j: {same_as: a.i}}}'], want: ['E_CYCLE 6:41'] },
    { name: 'an output path with ..', lines: ['  a: {command: x, outputs: {o: ../o.json}}'], want: ['E_PATH_ESCAPES 6:32'] },
    { name: 'an output path that normalizes out', lines: ['  a: {command: x, outputs: {o: sub/../../o.json}}'], want: ['E_PATH_ESCAPES 6:32'] },
    { name: 'an absolute output path', lines: ['  a: {command: x, outputs: {o: /tmp/o.json}}'], want: ['E_PATH_ESCAPES 6:32'] },
    { name: 'a group that leaves the root', lines: ['  a: {command: x, group: ..}'], want: ['E_PATH_ESCAPES 6:26'] },
    { name: 'primary_output names no output', lines: ['  a: {command: x, outputs: {o: o}, primary_output: p}'], want: ['E_PRIMARY_OUTPUT 6:52'] },
    { name: 'several outputs without primary_output', lines: ['  a: {command: x, outputs: {o: o, p: p}}'], want: ['E_PRIMARY_OUTPUT 6:19'] },
    { name: 'a param named like an input', lines: ['  a: {command: x, inputs: {w: 1}, params: {w: 2}}'], want: ['E_SCHEMA 6:44'] },
    { name: 'a param also a perf param (list form)', lines: ['  a: {command: x, params: [w, v], perf_params: [v]}'], want: ['E_SCHEMA 6:49'] },
    { name: 'an unknown template key', lines: ['  a: {command: x, params: [w], args: ["--w={wx}"]}'], want: ['E_ARG_TEMPLATE 6:44'] },
    { name: 'an unbalanced template', lines: ['  a: {command: x, args: ["{{a}", "b}"]}'], want: ['E_ARG_TEMPLATE 6:30', 'E_ARG_TEMPLATE 6:36'] },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const { pipeline, diagnostics } = parsePipeline(load(yaml(...BASE, ...c.lines)), '.');
      assert.equal(pipeline, undefined);
      assert.deepEqual(
        diagnostics.map((d) => `${d.code} ${where(d)}`),
        c.want,
      );
      for (const d of diagnostics) assert.ok(d.found && d.expected, `${d.code} has found and expected`);
    });
  }

  test('from an input renders in full', () => {
    const { diagnostics } = parsePipeline(load(yaml(...BASE, '  track:', '    command: x', '    inputs:', '      i: {from: predict.dataset}')), '.');
    assert.deepEqual(diagnostics.map(renderDiagnostic), [
      [
        'pipeline.yaml:9:17: error[E_FROM_INPUT]: "predict.dataset" is an input, but `from:` reads an output',
        '  |',
        '9 |       i: {from: predict.dataset}',
        '  |                 ^^^^^^^^^^^^^^^',
        '  = found: an input of predict',
        '  = expected: an output',
        "  = help: use {same_as: predict.dataset} to share an input's value, or name one of predict's outputs: heatmaps",
      ].join('\n'),
    ]);
  });

  test('a cycle renders in full, named node by node', () => {
    const lines = ['  track:', '    command: x', '    inputs: {h: {from: predict.heatmaps}}', '    outputs: {s: s.json}', '  late:', '    command: x', '    outputs: {r: r.json}', '    after: [track]'];
    const { diagnostics } = parsePipeline(load(yaml(...BASE.slice(0, 3), '    inputs: {dataset: {from: late.output}}', ...BASE.slice(4), ...lines)), '.');
    assert.deepEqual(diagnostics.map(renderDiagnostic), [
      [
        'pipeline.yaml:4:30: error[E_CYCLE]: the pipeline has a cycle: predict → track → late → predict',
        '  |',
        '4 |     inputs: {dataset: {from: late.output}}',
        '  |                              ^^^^^^^^^^^',
        '  = found: nodes that wait for each other through from, same_as or after links',
        '  = expected: links that never lead back to the node they start from',
        '  = help: remove one of the links of the cycle, e.g. this one',
      ].join('\n'),
    ]);
  });

  test('unknown names come with did-you-mean', () => {
    const { diagnostics } = parsePipeline(load(yaml(...BASE, '  track: {command: x, inputs: {i: {from: predcit.heatmap}}, args: ["{ii}"]}')), '.');
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.hint]),
      [
        ['E_UNKNOWN_NODE', 'did you mean "predict"?'],
        ['E_ARG_TEMPLATE', 'did you mean "i"?'],
      ],
    );
  });

  test('a reference that is a whole dotted node name says the output is missing', () => {
    const { diagnostics } = parsePipeline(load(yaml(...BASE, '  trk.pxl: {command: x, outputs: {o: o}}', '  b: {command: x, inputs: {i: {from: trk.pxl}}}')), '.');
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.message, d.hint]),
      [['E_UNKNOWN_NODE', 'input "i" of node "b" reads from unknown node "trk"', '"trk.pxl" is a node: write "trk.pxl.<output>", or "trk.pxl.output" for its primary output']],
    );
  });

  test('an unknown template key after literal braces is pointed at exactly', () => {
    const { diagnostics } = parsePipeline(load(yaml(...BASE, '  a: {command: x, params: [w], args: ["{{x}}={wx}"]}')), '.');
    // The word starts at col 40 (after `["`); "{wx}" is 6 characters into it.
    assert.deepEqual(
      diagnostics.map((d) => `${d.code} ${where(d)} ${d.span ? d.span.end - d.span.start : 0}`),
      ['E_ARG_TEMPLATE 6:46 4'],
    );
  });

  test('every semantic error is reported at once, in source order', () => {
    const text = yaml(
      ...BASE,
      '  track:',
      '    command: x',
      '    inputs:',
      '      a: {from: predict.dataset}',
      '      b: {from: nope.x}',
      '      c: {same_as: predict.nope}',
      '    outputs: {o: ../o, p: p}',
      '    after: [track]',
    );
    const { diagnostics } = parsePipeline(load(text), '.');
    assert.deepEqual(
      diagnostics.map((d) => `${d.code} ${where(d)}`),
      ['E_FROM_INPUT 9:17', 'E_UNKNOWN_NODE 10:17', 'E_UNKNOWN_INPUT 11:20', 'E_PRIMARY_OUTPUT 12:5', 'E_PATH_ESCAPES 12:18', 'E_CYCLE 13:13'],
    );
  });
});
