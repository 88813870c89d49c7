import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { JobGraph } from '../../../../src/graph/job-graph.js';
import { bashCommentText, bashWord, isBashSafeId } from '../../../../src/targets/bash/escape.js';
import { bashTarget, validateBash } from '../../../../src/targets/bash/index.js';
import { CHUNK_BYTES } from '../../../../src/targets/shared/chunks.js';
import type { EmittedFile, TargetOptions } from '../../../../src/targets/target.js';
import { fixtureGraph, fixtureOptions, pipelineGraph } from '../../../helpers/fixture-graph.js';
import { assertGolden, chunksText, fileText } from '../../../helpers/golden.js';

function scriptOf(graph: JobGraph, options: TargetOptions = fixtureOptions()): string {
  const file = bashTarget.emit(graph, options).find((f) => f.path === 'run.sh') as EmittedFile;
  return fileText(file);
}

/** The `gwc_job` line of the job with this id. */
function jobLine(script: string, id: string): string {
  const line = script.split('\n').find((l) => l.startsWith(`gwc_job `) && l.split(' ')[2] === id);
  assert.ok(line, `no job line for ${id}`);
  return line;
}

describe('bash target', () => {
  test('the script of the fixture graph matches its golden byte for byte', () => {
    const options = fixtureOptions({ devices: ['0', '1'], preamble: "source '/opt/env dir/activate'", queueName: 'it\'s "q"' });
    assertGolden('bash/basic/run.sh', scriptOf(pipelineGraph(), options));
  });

  test('one banner and one job line per scheduled job, numbered in topological order', () => {
    const graph = pipelineGraph();
    const script = scriptOf(graph);
    const banners = script.split('\n').filter((l) => l.startsWith('### Command '));
    assert.deepEqual(banners, graph.jobs.map((job, i) => `### Command ${i + 1} / ${graph.jobs.length} - ${job.id}`));
    assert.match(script, /^gwc_total=10$/m);
  });

  test('a job line names the job, then its dependencies, then the runner arguments', () => {
    const script = scriptOf(pipelineGraph());
    assert.match(jobLine(script, 'predict_id_aaaa'), /^gwc_job 1 predict_id_aaaa -- --dir "\$gwc_root"\/predict\/predict_id_aaaa --id /);
    assert.match(jobLine(script, 'evaluate_id_10ef'), /^gwc_job \d+ evaluate_id_10ef track_id_10cd -- --dir /);
    assert.match(jobLine(script, 'track_id_01cd'), /^gwc_job \d+ track_id_01cd predict_id_aaaa -- --dir /);
    assert.match(jobLine(script, 'track_id_01cd'), / --redo --workdir \/srv\/gwc\/pipeline -- /);
    assert.match(jobLine(script, 'predict_id_aaaa'), / --gpus 1 /);
  });

  test('jobs that are not scheduled are left out', () => {
    const graph = fixtureGraph({ root: '/r', workdir: '/w' }, [
      { id: 'a', node: 'n' },
      { id: 'b', node: 'n', status: 'disabled' },
    ]);
    const script = scriptOf(graph);
    assert.match(script, /^gwc_total=1$/m);
    assert.doesNotMatch(script, /gwc_job \d+ b /);
  });

  const EXPORTS: [string, Partial<TargetOptions>, string[]][] = [
    ['nothing by default', {}, []],
    ['a device list', { devices: ['0', '3'] }, ["[ -n \"${GWC_DEVICES+set}\" ] || GWC_DEVICES=0,3; export GWC_DEVICES"]],
    ['auto devices', { devicesAuto: true }, ["[ -n \"${GWC_DEVICES+set}\" ] || GWC_DEVICES=auto; export GWC_DEVICES"]],
    ['a preamble, quoted', { preamble: "conda activate 'x'\n# $y" }, [`[ -n "\${GWC_PREAMBLE+set}" ] || GWC_PREAMBLE='conda activate '\\''x'\\''\n# $y'; export GWC_PREAMBLE`]],
  ];
  for (const [name, options, expected] of EXPORTS) {
    test(`exports: ${name}`, () => {
      const script = scriptOf(pipelineGraph(), fixtureOptions(options));
      const block = script.slice(script.indexOf('set -u\n\n') + 'set -u\n\n'.length, script.indexOf('gwc_root='));
      assert.equal(block, expected.map((line) => `${line}\n`).join(''));
    });
  }

  test('the queue name reaches the state file as JSON and comments as one line', () => {
    const script = scriptOf(pipelineGraph(), fixtureOptions({ queueName: 'a"b\nc' }));
    assert.match(script, /^gwc_name='"a\\"b\\nc"'$/m);
    assert.match(script, /^# Queue "a\\"b\\nc": 10 jobs/m);
  });

  test('the content is re-iterable and streamed in bounded chunks', () => {
    const specs = Array.from({ length: 3000 }, (_, i) => ({ id: `job_${i}`, node: 'n', ...(i ? { deps: ['job_0'] } : {}) }));
    const file = bashTarget.emit(fixtureGraph({ root: '/r', workdir: '/w' }, specs), fixtureOptions())[0] as EmittedFile;
    assert.equal(typeof file.content, 'object');
    const first = [...file.content];
    assert.deepEqual([...file.content], first);
    assert.ok(first.length > 3, `only ${first.length} chunks`);
    for (const chunk of first) assert.ok(chunk.length <= CHUNK_BYTES, `chunk of ${chunk.length} bytes`);
    const text = chunksText(first);
    assert.equal(text.match(/^gwc_job /gm)?.length, 3000);
    assert.ok(text.endsWith('\n# ----\ngwc_finish\n'));
  });

  test('emits the script (executable) and the runner', () => {
    assert.deepEqual(
      bashTarget.emit(pipelineGraph(), fixtureOptions()).map((f) => [f.path, f.executable ?? false]),
      [
        ['run.sh', true],
        ['gwc-run.sh', true],
      ],
    );
  });

  test('runs as sh run.sh', () => {
    assert.deepEqual(bashTarget.runCommand(fixtureOptions()), ['sh', 'run.sh']);
  });

  test('a gwc_dirs line before every 64 jobs names their dirs', () => {
    const specs = Array.from({ length: 130 }, (_, i) => ({ id: `j${i}`, node: 'n' }));
    const script = scriptOf(fixtureGraph({ root: '/r', workdir: '/w' }, specs));
    const dirsLines = script.split('\n').filter((line) => line.startsWith('gwc_dirs '));
    assert.deepEqual(dirsLines.map((line) => line.split(' ').length - 1), [64, 64, 2]);
    const firstJob = script.indexOf('gwc_job 1 ');
    assert.ok(script.indexOf('gwc_dirs ') < firstJob && script.indexOf('\ngwc_dirs ', firstJob) > script.indexOf('gwc_job 64 '));
  });
});

describe('bash escaping', () => {
  const WORDS: [string, string, string][] = [
    ['a safe word stays bare', 'abc', 'abc'],
    ['a path under the root goes through $gwc_root', '/srv/runs/x y', `"$gwc_root"'/x y'`],
    ['the root itself stays a literal', '/srv/runs', '/srv/runs'],
    ['a sibling of the root is not shortened', '/srv/runs2/x', '/srv/runs2/x'],
    ['quotes and expansions are single-quoted', `it's $(x) \`y\``, `'it'\\''s $(x) \`y\`'`],
    ['a newline stays inside the quotes', 'a\nb', `'a\nb'`],
  ];
  for (const [name, word, expected] of WORDS) {
    test(name, () => assert.equal(bashWord(word, '/srv/runs/'), expected));
  }

  test('a root of / is never shortened', () => assert.equal(bashWord('/x', '/'), '/x'));

  test('comment text has no control characters', () => assert.equal(bashCommentText('a\nb\tc'), 'a?b?c'));

  const IDS: [string, boolean][] = [
    ['track_id_0a9z', true],
    ['n.sub-1', true],
    ['a/b', false],
    ['a b', false],
    ['a"b', false],
    ['--redo', false],
    ['.hidden', false],
    ['', false],
  ];
  for (const [id, safe] of IDS) test(`id ${JSON.stringify(id)} is ${safe ? '' : 'not '}safe`, () => assert.equal(isBashSafeId(id), safe));

  test('validateBash names the first job whose id cannot name a file', () => {
    const graph = fixtureGraph({ root: '/r', workdir: '/w' }, [{ id: 'ok', node: 'n' }, { id: 'x y', node: 'n' }]);
    const diagnostics = validateBash(graph);
    assert.deepEqual(diagnostics.map((d) => [d.code, d.message]), [['E_OPTION', 'the bash target cannot name status files after job "x y"']]);
    assert.deepEqual(validateBash(pipelineGraph()), []);
  });
});
