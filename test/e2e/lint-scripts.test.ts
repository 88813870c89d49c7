/** Every shell script the compiler ships or emits parses and passes shellcheck. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { repoPath } from '../helpers/paths.js';

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

  test('the bash target\'s golden script passes bash -n and shellcheck', () => {
    const path = repoPath('test/golden/bash/basic/run.sh');
    assert.equal(run('bash', ['-n', path]).status, 0);
    const { status, output } = run('shellcheck', ['--shell=bash', path]);
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
});
