/** Grid expansion where Node refuses code generation from strings (`--disallow-code-generation-from-strings`). */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { repoPath } from '../helpers/paths.js';

function expandRows(nodeFlags: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const args = [...nodeFlags, repoPath('bin', 'geowatch-compile.js'), 'expand', '--params', repoPath('examples', 'demo', 'grid.yaml'), '--format', 'json'];
  return spawnSync(process.execPath, args, { encoding: 'utf8' });
}

describe('expand without code generation from strings', () => {
  test('gives the same rows: base rows fall back from a compiled literal to setting keys one by one', () => {
    const usual = expandRows([]);
    const refused = expandRows(['--disallow-code-generation-from-strings']);
    assert.equal(usual.status, 0, usual.stderr);
    assert.equal(refused.status, 0, refused.stderr);
    assert.equal(refused.stdout, usual.stdout);
    assert.ok(JSON.parse(usual.stdout).length > 0);
  });
});
