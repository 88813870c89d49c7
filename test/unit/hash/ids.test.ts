import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { algoId, condense, jobDirectory, processId, type HashProfile } from '../../../src/hash/ids.js';
import { markUnordered, type ValueMap } from '../../../src/values/value.js';

/**
 * The reference's §9 worked example (ids verified against kwdagger d428118 and
 * ubelt 1.4.2): rows of `predict.window` × `track.thresh`, in submission order.
 * Algo configs are written by hand as kwdagger builds them.
 */
const WORKED_EXAMPLE: { window: bigint; thresh: number; predict: [string, string]; track: [string, string] }[] = [
  { window: 8n, thresh: 0.1, predict: ['predict_id_vpqa8zhuivpa', 'predict_algo_id_3q6dcvd0l4ax'], track: ['track_id_yg5ny96j9f34', 'track_algo_id_pah425pgwjt5'] },
  { window: 8n, thresh: 0.5, predict: ['predict_id_vpqa8zhuivpa', 'predict_algo_id_3q6dcvd0l4ax'], track: ['track_id_11djukushu3c', 'track_algo_id_zol8ovdgxvfy'] },
  { window: 16n, thresh: 0.1, predict: ['predict_id_kz509xoho8ar', 'predict_algo_id_ryv9ticlc1ek'], track: ['track_id_arc7fs7hocu3', 'track_algo_id_pah425pgwjt5'] },
  { window: 16n, thresh: 0.5, predict: ['predict_id_kz509xoho8ar', 'predict_algo_id_ryv9ticlc1ek'], track: ['track_id_jztnomhj9y6r', 'track_algo_id_zol8ovdgxvfy'] },
];

describe('§9 worked example (kwdagger profile)', () => {
  for (const row of WORKED_EXAMPLE) {
    test(`window=${row.window} thresh=${row.thresh}`, () => {
      const predictAlgo = algoId('predict', { dataset: 'data/test.json', model: null, window: row.window }, 'kwdagger');
      const trackAlgo = algoId('track', { thresh: row.thresh }, 'kwdagger');
      assert.equal(predictAlgo, row.predict[1]);
      assert.equal(trackAlgo, row.track[1]);
      assert.equal(processId('predict', { predict: predictAlgo }, 'kwdagger'), row.predict[0]);
      assert.equal(processId('track', { predict: predictAlgo, track: trackAlgo }, 'kwdagger'), row.track[0]);
    });
  }

  test('six unique jobs', () => {
    const ids = new Set(WORKED_EXAMPLE.flatMap((row) => [row.predict[0], row.track[0]]));
    assert.equal(ids.size, 6);
  });

  test('an int window and a float window differ', () => {
    const asFloat = algoId('predict', { dataset: 'data/test.json', model: null, window: 8.0 }, 'kwdagger');
    assert.notEqual(asFloat, 'predict_algo_id_3q6dcvd0l4ax');
  });
});

describe('condense', () => {
  const PRED = { model: 'm1.pt', dataset: 'data.kwcoco.json', thresh: 0.3 };
  const cases: { name: string; config: ValueMap; type: string; profile: HashProfile; expected: string }[] = [
    { name: 'v2 algo id (§3.1 example)', config: PRED, type: 'pred_algo_id', profile: 'geowatch-v2', expected: 'pred_algo_id_8637bcbf' },
    { name: 'kwdagger algo id', config: PRED, type: 'pred_algo_id', profile: 'kwdagger', expected: 'pred_algo_id_lce98yedf17j' },
    { name: 'v2 process id of a root', config: { pred: 'pred_algo_id_8637bcbf' }, type: 'pred_id', profile: 'geowatch-v2', expected: 'pred_id_429b061d' },
    {
      name: 'v2 process id (§3.1 example)',
      config: { pred: 'pred_algo_id_8637bcbf', eval: 'eval_algo_id_827e04d8' },
      type: 'eval_id',
      profile: 'geowatch-v2',
      expected: 'eval_id_a64e2a17',
    },
    { name: 'empty config', config: {}, type: 'x_algo_id', profile: 'geowatch-v2', expected: 'x_algo_id_abd043ec' },
  ];
  for (const c of cases) test(c.name, () => assert.equal(condense(c.config, c.type, c.profile), c.expected));

  test('depends hash the same in any order', () => {
    const a = processId('eval', { eval: 'eval_algo_id_827e04d8', pred: 'pred_algo_id_8637bcbf' }, 'geowatch-v2');
    const b = processId('eval', { pred: 'pred_algo_id_8637bcbf', eval: 'eval_algo_id_827e04d8' }, 'geowatch-v2');
    assert.equal(a, 'eval_id_a64e2a17');
    assert.equal(b, a);
  });

  // expected ids from a Python transcription of ubelt's hash_data (OrderedDict vs dict), see ubelt-hash.test.ts
  test('a grid mapping inside an algo config is ordered (ODICT), a plain dict is not', () => {
    const ordered = algoId('n', { opts: { b: 1n, a: 2n } }, 'kwdagger');
    const plain = algoId('n', { opts: markUnordered({ b: 1n, a: 2n }) }, 'kwdagger');
    assert.equal(ordered, 'n_algo_id_b1hbea0uzyjn');
    assert.equal(plain, 'n_algo_id_gekgmq4od3m6');
  });
});

describe('jobDirectory', () => {
  const cases: { name: string; args: [string, string, string, string, HashProfile]; expected: string }[] = [
    { name: 'kwdagger, group collapses', args: ['/srv/runs', '.', 'predict', 'predict_id_vpqa8zhuivpa', 'kwdagger'], expected: '/srv/runs/predict/predict_id_vpqa8zhuivpa' },
    { name: 'kwdagger with a group', args: ['/srv/runs', 'eval', 'track', 'track_id_yg5ny96j9f34', 'kwdagger'], expected: '/srv/runs/eval/track/track_id_yg5ny96j9f34' },
    {
      name: 'geowatch-v2 adds flat/ (§3.1 example)',
      args: ['root', 'eval', 'bas_poly_eval', 'bas_poly_eval_id_1ad531cc', 'geowatch-v2'],
      expected: 'root/eval/flat/bas_poly_eval/bas_poly_eval_id_1ad531cc',
    },
    { name: 'geowatch-v2, group collapses', args: ['root', '.', 'pred', 'pred_id_429b061d', 'geowatch-v2'], expected: 'root/flat/pred/pred_id_429b061d' },
    { name: 'empty group collapses', args: ['root', '', 'pred', 'pred_id_x', 'kwdagger'], expected: 'root/pred/pred_id_x' },
    { name: 'nested group, trailing slash on root', args: ['/r/', 'a/b', 'n', 'n_id_x', 'kwdagger'], expected: '/r/a/b/n/n_id_x' },
  ];
  for (const c of cases) test(c.name, () => assert.equal(jobDirectory(...c.args), c.expected));
});
