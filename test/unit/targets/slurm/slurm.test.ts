import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CHUNK_BYTES } from '../../../../src/targets/shared/chunks.js';
import type { JobGraph } from '../../../../src/graph/job-graph.js';
import { slurmTarget } from '../../../../src/targets/slurm/index.js';
import type { EmittedFile, TargetOptions } from '../../../../src/targets/target.js';
import { fixtureGraph, fixtureOptions, pipelineGraph } from '../../../helpers/fixture-graph.js';
import { assertGolden, chunksText, fileText } from '../../../helpers/golden.js';


function emitted(graph: JobGraph, options: TargetOptions = fixtureOptions()): Map<string, string> {
  return new Map(slurmTarget.emit(graph, options).map((file) => [file.path, fileText(file)]));
}

/** The fixture pipeline with per-node and grid options, as the golden shows them. */
function goldenGraph(): JobGraph {
  const graph = pipelineGraph();
  const jobs = graph.jobs.map((job) => (job.id === 'evaluate_id_11ef' ? { ...job, rowOptions: { slurm_options: { partition: 'big' } } } : job));
  const nodes = graph.nodes.map((node) => (node.name === 'track' ? { ...node, targetOptions: { slurm_options: { time: '00:10:00', requeue: true } } } : node));
  return { ...graph, jobs, nodes };
}

describe('slurm target', () => {
  const options = fixtureOptions({ preamble: 'conda activate watch', settings: { options: { account: 'proj', mem: '1G' } } });
  const files = emitted(goldenGraph(), options);

  for (const path of ['submit.sh', 'gwc-task.sh', 'cancel.sh', 'wait.sh', 'tables/0.jobs', 'tables/1.jobs', 'tables/3.jobs', 'tables/5.jobs']) {
    test(`${path} of the fixture graph matches its golden byte for byte`, () => {
      assertGolden(`slurm/basic/${path}`, files.get(path) ?? '');
    });
  }

  test('emits the scripts, one table per array and the runner', () => {
    assert.deepEqual(
      slurmTarget.emit(goldenGraph(), options).map((f) => [f.path, f.executable ?? false]),
      [
        ['submit.sh', true], ['gwc-task.sh', true], ['cancel.sh', true], ['wait.sh', true],
        ...[0, 1, 2, 3, 4, 5].map((n) => [`tables/${n}.jobs`, false]),
        ['gwc-run.sh', true],
      ],
    );
  });

  test('every scheduled job is on exactly one table line', () => {
    const graph = goldenGraph();
    const lines = [...files.entries()].filter(([path]) => path.startsWith('tables/')).flatMap(([, body]) => body.split('\n').filter(Boolean));
    const ids = lines.map((line) => / --id ([^ ]+) /.exec(line)?.[1]);
    assert.deepEqual(ids.sort(), graph.jobs.filter((j) => j.scheduled).map((j) => j.id).sort());
  });

  test('submit.sh throttles every array to --workers and always kills on an invalid dependency', () => {
    const submit = emitted(pipelineGraph(), fixtureOptions({ workers: 7 })).get('submit.sh') ?? '';
    assert.match(submit, /^WORKERS=7$/m);
    assert.match(submit, /local args=\(--parsable --kill-on-invalid-dep=yes "--array=\$ranges%\$WORKERS" "\$@"\)/);
  });

  test('submit.sh is streamed in bounded chunks and is re-iterable', () => {
    const specs = Array.from({ length: 3000 }, (_, i) => ({ id: `job_${i}`, node: 'n' }));
    const options = fixtureOptions({ settings: { maxArraySize: 1 } });
    const file = slurmTarget.emit(fixtureGraph({ root: '/r', workdir: '/w' }, specs), options)[0] as EmittedFile;
    assert.equal(typeof file.content, 'object');
    const first = [...file.content];
    assert.deepEqual([...file.content], first);
    assert.ok(first.length > 2, `only ${first.length} chunks`);
    for (const chunk of first) assert.ok(chunk.length <= CHUNK_BYTES);
    assert.equal(chunksText(first).match(/^submit_array /gm)?.length, 3000);
  });

  test('a node option the target sets itself is refused', () => {
    const graph = pipelineGraph();
    const nodes = graph.nodes.map((node) => ({ ...node, targetOptions: { slurm_options: { parsable: true } } }));
    const problems = slurmTarget.validate?.({ ...graph, nodes }, fixtureOptions()) ?? [];
    assert.equal(problems.length, 3);
    assert.match(problems[0]!.message, /node "predict": the slurm target sets --parsable itself/);
  });

  test('the run command submits', () => assert.deepEqual(slurmTarget.runCommand(fixtureOptions()), ['bash', 'submit.sh']));
});
