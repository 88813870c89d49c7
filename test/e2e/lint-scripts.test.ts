/** Every shell script the compiler ships or emits parses and passes shellcheck. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { tmuxTarget } from '../../src/targets/tmux/index.js';
import { fixtureOptions, pipelineGraph } from '../helpers/fixture-graph.js';
import { repoPath } from '../helpers/paths.js';

const RUNNER = repoPath('templates', 'runtime', 'gwc-run.sh');

function run(program: string, args: readonly string[], input?: string): { status: number | null; output: string } {
  const result = spawnSync(program, args, { encoding: 'utf8', ...(input !== undefined ? { input } : {}) });
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

  // The tmux target's generated scripts, with and without the optional defaults they may hold.
  const TMUX_OPTIONS = [
    ['plain', fixtureOptions()],
    ['devices and a hostile preamble', fixtureOptions({ devices: ['0', '1'], preamble: "a 'b' \"$c\" `d`\n# e \\" })],
  ] as const;
  for (const [name, options] of TMUX_OPTIONS) {
    for (const file of tmuxTarget.emit(pipelineGraph(), options).filter((f) => f.path.endsWith('.sh') && f.path !== 'gwc-run.sh')) {
      test(`tmux ${file.path} (${name}) passes bash -n and shellcheck`, () => {
        const script = typeof file.content === 'string' ? file.content : [...file.content].join('');
        assert.equal(run('bash', ['-n'], script).status, 0);
        const { status, output } = run('shellcheck', ['--shell=bash', '-'], script);
        assert.equal(status, 0, output);
      });
    }
  }
});
