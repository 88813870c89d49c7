import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CHUNK_BYTES } from '../../../../src/targets/shared/chunks.js';
import type { JobGraph } from '../../../../src/graph/job-graph.js';
import { runnerArgs } from '../../../../src/targets/shared/runtime.js';
import { snakemakeTarget, validateSnakemake } from '../../../../src/targets/snakemake/index.js';
import { jobTables } from '../../../../src/targets/snakemake/view-model.js';
import type { EmittedFile, TargetOptions } from '../../../../src/targets/target.js';
import { fixtureGraph, fixtureOptions, pipelineGraph } from '../../../helpers/fixture-graph.js';
import { assertGolden, chunksText, fileText } from '../../../helpers/golden.js';


function filesOf(graph: JobGraph, options: TargetOptions = fixtureOptions()): Map<string, string> {
  return new Map(snakemakeTarget.emit(graph, options).map((file) => [file.path, fileText(file)]));
}

function fileOf(graph: JobGraph, path: string, options: TargetOptions = fixtureOptions()): string {
  const content = filesOf(graph, options).get(path);
  assert.ok(content !== undefined, `no ${path}`);
  return content;
}

/** The rule block (from `rule name:` to the shell line) of a rule. */
function ruleBlock(snakefile: string, name: string): string {
  const match = new RegExp(`^rule ${name}:\\n(?:    .*\\n)+`, 'm').exec(snakefile);
  assert.ok(match, `no rule ${name}`);
  return match[0];
}

