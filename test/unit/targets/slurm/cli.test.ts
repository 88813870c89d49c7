/** The slurm target from the command line: the seed's spellings and the two slurm options. */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { repoPath } from '../../../helpers/paths.js';
import { runCli } from '../../../helpers/run-cli.js';

const base = mkdtempSync(join(tmpdir(), 'gwc-slurm-cli-'));
after(() => rmSync(base, { recursive: true, force: true }));
let counter = 0;

async function compile(...extra: string[]) {
  counter += 1;
  const dir = join(base, `c${counter}`);
  cpSync(repoPath('examples', 'demo'), dir, { recursive: true, filter: (src) => !/\/(runs|out)$/.test(src) });
  const out = join(dir, 'out');
  const args = ['--pipeline', 'pipeline.yaml', '--params', 'grid.yaml', '--root', join(dir, 'runs'), '--out', out, ...extra];
  const result = await runCli(args, dir);
  const submit = result.code === 0 ? readFileSync(join(out, 'submit.sh'), 'utf8') : '';
  return { ...result, submit, out };
}

describe('slurm target from the command line', () => {
  test("the seed's --backend=slurm and --slurm_options reach every array", async () => {
    const result = await compile('--backend=slurm', '--slurm_options={partition: community, cpus_per_task: 3}');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /to run: cd .* && bash submit\.sh/);
    const lines = result.submit.split('\n').filter((line) => line.startsWith('submit_array '));
    assert.ok(lines.length > 1);
    for (const line of lines) {
      // predict's own resources (cpus: 1) win over the global options.
      const cpus = line.startsWith('submit_array 0 predict ') ? 1 : 3;
      assert.match(line, new RegExp(` --partition=community --cpus-per-task=${cpus}( |$)`));
    }
  });

  test("the grid's top-level slurm_options apply to every job; --slurm_options wins over them", async () => {
    const grid = 'slurm_options: {partition: from_grid, qos: low}\nmatrix:\n  predict.model: [smooth]\n';
    const result = await compile('--target', 'slurm', '--params', grid, '--slurm_options', '{qos: high}');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.submit, /^submit_array 0 predict -- \S+ \S+ --partition=from_grid --qos=high /m);
  });

  test('--max_array_size splits arrays', async () => {
    const result = await compile('--target', 'slurm', '--max_array_size=2');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.submit, /^submit_array 0 predict -- /m);
    assert.match(result.submit, /^submit_array 1 predict -- /m);
  });

  const ERRORS: [string, string[], RegExp][] = [
    ['slurm options that are not a mapping', ['--slurm-options', '[a, b]'], /--slurm_options takes a mapping of sbatch options/],
    ['slurm options that are not YAML', ['--slurm-options', '{partition: gpu'], /error\[E_YAML_SYNTAX\]/],
    ['a reserved sbatch option', ['--slurm-options', '{dependency: afterok:1}'], /the slurm target sets --dependency itself/],
    ['a max array size of 0', ['--max-array-size', '0'], /--max-array-size takes a positive whole number/],
  ];
  for (const [name, extra, message] of ERRORS) {
    test(`refuses ${name}`, async () => {
      const result = await compile('--target', 'slurm', ...extra);
      assert.equal(result.code, 1);
      assert.match(result.stderr, message);
    });
  }
});
