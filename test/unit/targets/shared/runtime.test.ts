import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runnerArgs, runnerEnvironment, runtimeFiles } from '../../../../src/targets/shared/runtime.js';
import { fixtureGraph, fixtureOptions, pipelineGraph } from '../../../helpers/fixture-graph.js';

/** The values that follow each occurrence of an option. */
function valuesOf(args: readonly string[], option: string): string[] {
  return args.flatMap((arg, i) => (arg === option && i < args.indexOf('--') ? [args[i + 1] as string] : []));
}

function jobOf(id: string) {
  const graph = pipelineGraph();
  const job = graph.jobs.find((j) => j.id === id);
  if (!job) throw new Error(`no job ${id}`);
  return { graph, job };
}

describe('runnerArgs', () => {
  test('starts with the job identity and ends with -- and the exact command', () => {
    const { graph, job } = jobOf('track_id_00cd');
    const args = runnerArgs(job, graph, fixtureOptions());
    assert.deepEqual(args.slice(0, 8), ['--dir', job.dir, '--id', job.id, '--fp', job.fingerprint, '--config', args[7]]);
    assert.equal(args[7], '{"predict.model": "model_0.pt", "track.thresh": 0.2}');
    assert.deepEqual(args.slice(-4), ['--workdir', '/srv/gwc/pipeline', '--', job.command]);
  });

  test('outputs come sorted by output name, not by declaration', () => {
    const { graph, job } = jobOf('track_id_00cd');
    const outputs = valuesOf(runnerArgs(job, graph, fixtureOptions()), '--output');
    assert.deepEqual(outputs, [job.outputs.site_summary, job.outputs.sites]);
  });

  test('see-also lists the ancestor dirs in order', () => {
    const { graph, job } = jobOf('evaluate_id_10ef');
    assert.deepEqual(valuesOf(runnerArgs(job, graph, fixtureOptions()), '--see-also'), job.ancestorDirs);
    assert.equal(job.ancestorDirs.length, 2);
  });

  test('links are PATH=TARGET and only when links are enabled', () => {
    const { graph, job } = jobOf('track_id_10cd');
    const on = valuesOf(runnerArgs(job, graph, fixtureOptions({ enableLinks: true })), '--link');
    assert.deepEqual(on, job.links.map((l) => `${l.path}=${l.target}`));
    assert.equal(on.length, 2);
    assert.deepEqual(valuesOf(runnerArgs(job, graph, fixtureOptions({ enableLinks: false })), '--link'), []);
  });

  const FLAG_CASES: [string, string, { gpus: string[]; redo: boolean }][] = [
    ['gpu job', 'predict_id_aaaa', { gpus: ['1'], redo: false }],
    ['cpu job', 'track_id_00cd', { gpus: [], redo: false }],
    ['redo job', 'track_id_01cd', { gpus: [], redo: true }],
  ];
  for (const [name, id, expected] of FLAG_CASES) {
    test(`--gpus and --redo: ${name}`, () => {
      const { graph, job } = jobOf(id);
      const args = runnerArgs(job, graph, fixtureOptions());
      assert.deepEqual(valuesOf(args, '--gpus'), expected.gpus);
      assert.equal(args.slice(0, args.indexOf('--')).includes('--redo'), expected.redo);
    });
  }

  test('a command that looks like an option stays after --', () => {
    const graph = fixtureGraph({ root: '/r', workdir: '/w' }, [{ id: 'a', node: 'n', command: '--redo' }]);
    const args = runnerArgs(graph.jobs[0]!, graph, fixtureOptions());
    assert.deepEqual(args.slice(-2), ['--', '--redo']);
    assert.equal(args.filter((a) => a === '--redo').length, 1);
  });
});

describe('runtimeFiles', () => {
  test('ships the runner as an executable POSIX sh script', () => {
    const files = runtimeFiles();
    assert.deepEqual(files.map((f) => [f.path, f.executable]), [['gwc-run.sh', true]]);
    const content = files[0]!.content as string;
    assert.match(content, /^#!\/bin\/sh\n/);
    assert.match(content, /^gwr_main\(\) \{\n  set -u$/m, 'a run as a script treats unset variables as errors');
    assert.match(content, /^if \[ "\$\{GWC_RUN_LIBRARY:-0\}" = 1 \]; then gwr_reset; else gwr_main "\$@"; fi$/m, 'sourcing with GWC_RUN_LIBRARY=1 runs nothing');
  });
});

describe('runnerEnvironment', () => {
  const CASES: [string, Parameters<typeof fixtureOptions>[0], [string, string][]][] = [
    ['nothing by default', {}, []],
    ['a device list', { devices: ['0', '2'] }, [['GWC_DEVICES', '0,2']]],
    ['auto devices', { devicesAuto: true }, [['GWC_DEVICES', 'auto']]],
    ['a preamble, as given', { preamble: ' conda activate x\n' }, [['GWC_PREAMBLE', ' conda activate x\n']]],
    ['both, devices first', { devices: ['1'], preamble: 'p' }, [['GWC_DEVICES', '1'], ['GWC_PREAMBLE', 'p']]],
  ];
  for (const [name, options, expected] of CASES) {
    test(name, () => assert.deepEqual(runnerEnvironment(fixtureOptions(options)), expected));
  }
});
