import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { CHUNK_BYTES } from '../../../../src/targets/shared/chunks.js';
import type { JobGraph } from '../../../../src/graph/job-graph.js';
import { makeTarget, validateMake } from '../../../../src/targets/make/index.js';
import type { EmittedFile, TargetOptions } from '../../../../src/targets/target.js';
import { fixtureGraph, fixtureOptions, pipelineGraph, type FixtureJobSpec } from '../../../helpers/fixture-graph.js';
import { assertGolden, chunksText, fileText } from '../../../helpers/golden.js';

function makefileOf(graph: JobGraph, options: TargetOptions = fixtureOptions()): string {
  const file = makeTarget.emit(graph, options).find((f) => f.path === 'Makefile') as EmittedFile;
  return fileText(file);
}

/** The rule (target line plus recipe) whose target contains the text. */
function ruleFor(makefile: string, text: string): string[] {
  const lines = makefile.split('\n');
  const at = lines.findIndex((line) => line.includes(text) && line.includes('.gwc-done:'));
  assert.ok(at >= 0, `no rule for ${text}`);
  return lines.slice(at, at + 2);
}

describe('make target', () => {
  test('the Makefile of the fixture graph matches its golden byte for byte', () => {
    assertGolden('make/basic/Makefile', makefileOf(pipelineGraph(), fixtureOptions({ devices: ['0', '1'] })));
  });

  test('job dirs come from one single-target stamp rule per node, never a grouped target', () => {
    // GNU make 4.3 reads a grouped target of n files in time and memory growing with n²:
    // 10k jobs took it 20 s and 4.7 GB before doing anything.
    const text = makefileOf(pipelineGraph());
    assert.doesNotMatch(text, /&:/);
    for (const node of ['predict', 'track', 'evaluate']) {
      assert.match(text, new RegExp(`^\\$\\(GWC_MARKERS_${node}\\): \\| \\.gwc-dirs-${node}$`, 'm'));
      assert.equal(text.split('\n').filter((line) => line === `.gwc-dirs-${node}:`).length, 1, `${node}: one rule makes the stamp`);
    }
  });

  test('make reads each node\'s marker list as the markers of its scheduled jobs, from lines of ids', () => {
    const specs: FixtureJobSpec[] = Array.from({ length: 150 }, (_, i) => ({ id: `n_id_${i}`, node: 'n', ...(i === 7 ? { status: 'disabled' as const } : {}) }));
    const graph = fixtureGraph({ root: '/r', workdir: '/w' }, [...specs, { id: 'm_id_x', node: 'm' }]);
    const dir = mkdtempSync(join(tmpdir(), 'gwc-markers-'));
    try {
      writeFileSync(join(dir, 'Makefile'), makefileOf(graph));
      const printed = (node: string): string[] =>
        execFileSync('make', ['-s', '-C', dir, '--eval', `gwc-print: ; @echo $(GWC_MARKERS_${node})`, 'gwc-print'], { encoding: 'utf8' }).trim().split(' ');
      const expected = (node: string): string[] => graph.jobs.filter((job) => job.node === node && job.scheduled).map((job) => job.marker);
      assert.equal(printed('n').length, 149);
      assert.deepEqual(printed('n'), expected('n'));
      assert.deepEqual(printed('m'), expected('m'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const DIRS_CASES: [string, FixtureJobSpec[], RegExp | undefined][] = [
    ['every job to run: the dirs of all markers', [{ id: 'a', node: 'n' }, { id: 'b', node: 'n' }], /\$\(file >\.gwc-dirlist-n,\$\(patsubst %\/\.gwc-done,%,\$\(GWC_MARKERS_n\)\)\)/],
    ['some done: only the dirs of the jobs to run', [{ id: 'a', node: 'n', status: 'done' }, { id: 'b', node: 'n' }], /^GWC_NEW_DIRS_n := \\\n {2}\$\(ROOT\)\/n\/b\n[^]*\$\(file >\.gwc-dirlist-n,\$\(GWC_NEW_DIRS_n\)\)/m],
    ['all done: no dirs rule, so a second make has nothing to do', [{ id: 'a', node: 'n', status: 'done' }], undefined],
  ];
  for (const [name, specs, expected] of DIRS_CASES) {
    test(`job dirs: ${name}`, () => {
      const text = makefileOf(fixtureGraph({ root: '/r', workdir: '/w' }, specs));
      if (expected) assert.match(text, expected);
      else assert.doesNotMatch(text, /gwc-dirs-n/);
    });
  }

  test('every recipe line starts with a TAB and calls the runner silently', () => {
    const recipes = makefileOf(pipelineGraph())
      .split('\n')
      .filter((line) => line.includes('; $(GWC_RUN)'));
    assert.equal(recipes.length, 10);
    for (const line of recipes) assert.match(line, /^\t@set -- --dir .*; \$\(GWC_RUN\)$/);
  });

  test('the default goal is all, which names every node', () => {
    const text = makefileOf(pipelineGraph());
    const firstRule = text.split('\n').find((line) => /^[^#\s.][^=]*:(\s|$)/.test(line) && !line.includes(':='));
    assert.equal(firstRule, 'all: predict track evaluate');
    assert.match(text, /^\.PHONY: all FORCE predict track evaluate$/m);
  });

  const FORCE_CASES: [string, string, boolean][] = [
    ['to_run root job', 'predict_id_aaaa', false],
    ['done job', 'predict_id_bbbb', false],
    ['to_run job with a dependency', 'track_id_00cd', false],
    ['redo job', 'track_id_01cd', true],
  ];
  for (const [name, id, forced] of FORCE_CASES) {
    test(`FORCE prerequisite: ${name}`, () => {
      const [head] = ruleFor(makefileOf(pipelineGraph()), id);
      assert.equal(head?.endsWith(' FORCE'), forced, head);
    });
  }

  test('a done job that must re-run because of redo is forced too', () => {
    const graph = fixtureGraph({ root: '/r', workdir: '/w' }, [{ id: 'a', node: 'n', status: 'done', redo: true }]);
    assert.deepEqual(ruleFor(makefileOf(graph), '/a/')[0], '$(ROOT)/n/a/.gwc-done: FORCE');
  });

  test('a job whose marker is stale is forced', () => {
    const graph = fixtureGraph({ root: '/r', workdir: '/w' }, [{ id: 'a', node: 'n', staleMarker: true }]);
    assert.deepEqual(ruleFor(makefileOf(graph), '/a/')[0], '$(ROOT)/n/a/.gwc-done: FORCE');
  });

  test('prerequisites are the markers of the dependencies', () => {
    const [head] = ruleFor(makefileOf(pipelineGraph()), 'evaluate_id_10ef');
    assert.equal(head, '$(ROOT)/evaluate/evaluate_id_10ef/.gwc-done: $(ROOT)/track/track_id_10cd/.gwc-done');
  });

  test('exports devices and preamble only when given', () => {
    const plain = makefileOf(pipelineGraph());
    assert.doesNotMatch(plain, /GWC_DEVICES|GWC_PREAMBLE|GWC_NL|GWC_EMPTY/);
    const full = makefileOf(pipelineGraph(), fixtureOptions({ devices: ['0', '3'], preamble: ' conda activate x\n# go' }));
    assert.match(full, /^export GWC_DEVICES \?= 0,3$/m);
    assert.match(full, /^export GWC_PREAMBLE \?= \$\(GWC_EMPTY\) conda activate x\$\(GWC_NL\)\\# go$/m);
    assert.match(full, /^GWC_EMPTY :=$/m);
    assert.match(full, /^define GWC_NL\n\n\nendef$/m);
  });

  test('a value with a newline gets the prelude; others do not', () => {
    const graph = fixtureGraph({ root: '/r', workdir: '/w' }, [
      { id: 'a', node: 'n', command: "printf '%s' 'x\ny'" },
      { id: 'b', node: 'n', command: 'echo b' },
    ]);
    const text = makefileOf(graph);
    assert.match(ruleFor(text, '/a/')[1]!, /^\t@gwc_nl=\$\$\(printf '\\nx'\); .* -- 'printf '\\''%s'\\'' '\\''x'"\$\$\{gwc_nl\}"'y'\\'''; \$\(GWC_RUN\)$/);
    assert.match(ruleFor(text, '/b/')[1]!, /^\t@set -- /);
  });

  test('the content is re-iterable and streamed in bounded chunks', () => {
    const specs = Array.from({ length: 3000 }, (_, i) => ({ id: `job_${i}`, node: 'n', ...(i ? { deps: ['job_0'] } : {}) }));
    const file = makeTarget.emit(fixtureGraph({ root: '/r', workdir: '/w' }, specs), fixtureOptions())[0] as EmittedFile;
    assert.equal(typeof file.content, 'object');
    const first = [...file.content];
    const second = [...file.content];
    assert.deepEqual(first, second);
    assert.ok(first.length > 3, `only ${first.length} chunks`);
    for (const chunk of first) assert.ok(chunk.length <= CHUNK_BYTES, `chunk of ${chunk.length} bytes`);
    assert.equal(chunksText(first).match(/^\S*\.gwc-done:/gm)?.length, 3000, 'one rule per job');
  });

  test('emits the runner next to the Makefile', () => {
    assert.deepEqual(
      makeTarget.emit(pipelineGraph(), fixtureOptions()).map((f) => [f.path, f.executable ?? false]),
      [
        ['Makefile', false],
        ['gwc-run.sh', true],
      ],
    );
  });

  test('runs as make -j <workers>', () => {
    assert.deepEqual(makeTarget.runCommand(fixtureOptions({ workers: 7 })), ['make', '-j', '7']);
  });

  test('a root path of / still shortens through an empty ROOT', () => {
    const text = makefileOf(fixtureGraph({ root: '/', workdir: '/w' }, [{ id: 'a', node: 'n' }]));
    assert.match(text, /^ROOT := $/m);
    assert.equal(ruleFor(text, '/a/')[0], '$(ROOT)/n/a/.gwc-done:');
  });
});

describe('validateMake', () => {
  const ROOTS: [string, string, string | null][] = [
    ['safe root', '/srv/gwc/runs', null],
    ['space', '/srv/my runs', 'the make target needs a root path without " "'],
    ['colon and hash', '/srv/a:b#c', 'the make target needs a root path without ":", "#"'],
    ['percent', '/srv/50%', 'the make target needs a root path without "%"'],
    ['dollar', '/srv/$x', 'the make target needs a root path without "$"'],
  ];
  for (const [name, root, message] of ROOTS) {
    test(`root: ${name}`, () => {
      const diagnostics = validateMake(fixtureGraph({ root, workdir: '/w' }, [{ id: 'a', node: 'n' }]));
      assert.deepEqual(diagnostics.map((d) => d.message), message ? [message] : []);
      for (const d of diagnostics) {
        assert.equal(d.code, 'E_OPTION');
        assert.equal(d.found, JSON.stringify(root));
        assert.ok(d.expected && d.hint);
      }
    });
  }

  test('job dirs that are not make-safe are reported once', () => {
    const graph = fixtureGraph({ root: '/r', workdir: '/w' }, [
      { id: 'n_id_a', node: 'n x' },
      { id: 'n_id_b', node: 'n x' },
    ]);
    const diagnostics = validateMake(graph).filter((d) => d.message.includes('job directories'));
    assert.deepEqual(diagnostics.map((d) => [d.code, d.message, d.found]), [
      ['E_OPTION', 'the make target needs job directories without " "', 'job "n_id_a" in "/r/n x/n_id_a"'],
    ]);
  });

  // A job dir is its node's folder plus an id of letters, digits, `_` and `.`: folders are
  // what is checked, and only those holding a job the Makefile runs.
  const DIR_RUNS: [string, { id: string; node: string; status?: 'disabled' }[], string | null][] = [
    ['all safe, several folders', [{ id: 'n_id_a', node: 'n' }, { id: 'n_id_b', node: 'n' }, { id: 'm_id_c', node: 'm' }, { id: 'n_id_d', node: 'n' }], null],
    ['a later folder', [{ id: 'n_id_a', node: 'n' }, { id: 'x_id_b', node: 'n%m' }], '"%"'],
    ['a folder that starts like a safe one', [{ id: 'n_id_a', node: 'n' }, { id: 'x_id_b', node: 'n x' }], '" "'],
    ['a non-ASCII folder', [{ id: 'n_id_a', node: 'né' }], null],
    ['an unsafe folder none of whose jobs is run', [{ id: 'n_id_a', node: 'n' }, { id: 'x_id_b', node: 'n:m', status: 'disabled' }], null],
  ];
  for (const [name, specs, bad] of DIR_RUNS) {
    test(`job dirs: ${name}`, () => {
      const diagnostics = validateMake(fixtureGraph({ root: '/r', workdir: '/w' }, specs)).filter((d) => d.message.includes('job directories'));
      assert.deepEqual(diagnostics.map((d) => d.message), bad ? [`the make target needs job directories without ${bad}`] : []);
    });
  }

  const NODES: [string, boolean][] = [
    ['predict', true],
    ['FORCE', false],
    ['all', false],
    ['Makefile', false],
    ['-j', false],
  ];
  for (const [node, ok] of NODES) {
    test(`node name ${node}`, () => {
      const diagnostics = validateMake(fixtureGraph({ root: '/r', workdir: '/w' }, [{ id: 'x', node }]));
      assert.deepEqual(diagnostics.map((d) => d.message), ok ? [] : [`the make target cannot name a target after node "${node}"`]);
    });
  }

  test('the target exposes the same validation', () => {
    const graph = fixtureGraph({ root: '/a b', workdir: '/w' }, [{ id: 'x', node: 'n' }]);
    assert.deepEqual(makeTarget.validate?.(graph, fixtureOptions()), validateMake(graph));
  });
});