describe('snakemake target', () => {
  for (const file of ['Snakefile', 'gwc-jobs.tsv', 'gwc-argv.jsonl']) {
    test(`${file} of the fixture graph matches its golden byte for byte`, () => {
      const options = fixtureOptions({ devices: ['0', '1'], preamble: 'conda activate "x"\n# $HOME' });
      assertGolden(`snakemake/basic/${file}`, fileOf(pipelineGraph(), file, options));
    });
  }

  test('one rule per node, each with the id wildcard in its output and only the id and offset in its shell line', () => {
    const snakefile = fileOf(pipelineGraph(), 'Snakefile');
    assert.deepEqual([...snakefile.matchAll(/^rule (\w+):$/gm)].map((m) => m[1]), ['all', 'predict', 'track', 'evaluate']);
    const block = ruleBlock(snakefile, 'track');
    assert.match(block, /^    output: "\/srv\/gwc\/runs\/track\/\{id\}\/\.gwc-done"$/m);
    assert.match(block, /^    shell: "python3 \.\/gwc-job\.py \{params\.argv\} \{wildcards\.id\}"$/m);
    assert.match(snakefile, /^localrules: all$/m);
    assert.match(snakefile, /^wildcard_constraints:\n    id="\[A-Za-z0-9_\.\+-\]\+",$/m);
  });

  test('threads and resources come from the node', () => {
    const graph = fixtureGraph({ root: '/r', workdir: '/w' }, [
      { id: 'a', node: 'n', resources: { cpus: 3, gpus: 1, mem: '2G', time: '1:00:00', partition: 'gpu' } },
      { id: 'b', node: 'm' },
    ]);
    const snakefile = fileOf(graph, 'Snakefile');
    assert.match(ruleBlock(snakefile, 'n'), /^    threads: 3\n    resources: mem_mb=2048, runtime=60, gpu=1, slurm_extra="--partition=gpu --gres=gpu:1"\n/m);
    assert.match(ruleBlock(snakefile, 'm'), /^    threads: 1\n    resources: slurm_extra=""\n/m);
  });

  test('the job table lists rule index, argv line length, forced flag and dependencies', () => {
    const graph = pipelineGraph();
    const lines = fileOf(graph, 'gwc-jobs.tsv').split('\n').slice(0, -1).map((line) => line.split('\t'));
    assert.deepEqual(lines.map((l) => l[0]), graph.jobs.map((j) => j.id));
    const byId = new Map(lines.map((l) => [l[0], l]));
    assert.deepEqual(byId.get('predict_id_aaaa')?.slice(1, 2).concat(byId.get('predict_id_aaaa')?.slice(3) ?? []), ['0', '0', '']);
    assert.deepEqual(byId.get('track_id_01cd')?.slice(3), ['1', 'predict_id_aaaa'], 'a redo job is forced');
    assert.deepEqual(byId.get('evaluate_id_10ef')?.slice(1, 2), ['2']);
    assert.deepEqual(byId.get('evaluate_id_10ef')?.slice(3), ['0', 'track_id_10cd']);
  });

  test('a stale marker forces the job; a done job is listed but not forced', () => {
    const graph = fixtureGraph({ root: '/r', workdir: '/w' }, [
      { id: 'a', node: 'n', staleMarker: true },
      { id: 'b', node: 'n', status: 'done' },
      { id: 'c', node: 'n', status: 'disabled' },
    ]);
    const rows = fileOf(graph, 'gwc-jobs.tsv').split('\n').slice(0, -1).map((line) => line.split('\t'));
    assert.deepEqual(rows.map(([id, rule, , forced, deps]) => [id, rule, forced, deps]), [
      ['a', '0', '1', ''],
      ['b', '0', '0', ''],
    ]);
  });

  test('each job line of the argv table starts at the offset the job table gives and holds the runner argv', () => {
    const graph = pipelineGraph({ command: (node, id) => `echo ${node} ${id} 'Zürich ✓' "$HOME"` });
    const options = fixtureOptions();
    const files = filesOf(graph, options);
    const argv = Buffer.from(files.get('gwc-argv.jsonl') as string);
    let offset = 0;
    for (const line of (files.get('gwc-jobs.tsv') as string).split('\n').slice(0, -1)) {
      const [id, , size] = line.split('\t') as [string, string, string];
      const end = argv.indexOf(0x0a, offset);
      assert.equal(end + 1 - offset, Number(size), `${id}: line length`);
      const record = JSON.parse(argv.subarray(offset, end).toString('utf8')) as string[];
      const job = graph.jobs.find((j) => j.id === id);
      assert.ok(job);
      assert.deepEqual(record, [id, ...runnerArgs(job, graph, options)]);
      offset = end + 1;
    }
    assert.equal(offset, argv.length);
  });

  test('the job table is the same whether or not the argv table was written first', () => {
    const graph = pipelineGraph({ command: (_n, id) => `echo ${id} ✓` });
    const cold = chunksText(jobTables(graph, fixtureOptions()).jobLines);
    const tables = jobTables(graph, fixtureOptions());
    const argv = chunksText(tables.argvLines);
    assert.ok(argv.length > 0);
    assert.equal(chunksText(tables.jobLines), cold);
  });

  test('the tables are re-iterable and streamed in bounded chunks', () => {
    const specs = Array.from({ length: 20000 }, (_, i) => ({ id: `job_${i}`, node: 'n', ...(i ? { deps: ['job_0'] } : {}) }));
    const files = snakemakeTarget.emit(fixtureGraph({ root: '/r', workdir: '/w' }, specs), fixtureOptions());
    for (const path of ['gwc-argv.jsonl', 'gwc-jobs.tsv']) {
      const file = files.find((f) => f.path === path) as EmittedFile;
      assert.equal(typeof file.content, 'object');
      const first = [...file.content];
      assert.deepEqual([...file.content], first);
      assert.ok(first.length > 1, `${path}: only ${first.length} chunks`);
      for (const chunk of first) assert.ok(chunk.length <= CHUNK_BYTES, `${path}: chunk of ${chunk.length} bytes`);
      assert.equal(chunksText(first).split('\n').length - 1, 20000);
    }
  });

  test('emits the Snakefile, its tables, the launcher, the Slurm profile and the runner', () => {
    assert.deepEqual(
      snakemakeTarget.emit(pipelineGraph(), fixtureOptions()).map((f) => [f.path, f.executable ?? false]),
      [
        ['Snakefile', false],
        ['gwc-argv.jsonl', false],
        ['gwc-jobs.tsv', false],
        ['gwc-job.py', true],
        ['gwc-force.stamp', false],
        ['profiles/slurm/config.yaml', false],
        ['profiles/slurm/gwc-sbatch.sh', true],
        ['profiles/slurm/gwc-status.sh', true],
        ['gwc-run.sh', true],
      ],
    );
  });

  test('exports devices and preamble only when given, as Python literals', () => {
    assert.doesNotMatch(fileOf(pipelineGraph(), 'Snakefile'), /os\.environ/);
    const full = fileOf(pipelineGraph(), 'Snakefile', fixtureOptions({ devices: ['0', '3'], preamble: 'a "b"\n\\c' }));
    assert.match(full, /^os\.environ\.setdefault\("GWC_DEVICES", "0,3"\)$/m);
    assert.match(full, /^os\.environ\.setdefault\("GWC_PREAMBLE", "a \\"b\\"\\n\\\\c"\)$/m);
  });

  const RUN_COMMANDS: [string, Partial<TargetOptions>, string[]][] = [
    ['plain', { workers: 7 }, ['snakemake', '-j', '7', '--rerun-triggers', 'mtime', '--rerun-incomplete', '--scheduler', 'greedy']],
    ['with devices', { workers: 2, devices: ['0', '1'] }, ['snakemake', '-j', '2', '--rerun-triggers', 'mtime', '--rerun-incomplete', '--scheduler', 'greedy', '--resources', 'gpu=2']],
  ];
  for (const [name, overrides, expected] of RUN_COMMANDS) {
    test(`runCommand: ${name}`, () => assert.deepEqual(snakemakeTarget.runCommand(fixtureOptions(overrides)), expected));
  }

  test('node names that are not Python identifiers get rule names that are', () => {
    const graph = fixtureGraph({ root: '/r', workdir: '/w' }, [
      { id: 'a', node: 'my-node' },
      { id: 'b', node: 'all' },
    ]);
    const snakefile = fileOf(graph, 'Snakefile');
    assert.match(snakefile, /^# node my-node\nrule node_my_node:$/m);
    assert.match(snakefile, /^# node all\nrule all_2:$/m);
  });
});

describe('validateSnakemake', () => {
  const ROOTS: [string, string, string | null][] = [
    ['safe root', '/srv/gwc/runs', null],
    ['spaces and shell characters are fine', '/srv/my runs/$x:#%', null],
    ['braces', '/srv/{x}', 'the snakemake target needs a root path without "{", "}"'],
    ['newline', '/srv/a\nb', 'the snakemake target needs a root path without "\\n"'],
  ];
  for (const [name, root, message] of ROOTS) {
    test(`root: ${name}`, () => {
      const diagnostics = validateSnakemake(fixtureGraph({ root, workdir: '/w' }, [{ id: 'a', node: 'n' }]));
      assert.deepEqual(diagnostics.map((d) => d.message), message ? [message] : []);
      for (const d of diagnostics) assert.equal(d.code, 'E_OPTION');
    });
  }

  test('a node dir with braces is reported once', () => {
    const diagnostics = validateSnakemake(fixtureGraph({ root: '/r', workdir: '/w' }, [{ id: 'a', node: '{n}' }, { id: 'b', node: '{n}' }]));
    assert.deepEqual(diagnostics.map((d) => d.message), ['the snakemake target needs job directories without "{", "}"']);
  });

  test('an id the wildcard cannot match is reported', () => {
    const diagnostics = validateSnakemake(fixtureGraph({ root: '/r', workdir: '/w' }, [{ id: 'a b', node: 'n' }]));
    assert.deepEqual(diagnostics.map((d) => d.message), ['the snakemake target cannot name job "a b" in a wildcard']);
  });

  const RESOURCES: [string, Record<string, string>, string[]][] = [
    ['readable', { mem: '8G', time: '01:00:00' }, []],
    ['bad mem', { mem: 'lots' }, ['the snakemake target cannot read resources.mem of node "n"']],
    ['bad time', { time: '1h' }, ['the snakemake target cannot read resources.time of node "n"']],
  ];
  for (const [name, resources, messages] of RESOURCES) {
    test(`resources: ${name}`, () => {
      const diagnostics = validateSnakemake(fixtureGraph({ root: '/r', workdir: '/w' }, [{ id: 'a', node: 'n', resources }]));
      assert.deepEqual(diagnostics.map((d) => d.message), messages);
    });
  }
});
