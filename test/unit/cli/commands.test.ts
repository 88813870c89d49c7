import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { repoPath } from '../../helpers/paths.js';
import { runCli } from '../../helpers/run-cli.js';

/** The demo: 20 grid rows → 4 predict, 20 track, 20 evaluate, 20 viz (16 of them disabled by the grid). */
const PIPELINE = repoPath('examples', 'demo', 'pipeline.yaml');
const GRID = repoPath('examples', 'demo', 'grid.yaml');
const NODES = ['predict', 'track', 'evaluate', 'viz'];
const GROUP: Readonly<Record<string, string>> = { predict: 'pred', track: 'pred', evaluate: 'eval', viz: 'eval' };
const STATUSES = ['to_run', 'done', 'disabled', 'skipped'];

interface PlanJob {
  readonly id: string;
  readonly node: string;
  readonly status: string;
  readonly reason: string;
  readonly deps: readonly string[];
  readonly dir: string;
}
interface Plan {
  readonly rows: number;
  readonly root: string;
  readonly jobs: readonly PlanJob[];
  readonly nodes: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

let base = '';
let counter = 0;
before(() => {
  base = mkdtempSync(join(tmpdir(), 'gwc-cli-'));
});
after(() => rmSync(base, { recursive: true, force: true }));

/** A path under the temp dir that does not exist yet. */
function fresh(name: string): string {
  counter += 1;
  return join(base, `${name}${counter}`);
}

/** Runs the CLI from the temp dir. */
function cli(...argv: string[]) {
  return runCli(argv, base);
}

async function plan(root: string, ...extra: string[]): Promise<Plan> {
  const result = await cli('plan', '--pipeline', PIPELINE, '--params', GRID, '--root', root, '--format', 'json', ...extra);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as Plan;
}

/** `node:status` → number of jobs, the compact picture of a plan. */
function statusCounts(p: Plan): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const job of p.jobs) counts[`${job.node}:${job.status}`] = (counts[`${job.node}:${job.status}`] ?? 0) + 1;
  return counts;
}

/** Makes one predict job adoptable (its output exists, no attempt of ours); returns it. */
async function adoptOnePredict(root: string): Promise<PlanJob> {
  const predict = (await plan(root)).jobs.find((j) => j.node === 'predict');
  assert.ok(predict);
  mkdirSync(predict.dir, { recursive: true });
  writeFileSync(join(predict.dir, 'heatmaps.json'), '{"scenes": []}\n');
  return predict;
}

/** Every file under dir (relative, sorted) with its bytes. */
function snapshot(dir: string): Map<string, string> {
  const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  const rel = (path: string) => path.slice(dir.length + 1);
  return new Map(files.map((e) => join(e.parentPath, e.name)).sort().map((p) => [rel(p), readFileSync(p, 'latin1')]));
}

describe('--version and --help', () => {
  test('--version and -V print the version of package.json', async () => {
    const { version } = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const result = await cli(flag);
      assert.equal(result.code, 0);
      assert.equal(result.stdout, `${version}\n`);
    }
  });

  const compileOptions = [
    '--pipeline', '--params', '--target', '--backend', '--out', '--root', '--workdir', '--hash-profile', '--enable ',
    '--skip-existing', '--workers', '--devices', '--queue-name', '--enable-links', '--virtualenv-cmd', '--run',
    '--grid-semantics', '--max-configs',
  ];
  const cases: [string[], string[]][] = [
    [['--help'], ['compile', 'plan', 'expand', 'targets', '--version', 'Examples:']],
    [['compile', '--help'], ['Usage: geowatch-compile compile', ...compileOptions]],
    [['plan', '--help'], ['Usage: geowatch-compile plan', ...compileOptions, '--format', 'json']],
    [['expand', '--help'], ['Usage: geowatch-compile expand', '--params', '--format', '--grid-semantics', '--max-configs']],
    [['targets', '--help'], ['Usage: geowatch-compile targets', 'list the targets']],
    [['help', 'plan'], ['Usage: geowatch-compile plan', '--format']],
  ];
  for (const [argv, wanted] of cases) {
    test(`${argv.join(' ')} exits 0 and mentions ${wanted.length} things`, async () => {
      const result = await cli(...argv);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stderr, '');
      for (const text of wanted) assert.ok(result.stdout.includes(text), `help mentions "${text}":\n${result.stdout}`);
    });
  }

  test('targets lists make', async () => {
    const result = await cli('targets');
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^make\s+\S/m);
  });
});

