import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Job, JobGraph } from '../../../../src/graph/job-graph.js';
import { directDeps, planArrays, type SlurmArray } from '../../../../src/targets/slurm/arrays.js';
import { sbatchOptionsOf } from '../../../../src/targets/slurm/view-model.js';
import { fixtureGraph, fixtureOptions, type FixtureJobSpec } from '../../../helpers/fixture-graph.js';

function plan(specs: readonly FixtureJobSpec[], maxArraySize = 1001): SlurmArray[] {
  const graph = fixtureGraph({ root: '/r', workdir: '/w' }, specs);
  return planArrays(graph, maxArraySize, sbatchOptionsOf(graph, fixtureOptions()));
}

/** Each array as `node: task ids by index (holes as -) <- dependencies`. */
function shape(arrays: readonly SlurmArray[]): string[] {
  return arrays.map((array) => {
    const tasks = Array.from({ length: array.tasks.length }, (_, i) => array.tasks[i]?.id ?? '-').join(',');
    const deps = array.dependencies.map((d) => (d.kind === 'ok' ? `ok:${d.array}:${d.indices.join('+')}` : `${d.kind}:${d.array}`));
    return `${array.node}[${array.number}]: ${tasks}${deps.length ? ` <- ${deps.join(' ')}` : ''}`;
  });
}

const roots = (n: number, node = 'a'): FixtureJobSpec[] => Array.from({ length: n }, (_, i) => ({ id: `${node}${i}`, node }));

describe('planArrays', () => {
  const CASES: [string, FixtureJobSpec[], string[], number?][] = [
    ['root jobs share one array', roots(3), ['a[0]: a0,a1,a2']],
    ['an array splits at the max array size', roots(5), ['a[0]: a0,a1', 'a[1]: a2,a3', 'a[2]: a4'], 2],
    [
      '1:1 jobs are aligned with their upstream tasks (aftercorr)',
      [...roots(3), { id: 'b0', node: 'b', deps: ['a0'] }, { id: 'b2', node: 'b', deps: ['a2'] }],
      ['a[0]: a0,a1,a2', 'b[1]: b0,-,b2 <- corr:0'],
    ],
    [
      'jobs waiting for the same upstream task share an array (afterok on that task)',
      [...roots(2), { id: 'b0', node: 'b', deps: ['a1'] }, { id: 'b1', node: 'b', deps: ['a1'] }, { id: 'b2', node: 'b', deps: ['a0'] }],
      ['a[0]: a0,a1', 'b[1]: b0,b1 <- ok:0:1', 'b[2]: b2 <- corr:0'],
    ],
    [
      'a fan-in over every upstream task waits for the whole array',
      [...roots(3), { id: 'c', node: 'c', deps: ['a0', 'a1', 'a2'] }],
      ['a[0]: a0,a1,a2', 'c[1]: c <- all:0'],
    ],
    [
      'a fan-in over some upstream tasks waits for exactly those',
      [...roots(3), { id: 'c', node: 'c', deps: ['a0', 'a2'] }],
      ['a[0]: a0,a1,a2', 'c[1]: c <- ok:0:0+2'],
    ],
    [
      'a dependency another dependency already covers is dropped',
      [...roots(2), { id: 'b0', node: 'b', deps: ['a0'] }, { id: 'b1', node: 'b', deps: ['a1'] }, { id: 'e0', node: 'e', deps: ['b0', 'a0'] }, { id: 'e1', node: 'e', deps: ['b1', 'a1'] }],
      ['a[0]: a0,a1', 'b[1]: b0,b1 <- corr:0', 'e[2]: e0,e1 <- corr:1'],
    ],
    [
      'jobs aligned with two arrays at the same index wait for both',
      [...roots(2), ...roots(2, 'b'), { id: 'c0', node: 'c', deps: ['a0', 'b0'] }, { id: 'c1', node: 'c', deps: ['a1', 'b1'] }],
      ['a[0]: a0,a1', 'b[1]: b0,b1', 'c[2]: c0,c1 <- corr:0 corr:1'],
    ],
    [
      'jobs with different grid slurm options go to different arrays',
      [{ id: 'x', node: 'a' }, { id: 'y', node: 'a', rowOptions: { slurm_options: { partition: 'gpu' } } }, { id: 'z', node: 'a' }],
      ['a[0]: x,z', 'a[1]: y'],
    ],
    [
      'done jobs keep their place (submit.sh skips them at submit time)',
      [{ id: 'd', node: 'a', status: 'done' }, { id: 't', node: 'a' }, { id: 'off', node: 'a', status: 'disabled' }],
      ['a[0]: d,t'],
    ],
  ];
  for (const [name, specs, expected, max] of CASES) {
    test(name, () => assert.deepEqual(shape(plan(specs, max)), expected));
  }

  test('upstream arrays come before the arrays that wait for them, whatever the node order', () => {
    const specs: FixtureJobSpec[] = [{ id: 'a0', node: 'a' }, { id: 'b0', node: 'b', deps: ['a0'] }, { id: 'a1', node: 'a', deps: [] }, { id: 'c0', node: 'c', deps: ['b0', 'a1'] }];
    const arrays = plan(specs);
    for (const array of arrays) for (const dep of array.dependencies) assert.ok(dep.array < array.number);
    assert.equal(arrays.reduce((sum, a) => sum + a.size, 0), 4);
  });

  test('no task index reaches the max array size', () => {
    const specs = [...roots(7), ...Array.from({ length: 7 }, (_, i) => ({ id: `b${i}`, node: 'b', deps: [`a${i}`] }))];
    for (const array of plan(specs, 3)) assert.ok(array.tasks.length <= 3, `array ${array.number} has ${array.tasks.length} indices`);
  });
});

describe('directDeps', () => {
  const graph: JobGraph = fixtureGraph({ root: '/r', workdir: '/w' }, [
    { id: 'a', node: 'a' },
    { id: 'b', node: 'b', deps: ['a'] },
    { id: 'c', node: 'c', deps: ['b'] },
    { id: 'x', node: 'x' },
    { id: 'd', node: 'd', deps: ['a', 'c', 'x'] },
  ]);
  const byId = new Map<string, Job>(graph.jobs.map((job) => [job.id, job]));
  test('drops deps that other deps wait for, at any depth', () => assert.deepEqual(directDeps(byId.get('d')!, byId), ['c', 'x']));
  test('keeps a single dep', () => assert.deepEqual(directDeps(byId.get('c')!, byId), ['b']));
});
