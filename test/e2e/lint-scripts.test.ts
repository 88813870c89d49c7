/** Every shell script the compiler ships or emits parses and passes shellcheck. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { slurmTarget } from '../../src/targets/slurm/index.js';
import { tmuxTarget } from '../../src/targets/tmux/index.js';
import type { TargetOptions } from '../../src/targets/target.js';
import { fixtureOptions, pipelineGraph } from '../helpers/fixture-graph.js';
import { repoPath } from '../helpers/paths.js';
import { POD_SCRIPT } from '../../src/targets/argo/pod-script.js';
import { argoOptions, emitText, gridGraph } from '../unit/targets/argo/argo-helpers.js';
import { fileText } from '../helpers/golden.js';

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

  test('the bash target\'s golden script passes sh -n, bash -n and shellcheck as sh', () => {
    const path = repoPath('test/golden/bash/basic/run.sh');
    assert.equal(run('sh', ['-n', path]).status, 0);
    assert.equal(run('bash', ['-n', path]).status, 0);
    const { status, output } = run('shellcheck', ['--shell=sh', '--severity=style', path]);
    assert.equal(status, 0, output);
  });

  for (const script of ['templates/snakemake/profiles/slurm/gwc-sbatch.sh', 'templates/snakemake/profiles/slurm/gwc-status.sh']) {
    test(`${script} passes sh -n and shellcheck as sh`, () => {
      const path = repoPath(script);
      assert.equal(run('sh', ['-n', path]).status, 0);
      const { status, output } = run('shellcheck', ['--shell=sh', '--severity=style', path]);
      assert.equal(status, 0, output);
    });
  }

  test('the snakemake job launcher compiles as Python 3', () => {
    const { status, output } = run('python3', ['-c', 'import ast, sys; ast.parse(open(sys.argv[1]).read(), sys.argv[1])', repoPath('templates/snakemake/gwc-job.py')]);
    assert.equal(status, 0, output);
  });

  for (const script of ['scripts/setup-engines.sh', 'scripts/slurm-up.sh', 'scripts/slurm-down.sh', 'examples/demo/run-demo.sh', 'examples/geowatch/schedule.sh', '.ci/run']) {
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

/** Checks that only flag quoted data: a `$` or quotes inside single quotes are the point there. */
const DATA_QUOTING = 'SC2016,SC2089,SC2090';

describe('scripts the slurm target emits', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gwc-lint-slurm-'));
  const hostile = fixtureOptions({ outDir: "/srv/o'ut $x", preamble: "conda activate 'x'\n# $HOME", queueName: 'q "1"' });
  const cases: [string, TargetOptions, string[]][] = [
    ['plain options', fixtureOptions({ preamble: 'conda activate x' }), []],
    ['hostile options', hostile, [`--exclude=${DATA_QUOTING}`]],
  ];
  for (const [name, options, extra] of cases) {
    for (const file of slurmTarget.emit(pipelineGraph(), options)) {
      if (!file.path.endsWith('.sh') || file.path === 'gwc-run.sh') continue;
      test(`${file.path} (${name}) passes bash -n and shellcheck`, () => {
        const path = join(dir, `${name.replace(' ', '-')}-${file.path}`);
        writeFileSync(path, fileText(file));
        assert.equal(run('bash', ['-n', path]).status, 0);
        const { status, output } = run('shellcheck', ['--shell=bash', '--severity=style', ...extra, path]);
        assert.equal(status, 0, output);
      });
    }
  }
  test('cleanup', () => rmSync(dir, { recursive: true, force: true }));
});

describe('scripts the tmux target emits', () => {
  // With and without the optional defaults they may hold.
  const TMUX_OPTIONS = [
    ['plain', fixtureOptions()],
    ['devices and a hostile preamble', fixtureOptions({ devices: ['0', '1'], preamble: "a 'b' \"$c\" `d`\n# e \\" })],
  ] as const;
  for (const [name, options] of TMUX_OPTIONS) {
    for (const file of tmuxTarget.emit(pipelineGraph(), options).filter((f) => f.path.endsWith('.sh') && f.path !== 'gwc-run.sh')) {
      // The driver is bash; the worker is POSIX sh (its shebang says which).
      const shell = fileText(file).startsWith('#!/bin/sh\n') ? 'sh' : 'bash';
      test(`tmux ${file.path} (${name}) passes ${shell} -n and shellcheck as ${shell}`, () => {
        const script = fileText(file);
        assert.equal(spawnSync(shell, ['-n'], { input: script }).status, 0);
        const result = spawnSync('shellcheck', [`--shell=${shell}`, '-'], { input: script, encoding: 'utf8' });
        assert.equal(result.status, 0, result.stdout);
      });
    }
  }
});