describe('expand', () => {
  const inline = 'matrix: {a.x: [1, 2.0], a.y: [s, t]}';

  test('text: one JSON object per row, the last key varying fastest, ints and floats apart', async () => {
    const result = await cli('expand', '--params', inline);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(
      result.stdout,
      ['{"a.x": 1, "a.y": "s"}', '{"a.x": 1, "a.y": "t"}', '{"a.x": 2.0, "a.y": "s"}', '{"a.x": 2.0, "a.y": "t"}', ''].join('\n'),
    );
  });

  test('--format json: one JSON array; ints stay ints, floats keep .0', async () => {
    const result = await cli('expand', '--format', 'json', '--params', 'matrix: {a.x: [1, 1.0], a.y: [1e3, 0.5, null, true]}');
    assert.equal(result.code, 0, result.stderr);
    const rows = JSON.parse(result.stdout) as unknown[];
    assert.deepEqual(rows, [
      { 'a.x': 1, 'a.y': 1000 },
      { 'a.x': 1, 'a.y': 0.5 },
      { 'a.x': 1, 'a.y': null },
      { 'a.x': 1, 'a.y': true },
      { 'a.x': 1, 'a.y': 1000 },
      { 'a.x': 1, 'a.y': 0.5 },
      { 'a.x': 1, 'a.y': null },
      { 'a.x': 1, 'a.y': true },
    ]);
    const xs = [...result.stdout.matchAll(/"a\.x": ([^,\n]+)/g)].map((m) => m[1]);
    assert.deepEqual(xs, ['1', '1', '1', '1', '1.0', '1.0', '1.0', '1.0']);
    assert.equal([...result.stdout.matchAll(/"a\.y": 1000\.0\b/g)].length, 2);
  });

  test('the demo grid: include and exclude applied, 20 rows', async () => {
    const result = await cli('expand', '--format', 'json', '--params', GRID);
    assert.equal(result.code, 0, result.stderr);
    const rows = JSON.parse(result.stdout) as Record<string, unknown>[];
    assert.equal(rows.length, 20);
    assert.ok(!rows.some((r) => r['predict.model'] === 'sharp' && r['track.thresh'] === 0.3), 'excluded rows are gone');
    const drawn = rows.filter((r) => r['viz.__enabled__'] === 1);
    assert.ok(drawn.length === 4 && drawn.every((r) => r['track.thresh'] === 0.5 && r['track.min_area'] === 4));
  });

  test('--max-configs stops after N rows', async () => {
    const result = await cli('expand', '--params', inline, '--max-configs', '3');
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.split('\n').filter(Boolean).length, 3);
  });
});

describe('--params takes a file or inline YAML', () => {
  const text = 'matrix:\n  predict.window: [8, 16]\n  track.thresh: 0.5\n';

  test('a relative path, an absolute path and the same text inline expand alike', async () => {
    const dir = fresh('grid');
    mkdirSync(dir);
    writeFileSync(join(dir, 'grid.yaml'), text);
    const outputs = [];
    for (const params of [`${dir.slice(base.length + 1)}/grid.yaml`, join(dir, 'grid.yaml'), text]) {
      const result = await cli('expand', '--params', params);
      assert.equal(result.code, 0, result.stderr);
      outputs.push(result.stdout);
    }
    assert.equal(outputs[0], '{"predict.window": 8, "track.thresh": 0.5}\n{"predict.window": 16, "track.thresh": 0.5}\n');
    assert.deepEqual(outputs, [outputs[0], outputs[0], outputs[0]]);
  });

  test('plan reads inline YAML as the seed passes it', async () => {
    const result = await cli('plan', '--pipeline', PIPELINE, '--params', text, '--root', fresh('runs'), '--format', 'json');
    assert.equal(result.code, 0, result.stderr);
    const p = JSON.parse(result.stdout) as Plan;
    assert.equal(p.rows, 2);
    assert.deepEqual(statusCounts(p), { 'predict:to_run': 2, 'track:to_run': 2, 'evaluate:to_run': 2, 'viz:to_run': 2 });
  });
});

