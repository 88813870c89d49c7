import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Diagnostic } from '../../../../src/diagnostics/diagnostic.js';
import type { NodeSummary } from '../../../../src/graph/job-graph.js';
import type { Resources } from '../../../../src/pipeline/pipeline.js';
import { memoryQuantity, nodeSettings, slurmTimeSeconds } from '../../../../src/targets/argo/node-settings.js';
import { DEFAULT_ARGO_OPTIONS } from '../../../../src/targets/argo/options.js';
import type { ValueMap } from '../../../../src/values/value.js';

function node(argo: unknown, resources: Resources = {}): NodeSummary {
  return {
    name: 'train',
    folder: '/runs/train',
    requestedRows: 1,
    uniqueJobs: 1,
    toRun: 1,
    done: 0,
    disabled: 0,
    skipped: 0,
    reasons: [],
    resources,
    targetOptions: (argo === undefined ? {} : { argo }) as ValueMap,
  };
}

function settingsOf(argo: unknown, resources: Resources = {}) {
  const diagnostics: Diagnostic[] = [];
  const settings = nodeSettings(node(argo, resources), DEFAULT_ARGO_OPTIONS, diagnostics);
  return { settings, messages: diagnostics.map((d) => d.message) };
}

describe('nodeSettings', () => {
  test('defaults: the global image, no retries, no selectors', () => {
    const { settings, messages } = settingsOf(undefined);
    assert.deepEqual(messages, []);
    assert.equal(settings.image, DEFAULT_ARGO_OPTIONS.image);
    assert.equal(settings.retries, 0);
    assert.deepEqual([settings.nodeSelector, settings.tolerations, settings.requests, settings.limits], [[], [], [], []]);
  });

  test('the argo block sets image, selectors, tolerations, retry and deadline', () => {
    const { settings, messages } = settingsOf({
      image: 'ghcr.io/org/watch:1.2',
      node_selector: { zone: 'b', accelerator: 'a100', count: 2n },
      tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule', toleration_seconds: 30n }],
      retry: 3n,
      active_deadline_seconds: 600n,
    });
    assert.deepEqual(messages, []);
    assert.equal(settings.image, 'ghcr.io/org/watch:1.2');
    assert.deepEqual(settings.nodeSelector, [['accelerator', 'a100'], ['count', '2'], ['zone', 'b']]);
    assert.deepEqual(settings.tolerations, [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 30 }]);
    assert.equal(settings.retries, 3);
    assert.equal(settings.activeDeadlineSeconds, 600);
  });

  test('resources become requests and limits; GPUs are nvidia.com/gpu limits', () => {
    const { settings } = settingsOf(undefined, { cpus: 4, mem: '8G', gpus: 2, time: '1-02:00:00' });
    assert.deepEqual(settings.requests, [['cpu', '4'], ['memory', '8Gi']]);
    assert.deepEqual(settings.limits, [['memory', '8Gi'], ['nvidia.com/gpu', '2']]);
    assert.equal(settings.activeDeadlineSeconds, 93600);
  });

  const BAD: readonly [string, unknown, RegExp][] = [
    ['an unknown key', { imag: 'x' }, /"imag" is not an argo setting/],
    ['an empty image', { image: '' }, /"image" must be a non-empty string/],
    ['a negative retry', { retry: -1n }, /"retry" must be a whole number of at least 0/],
    ['a zero deadline', { active_deadline_seconds: 0n }, /at least 1/],
    ['a selector list', { node_selector: ['a'] }, /must be a mapping/],
    ['a toleration string', { tolerations: 'x' }, /must be a list of mappings/],
    ['a bad toleration field', { tolerations: [{ keys: 'x' }] }, /bad field "keys"/],
    ['a non-mapping block', 'gpu', /"argo" must be a mapping/],
  ];
  for (const [name, argo, message] of BAD) {
    test(`reports ${name}`, () => {
      const { messages } = settingsOf(argo);
      assert.equal(messages.length, 1, messages.join('\n'));
      assert.match(messages[0] as string, message);
    });
  }
});

describe('Slurm-style quantities', () => {
  const MEMORY: readonly [string, string | undefined][] = [['8G', '8Gi'], ['500M', '500Mi'], ['1024', '1024Mi'], ['2gb', '2Gi'], ['1T', '1Ti'], ['lots', undefined]];
  for (const [mem, quantity] of MEMORY) test(`memory ${mem} → ${quantity}`, () => assert.equal(memoryQuantity(mem), quantity));

  const TIME: readonly [string, number | undefined][] = [['30', 1800], ['10:30', 630], ['02:00:00', 7200], ['1-00', 86400], ['1-01:30', 91800], ['2-00:00:10', 172810], ['0', undefined], ['soon', undefined]];
  for (const [time, seconds] of TIME) test(`time ${time} → ${seconds}`, () => assert.equal(slurmTimeSeconds(time), seconds));
});
