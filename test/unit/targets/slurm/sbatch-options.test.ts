import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { mergeSbatchOptions, sbatchOptionName, validateSlurmOptions, type OptionLayers } from '../../../../src/targets/slurm/sbatch-options.js';
import type { ValueMap } from '../../../../src/values/value.js';
import { fixtureGraph } from '../../../helpers/fixture-graph.js';

const DEFAULTS: [string, string][] = [['job-name', 'q-n']];

function words(layers: Partial<OptionLayers>): readonly string[] {
  return mergeSbatchOptions({ defaults: DEFAULTS, resources: {}, ...layers }).words;
}

describe('sbatch option names', () => {
  const CASES: [string, string][] = [
    ['cpus_per_task', 'cpus-per-task'],
    ['--cpus-per-task', 'cpus-per-task'],
    ['cpus', 'cpus-per-task'],
    ['mem_per_cpu', 'mem-per-cpu'],
    ['partition', 'partition'],
  ];
  for (const [key, name] of CASES) test(`${key} → --${name}`, () => assert.equal(sbatchOptionName(key), name));
});

describe('sbatch option precedence: global, resources, node default, grid row', () => {
  const CASES: [string, Partial<OptionLayers>, string[]][] = [
    ['defaults only', {}, ['--job-name=q-n']],
    ['resources', { resources: { cpus: 2, gpus: 1, mem: '8G', time: '01:00:00', partition: 'p', account: 'a' } },
      ['--job-name=q-n', '--cpus-per-task=2', '--mem=8G', '--gres=gpu:1', '--time=01:00:00', '--partition=p', '--account=a']],
    ['zero gpus ask for no gres', { resources: { gpus: 0 } }, ['--job-name=q-n']],
    ['global under resources', { global: { partition: 'g', mem: '1G' }, resources: { mem: '2G' } }, ['--job-name=q-n', '--partition=g', '--mem=2G']],
    ['node default over resources', { resources: { cpus: 2 }, node: { cpus_per_task: 4n } }, ['--job-name=q-n', '--cpus-per-task=4']],
    ['grid row over node default', { global: { partition: 'g' }, node: { partition: 'n' }, row: { partition: 'r' } }, ['--job-name=q-n', '--partition=r']],
    ['user options may rename the job', { global: { job_name: 'mine' } }, ['--job-name=mine']],
    ['true is a bare flag, false and null drop', { global: { requeue: true, exclusive: true, mem: '1G' }, row: { exclusive: false, mem: null } }, ['--job-name=q-n', '--requeue']],
    ['numbers print as written', { global: { nice: 10n, 'gpu-freq': 1.5 } }, ['--job-name=q-n', '--nice=10', '--gpu-freq=1.5']],
  ];
  for (const [name, layers, expected] of CASES) test(name, () => assert.deepEqual(words(layers), expected));

  test('the signature tells different option sets apart', () => {
    const a = mergeSbatchOptions({ defaults: DEFAULTS, resources: {}, row: { partition: 'a' } });
    const b = mergeSbatchOptions({ defaults: DEFAULTS, resources: {}, row: { partition: 'b' } });
    assert.notEqual(a.signature, b.signature);
  });
});

describe('validateSlurmOptions', () => {
  const graphWith = (row: ValueMap) =>
    fixtureGraph({ root: '/r', workdir: '/w' }, [
      { id: 'a', node: 'n', rowOptions: { slurm_options: row } },
      { id: 'b', node: 'n', rowOptions: { slurm_options: row } },
    ]);
  const CASES: [string, ValueMap, RegExp | undefined][] = [
    ['valid options', { partition: 'gpu', mem: '8G', requeue: true }, undefined],
    ['a reserved option', { array: '0-3' }, /sets --array itself/],
    ['a dependency', { dependency: 'afterok:1' }, /sets --dependency itself/],
    ['a short option', { p: 'gpu' }, /not an sbatch option name/],
    ['a list value', { gres: ['gpu:1'] }, /needs a single value/],
  ];
  for (const [name, row, message] of CASES) {
    test(name, () => {
      const problems = validateSlurmOptions(graphWith(row), undefined);
      if (!message) return assert.deepEqual(problems, []);
      assert.equal(problems.length, 1, 'a block shared by two jobs is reported once');
      assert.match(problems[0]!.message, message);
      assert.equal(problems[0]!.code, 'E_OPTION');
    });
  }

  test('global options are checked too', () => {
    const problems = validateSlurmOptions(fixtureGraph({ root: '/r', workdir: '/w' }, [{ id: 'a', node: 'n' }]), { wrap: 'x' });
    assert.match(problems[0]?.message ?? '', /^--slurm_options: the slurm target sets --wrap itself/);
  });
});