describe('plan', () => {
  test('--format json has exactly the documented shape', async () => {
    const root = fresh('runs');
    const p = await plan(root);
    assert.deepEqual(Object.keys(p), ['rows', 'root', 'jobs', 'nodes']);
    assert.equal(p.rows, 20);
    assert.equal(p.root, root);
    assert.equal(p.jobs.length, 64);
    const seen = new Set<string>();
    for (const job of p.jobs) {
      assert.deepEqual(Object.keys(job), ['id', 'node', 'status', 'reason', 'deps', 'dir']);
      assert.ok(NODES.includes(job.node), job.node);
      assert.ok(job.id.startsWith(`${job.node}_id_`), job.id);
      assert.ok(STATUSES.includes(job.status), job.status);
      assert.ok(typeof job.reason === 'string' && job.reason.length > 0);
      assert.ok(isAbsolute(job.dir) && job.dir === join(root, GROUP[job.node] as string, job.node, job.id), job.dir);
      for (const dep of job.deps) assert.ok(seen.has(dep), `${job.id}: dependency ${dep} is listed before it`);
      assert.ok(!seen.has(job.id), `${job.id} is listed once`);
      seen.add(job.id);
    }
    assert.deepEqual(Object.keys(p.nodes), NODES);
  });

  test('per-node counts agree with the job list', async () => {
    const p = await plan(fresh('runs'), '--enable', 'track=0');
    for (const node of NODES) {
      const summary = p.nodes[node] ?? {};
      const mine = p.jobs.filter((j) => j.node === node);
      assert.equal(summary.unique_jobs, mine.length, node);
      assert.equal(summary.requested_rows, 20, node);
      for (const status of STATUSES) assert.equal(summary[status], mine.filter((j) => j.status === status).length, `${node} ${status}`);
    }
  });

  const scenarios: [string, string[], boolean, Record<string, number>][] = [
    ['a fresh root', [], false, { 'predict:to_run': 4, 'track:to_run': 20, 'evaluate:to_run': 20, 'viz:to_run': 4, 'viz:disabled': 16 }],
    ['an adoptable predict job', [], true, { 'predict:done': 1, 'predict:to_run': 3, 'track:to_run': 20, 'evaluate:to_run': 20, 'viz:to_run': 4, 'viz:disabled': 16 }],
    ['--enable_track=0 (seed spelling)', ['--enable_track=0'], false, { 'predict:to_run': 4, 'track:disabled': 20, 'evaluate:skipped': 20, 'viz:skipped': 4, 'viz:disabled': 16 }],
    ['--enable_track 0 (value as next word)', ['--enable_track', '0'], false, { 'predict:to_run': 4, 'track:disabled': 20, 'evaluate:skipped': 20, 'viz:skipped': 4, 'viz:disabled': 16 }],
    ['--enable predict=0', ['--enable', 'predict=0'], false, { 'predict:disabled': 4, 'track:skipped': 20, 'evaluate:skipped': 20, 'viz:skipped': 4, 'viz:disabled': 16 }],
    ["--enable_viz=1 (the grid's __enabled__ wins)", ['--enable_viz=1'], false, { 'predict:to_run': 4, 'track:to_run': 20, 'evaluate:to_run': 20, 'viz:to_run': 4, 'viz:disabled': 16 }],
  ];
  for (const [name, extra, adopt, want] of scenarios) {
    test(`statuses: ${name}`, async () => {
      const root = fresh('runs');
      const adopted = adopt ? await adoptOnePredict(root) : undefined;
      const p = await plan(root, ...extra);
      assert.deepEqual(statusCounts(p), want);
      if (adopted) assert.equal(p.jobs.find((j) => j.id === adopted.id)?.status, 'done');
    });
  }

  test('text output names every node and the totals', async () => {
    const root = fresh('runs');
    const result = await cli('plan', '--pipeline', PIPELINE, '--params', GRID, '--root', root);
    assert.equal(result.code, 0, result.stderr);
    assert.ok(result.stdout.startsWith(`plan: 48 jobs scheduled (48 to run) from 20 grid rows, root ${root}\n`), result.stdout);
    for (const node of [...NODES, 'total']) assert.match(result.stdout, new RegExp(`^${node}\\s+\\d+`, 'm'), node);
    assert.match(result.stdout, /^viz\s+20\s+20\s+0\s+4\s+16\s+0$/m);
  });

  test('--hash-profile geowatch-v2: hex-8 ids under flat/', async () => {
    const root = fresh('runs');
    const p = await plan(root, '--hash-profile', 'geowatch-v2');
    assert.equal(p.jobs.length, 64);
    for (const job of p.jobs) {
      assert.match(job.id, new RegExp(`^${job.node}_id_[0-9a-f]{8}$`));
      assert.equal(job.dir, join(root, GROUP[job.node] as string, 'flat', job.node, job.id));
    }
    const kwdagger = await plan(root);
    for (const job of kwdagger.jobs) assert.match(job.id, new RegExp(`^${job.node}_id_[0-9a-z]{12}$`));
  });

  test('--root_dpath (seed spelling) sets the root', async () => {
    const root = fresh('runs');
    const result = await cli('plan', '--pipeline', PIPELINE, '--params', GRID, `--root_dpath=${root}`, '--format', 'json');
    assert.equal(result.code, 0, result.stderr);
    assert.equal((JSON.parse(result.stdout) as Plan).root, root);
  });
});

