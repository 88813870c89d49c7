import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Diagnostic } from '../../../../src/diagnostics/diagnostic.js';
import { DEFAULT_ARGO_OPTIONS, resolveArgoOptions, type RawArgoFlags } from '../../../../src/targets/argo/options.js';

function resolve(raw: RawArgoFlags) {
  const diagnostics: Diagnostic[] = [];
  const options = resolveArgoOptions(raw, diagnostics);
  return { options, messages: diagnostics.map((d) => d.message) };
}

describe('resolveArgoOptions', () => {
  test('no flags: the defaults', () => {
    assert.deepEqual(resolve({}), { options: DEFAULT_ARGO_OPTIONS, messages: [] });
  });

  test('every flag is read', () => {
    const { options, messages } = resolve({
      image: 'img:1',
      pvc: 'claim',
      namespace: 'ml',
      workflowTemplate: true,
      argoName: 'run',
      argoServiceAccount: 'sa',
      argoPodGc: 'OnWorkflowSuccess',
      argoDeadline: '3600',
      argoRetries: '0',
      argoJobsPerWorkflow: '250',
    });
    assert.deepEqual(messages, []);
    assert.deepEqual(options, {
      image: 'img:1',
      pvc: 'claim',
      namespace: 'ml',
      workflowTemplate: true,
      name: 'run',
      serviceAccount: 'sa',
      podGc: 'OnWorkflowSuccess',
      activeDeadlineSeconds: 3600,
      retries: 0,
      jobsPerWorkflow: 250,
    });
  });

  const FLAGS: readonly [string, RawArgoFlags, boolean][] = [
    ['--workflow-template 1', { workflowTemplate: '1' }, true],
    ['--workflow-template 0', { workflowTemplate: '0' }, false],
    ['--workflow-template bare', { workflowTemplate: true }, true],
  ];
  for (const [name, raw, expected] of FLAGS) {
    test(name, () => assert.equal(resolve(raw).options.workflowTemplate, expected));
  }

  const BAD: readonly [string, RawArgoFlags, RegExp][] = [
    ['--workflow-template maybe', { workflowTemplate: 'maybe' }, /--workflow-template takes 0 or 1/],
    ['--argo-pod-gc Sometimes', { argoPodGc: 'Sometimes' }, /unknown --argo-pod-gc strategy/],
    ['--argo-deadline 0', { argoDeadline: '0' }, /--argo-deadline takes a whole number of at least 1/],
    ['--argo-retries -1', { argoRetries: '-1' }, /--argo-retries takes a whole number/],
    ['--argo-jobs-per-workflow 1.5', { argoJobsPerWorkflow: '1.5' }, /--argo-jobs-per-workflow takes a whole number/],
  ];
  for (const [name, raw, message] of BAD) {
    test(`reports ${name}`, () => {
      const { messages } = resolve(raw);
      assert.equal(messages.length, 1);
      assert.match(messages[0] as string, message);
    });
  }
});
