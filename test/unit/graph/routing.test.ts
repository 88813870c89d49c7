import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildRouter, referenceKey, type RoutableKey } from '../../../src/graph/routing.js';
import { loadYaml } from '../../../src/parse/load-yaml.js';
import { parsePipeline } from '../../../src/pipeline/parse-pipeline.js';
import type { Pipeline } from '../../../src/pipeline/pipeline.js';

const PIPELINE = `
nodes:
  bas_pxl:
    command: predict
    namespace: trk.pxl
    inputs: {data.test_dataset: null}
    outputs: {heatmaps: heatmaps.json}
    params: [model, data.window]
    perf_params: {workers: 2}
  bas_pxl_eval:
    command: evaluate
    namespace: trk.pxl
    inputs:
      true_dataset: {same_as: bas_pxl.data.test_dataset}
      pred: {from: bas_pxl.heatmaps}
    outputs: {metrics: metrics.json}
    params: {draw: true}
  crop:
    command: crop
    inputs: {regions: null}
    outputs: {crop_dst: crop.json}
`;

function pipeline(): Pipeline {
  const { loaded } = loadYaml({ path: 'p.yaml', text: PIPELINE });
  const parsed = parsePipeline(loaded!, '/p');
  assert.deepEqual(parsed.diagnostics, []);
  return parsed.pipeline!;
}

const key = (k: string, ...values: RoutableKey['values']): RoutableKey => ({ key: k, values });

describe('buildRouter routes keys by whole-segment prefix', () => {
  const cases: { key: string; want: string[] }[] = [
    { key: 'bas_pxl.model', want: ['bas_pxl:model:param'] },
    { key: 'bas_pxl.workers', want: ['bas_pxl:workers:perf'] },
    { key: 'bas_pxl.heatmaps', want: ['bas_pxl:heatmaps:output'] },
    { key: 'bas_pxl.__enabled__', want: ['bas_pxl:__enabled__:special'] },
    { key: 'bas_pxl_eval.draw', want: ['bas_pxl_eval:draw:param'] },
    { key: 'trk.pxl.data.window', want: ['bas_pxl:data.window:param'] },
    { key: 'trk.pxl.data.test_dataset', want: ['bas_pxl:data.test_dataset:input'] },
    { key: 'trk.pxl.draw', want: ['bas_pxl_eval:draw:param'] },
    { key: 'trk.pxl.__enabled__', want: ['bas_pxl:__enabled__:special', 'bas_pxl_eval:__enabled__:special'] },
  ];
  for (const c of cases) {
    test(c.key, () => {
      const { router, diagnostics } = buildRouter(pipeline(), [key(c.key, 1n)]);
      assert.deepEqual(diagnostics, []);
      assert.deepEqual(router.routes.get(c.key)?.map((r) => `${r.node}:${r.local}:${r.kind}`), c.want);
    });
  }
});

describe('buildRouter refuses what kwdagger silently drops', () => {
  const cases: { key: string; code: string; hint: RegExp }[] = [
    { key: 'bas_pxl.modle', code: 'E_UNKNOWN_PARAM', hint: /did you mean "model"/ },
    { key: 'bas_pxll.model', code: 'E_UNROUTED_KEY', hint: /did you mean "bas_pxl"/ },
    { key: 'trk.pxl.nothing', code: 'E_UNKNOWN_PARAM', hint: /declare it/ },
    { key: 'model', code: 'E_UNROUTED_KEY', hint: /./ },
  ];
  for (const c of cases) {
    test(c.key, () => {
      const { diagnostics } = buildRouter(pipeline(), [key(c.key, 1n)]);
      assert.equal(diagnostics.length, 1);
      assert.equal(diagnostics[0]!.code, c.code);
      assert.match(diagnostics[0]!.hint ?? '', c.hint);
    });
  }

  test('every bad key is reported at once', () => {
    const { diagnostics } = buildRouter(pipeline(), [key('a.b', 1n), key('bas_pxl.x', 1n), key('crop.y', 1n)]);
    assert.deepEqual(diagnostics.map((d) => d.code), ['E_UNROUTED_KEY', 'E_UNKNOWN_PARAM', 'E_UNKNOWN_PARAM']);
  });
});

describe('value references connect inputs to outputs', () => {
  const cases: { value: string; want?: string; code?: string }[] = [
    { value: 'bas_pxl.heatmaps', want: 'bas_pxl.heatmaps' },
    { value: 'bas_pxl.output', want: 'bas_pxl.heatmaps' },
    { value: 'trk.pxl.metrics', want: 'bas_pxl_eval.metrics' },
    { value: 'trk.pxl.output', want: 'bas_pxl.heatmaps' },
    { value: 'bas_pxl.heatmapz', code: 'E_BAD_REFERENCE' },
    { value: '/data/regions.json' },
    { value: 'regions.geojson' },
  ];
  for (const c of cases) {
    test(c.value, () => {
      const { router, diagnostics } = buildRouter(pipeline(), [key('crop.regions', c.value)]);
      assert.deepEqual(diagnostics.map((d) => d.code), c.code ? [c.code] : []);
      const ref = router.references.get(referenceKey('crop', 'regions', c.value));
      assert.equal(ref ? `${ref.node}.${ref.output}` : undefined, c.want);
    });
  }
});
