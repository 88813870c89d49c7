import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MAX_DAG_TASKS } from '../../../../src/targets/argo/limits.js';
import { groupParts, planWorkflows, type ArgoPlan } from '../../../../src/targets/argo/plan.js';
import { fixtureGraph } from '../../../helpers/fixture-graph.js';
import { gridGraph } from './argo-helpers.js';

/** Checks the plan's invariants: ranges tile the jobs, dependencies point backward and are complete. */
function assertConsistent(plan: ArgoPlan): void {
  let next = 0;
  for (const [c, chunk] of plan.chunks.entries()) {
    assert.equal(chunk.start, next, `chunk ${c} starts where the last ended`);
    assert.ok(chunk.end > chunk.start && chunk.end - chunk.start <= MAX_DAG_TASKS);
    for (const d of chunk.deps) assert.ok(d < c);
    next = chunk.end;
  }
  assert.equal(next, plan.jobs.length);
  const partOf = new Int32Array(plan.chunks.length);
  for (const [p, part] of plan.parts.entries()) {
    for (let c = part.firstChunk; c < part.endChunk; c += 1) partOf[c] = p;
    for (const d of part.deps) assert.ok(d < p);
  }
  for (const [i, job] of plan.jobs.entries()) {
    const c = plan.chunkOf[i] as number;
    for (const id of job.deps) {
      const dc = plan.chunkOf[plan.indexOf.get(id) as number] as number;
      if (dc === c) continue;
      if (partOf[dc] === partOf[c]) assert.ok(plan.chunks[c]?.deps.includes(dc), `chunk ${c} waits for chunk ${dc}`);
      else assert.ok(plan.parts[partOf[c] as number]?.deps.includes(partOf[dc] as number), `part waits for part`);
    }
  }
}

describe('planWorkflows', () => {
  const CASES: readonly [string, number, number, number, number][] = [
    // name, jobs, jobs per workflow, parts, chunks
    ['10 jobs: one chunk, one part', 10, 1000, 1, 1],
    ['1,000 jobs: five chunks of 200, one part', 1000, 1000, 1, 5],
    ['1,000 jobs, 300 per workflow: four parts', 1000, 300, 4, 7],
    ['450 jobs, 1 per workflow: a part per job', 450, 1, 450, 450],
  ];
  for (const [name, jobs, perWorkflow, parts, chunks] of CASES) {
    test(name, () => {
      const plan = planWorkflows(gridGraph(jobs), perWorkflow);
      assert.equal(plan.parts.length, parts);
      assert.equal(plan.chunks.length, chunks);
      assertConsistent(plan);
    });
  }

  test('task names are DNS labels, unique within a part', () => {
    const graph = fixtureGraph({ root: '/r', workdir: '/w' }, [
      { id: 'A_id_x', node: 'A' },
      { id: 'a-id-x', node: 'a' },
      { id: '9_id', node: 'n' },
    ]);
    assert.deepEqual(planWorkflows(graph, 1000).taskNames, ['a-id-x', 'a-id-x-2', 'x-9-id']);
  });

  test('a chunk waits only for earlier chunks that hold its dependencies', () => {
    const plan = planWorkflows(gridGraph(1000), 1000);
    // prep jobs fill the first chunks; train and eval jobs wait for them.
    assert.deepEqual(plan.chunks[0]?.deps, []);
    assert.ok((plan.chunks[4]?.deps.length ?? 0) > 0);
  });
});

describe('groupParts', () => {
  test('up to 200 parts are one group', () => {
    const plan = planWorkflows(gridGraph(200), 1);
    assert.equal(groupParts(plan.parts).length, 1);
  });

  test('more parts go into groups of 200 that wait for earlier groups', () => {
    const plan = planWorkflows(gridGraph(450), 1);
    const groups = groupParts(plan.parts);
    assert.deepEqual(groups.map((g) => [g.firstPart, g.endPart]), [[0, 200], [200, 400], [400, 450]]);
    assert.deepEqual(groups[0]?.deps, []);
    assert.ok(groups[2]?.deps.includes(0));
  });
});