describe('compile: seed spellings take effect', () => {
  async function compile(...extra: string[]) {
    const root = fresh('runs');
    const out = fresh('out');
    const result = await cli('--pipeline', PIPELINE, '--params', GRID, '--root', root, '--out', out, ...extra);
    assert.equal(result.code, 0, result.stderr);
    return { root, out, stdout: result.stdout, makefile: readFileSync(join(out, 'Makefile'), 'utf8') };
  }

  test('--queue_size=3 sets the workers of the run command', async () => {
    const { stdout, out } = await compile('--queue_size=3');
    assert.equal(stdout, `wrote make artifacts for 48 jobs (48 to run) to ${out}\nto run: cd ${out} && make -j 3\n`);
  });

  test('--queue_name=x names the default out dir', async () => {
    const root = fresh('runs');
    const result = await cli('--pipeline', PIPELINE, '--params', GRID, '--root', root, '--queue_name=x');
    assert.equal(result.code, 0, result.stderr);
    assert.ok(existsSync(join(root, '_gwc', 'x', 'make', 'Makefile')));
  });

  test('--enable_links=0 leaves the .pred/.succ links out', async () => {
    assert.match((await compile()).makefile, / --link /);
    assert.doesNotMatch((await compile('--enable_links=0')).makefile, / --link /);
  });

  test('--virtualenv_cmd=... is exported to every job', async () => {
    const { makefile } = await compile('--virtualenv_cmd=conda activate watch');
    assert.match(makefile, /^export GWC_PREAMBLE \?= conda activate watch$/m);
  });

  test('--skip_existing=1 leaves jobs with results out, and their dependents do not wait', async () => {
    const root = fresh('runs');
    const predict = await adoptOnePredict(root);
    const compileWith = async (...extra: string[]) => {
      const out = fresh('out');
      const result = await cli('--pipeline', PIPELINE, '--params', GRID, '--root', root, '--out', out, ...extra);
      assert.equal(result.code, 0, result.stderr);
      return { stdout: result.stdout, makefile: readFileSync(join(out, 'Makefile'), 'utf8') };
    };
    const marker = `/${predict.id}/.gwc-done`;
    const kept = await compileWith('--skip_existing=0');
    assert.match(kept.stdout, /for 48 jobs \(47 to run\)/);
    assert.ok(kept.makefile.includes(marker));
    const skipped = await compileWith('--skip_existing=1');
    assert.match(skipped.stdout, /for 47 jobs \(47 to run\)/);
    assert.ok(!skipped.makefile.includes(marker), 'neither a rule nor a prerequisite names its marker');
  });
});

