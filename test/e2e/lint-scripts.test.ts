/** Every shell script the compiler ships or emits parses and passes shellcheck. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { repoPath } from '../helpers/paths.js';
import { POD_SCRIPT } from '../../src/targets/argo/pod-script.js';
import { argoOptions, emitText, gridGraph } from '../unit/targets/argo/argo-helpers.js';

const RUNNER = repoPath('templates', 'runtime', 'gwc-run.sh');

function run(program: string, args: readonly string[]): { status: number | null; output: string } {
  const result = spawnSync(program, args, { encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('shipped shell scripts', () => {
  test('gwc-run.sh parses as POSIX sh', () => {
    const { status, output } = run('sh', ['-n', RUNNER]);
    assert.equal(status, 0, output);
  });

  test('gwc-run.sh passes shellcheck as sh', () => {
    const { status, output } = run('shellcheck', ['--shell=sh', '--severity=style', RUNNER]);
    assert.equal(status, 0, output);
  });

  for (const script of ['scripts/setup-engines.sh', 'examples/demo/run-demo.sh', 'examples/geowatch/schedule.sh', '.ci/run']) {
    test(`${script} passes bash -n and shellcheck`, () => {
      const path = repoPath(script);
      assert.equal(run('bash', ['-n', path]).status, 0);
      const { status, output } = run('shellcheck', ['--shell=bash', path]);
      assert.equal(status, 0, output);
    });
  }

  const ARGO_VARIANTS = {
    'a Workflow': argoOptions(),
    'a WorkflowTemplate in a namespace, split': argoOptions({ workflowTemplate: true, namespace: 'ml', jobsPerWorkflow: 4 }),
  };
  for (const [variant, options] of Object.entries(ARGO_VARIANTS)) {
    test(`argo submit.sh for ${variant} passes sh -n and shellcheck`, () => {
      const script = emitText(gridGraph(10), options).get('submit.sh') as string;
      assert.equal(spawnSync('sh', ['-n'], { input: script }).status, 0);
      const result = spawnSync('shellcheck', ['--shell=sh', '--severity=style', '-'], { input: script, encoding: 'utf8' });
      assert.equal(result.status, 0, result.stdout);
    });
  }

  test('the argo job pod script passes sh -n and shellcheck', () => {
    const script = `#!/bin/sh\n${POD_SCRIPT}`;
    assert.equal(spawnSync('sh', ['-n'], { input: script }).status, 0);
    const result = spawnSync('shellcheck', ['--shell=sh', '--severity=style', '-'], { input: script, encoding: 'utf8' });
    assert.equal(result.status, 0, result.stdout);
  });
});