describe('compile: exit codes and the out dir', () => {
  const userErrors: [string, string[]][] = [
    ['a grid key no node declares', ['--pipeline', PIPELINE, '--params', 'matrix: {predict.windw: [8]}']],
    ['a missing --pipeline', ['--params', GRID]],
    ['an unknown target', ['--pipeline', PIPELINE, '--params', GRID, '--target', 'mkae']],
    ['a pipeline file that does not exist', ['--pipeline', 'nowhere.yaml', '--params', GRID]],
  ];
  for (const [name, argv] of userErrors) {
    test(`${name}: exit 1, an error on stderr, nothing written`, async () => {
      const root = fresh('runs');
      const out = fresh('out');
      const result = await cli(...argv, '--root', root, '--out', out);
      assert.equal(result.code, 1, result.stderr);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, /error\[E_[A-Z_]+\]/);
      assert.ok(!existsSync(out), 'no --out dir');
      assert.ok(!existsSync(root), 'no root');
      assert.ok(!readdirSync(base).some((name) => name.startsWith(`${out.slice(base.length + 1)}.`)), 'no staging dir');
    });
  }

  test('a non-empty --out not written by geowatch-compile is refused and left untouched', async () => {
    const out = fresh('out');
    mkdirSync(join(out, 'chapter'), { recursive: true });
    writeFileSync(join(out, 'thesis.tex'), 'years of work\n');
    writeFileSync(join(out, 'chapter', 'one.tex'), 'more\n');
    const before = snapshot(out);
    const result = await cli('--pipeline', PIPELINE, '--params', GRID, '--root', fresh('runs'), '--out', out);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /error\[E_OPTION\]: will not write the artifacts: ".*" exists, is not empty and was not written by geowatch-compile/);
    assert.deepEqual(snapshot(out), before);
  });

  test('an empty existing --out is written', async () => {
    const out = fresh('out');
    mkdirSync(out);
    const result = await cli('--pipeline', PIPELINE, '--params', GRID, '--root', fresh('runs'), '--out', out);
    assert.equal(result.code, 0, result.stderr);
    assert.ok(existsSync(join(out, 'Makefile')));
  });

  test('re-compiling into an --out written by geowatch-compile replaces it: no stale files', async () => {
    const root = fresh('runs');
    const out = fresh('out');
    const args = ['--pipeline', PIPELINE, '--params', GRID, '--root', root, '--out', out];
    assert.equal((await cli(...args)).code, 0);
    writeFileSync(join(out, 'stale.txt'), 'left from before\n');
    const smaller = await cli(...args, '--max-configs', '1');
    assert.equal(smaller.code, 0, smaller.stderr);
    assert.deepEqual([...snapshot(out).keys()], ['.geowatch-compile', 'Makefile', 'gwc-run.sh']);
    assert.match(smaller.stdout, /for 3 jobs/);
    assert.equal([...readFileSync(join(out, 'Makefile'), 'utf8').matchAll(/^\S+\/\.gwc-done:/gm)].length, 3);
  });

  test('output is byte-stable: the same inputs into two --out dirs give identical files', async () => {
    const root = fresh('runs');
    const [a, b] = [fresh('out'), fresh('out')];
    for (const out of [a, b]) {
      const result = await cli('--pipeline', PIPELINE, '--params', GRID, '--root', root, '--out', out, '--devices', '0,1');
      assert.equal(result.code, 0, result.stderr);
    }
    const [first, second] = [snapshot(a), snapshot(b)];
    assert.deepEqual([...first.keys()], ['.geowatch-compile', 'Makefile', 'gwc-run.sh']);
    assert.ok((first.get('Makefile') ?? '').length > 10_000);
    assert.deepEqual(second, first);
  });
});
