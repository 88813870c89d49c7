/**
 * Error goldens: each folder under test/errors/ holds the inputs of one bad
 * compilation (`args` = the command line, one word per line; input files beside
 * it) and `expected.txt`, the exact stderr. Every diagnostic code has a case.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { DIAGNOSTIC_CODES } from '../../src/diagnostics/codes.js';
import { runCli } from '../helpers/run-cli.js';
import { repoPath, UPDATE_GOLDEN } from '../helpers/paths.js';

const ERRORS_DIR = repoPath('test', 'errors');
const cases = readdirSync(ERRORS_DIR, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

function argsOf(dir: string): string[] {
  return readFileSync(join(dir, 'args'), 'utf8').split('\n').filter((line) => line !== '');
}

describe('error goldens', () => {
  for (const name of cases) {
    test(name, async () => {
      const dir = join(ERRORS_DIR, name);
      const { code, stdout, stderr } = await runCli(argsOf(dir), dir);
      const expectedFile = join(dir, 'expected.txt');
      const wantCode = existsSync(join(dir, 'exit-code')) ? Number(readFileSync(join(dir, 'exit-code'), 'utf8')) : 1;
      if (UPDATE_GOLDEN) writeFileSync(expectedFile, stderr);
      assert.equal(code, wantCode, `exit code; stderr:\n${stderr}`);
      if (wantCode === 1) assert.equal(stdout, '', 'a failed compilation prints nothing on stdout');
      assert.equal(stderr, readFileSync(expectedFile, 'utf8'));
      assert.ok(!existsSync(join(dir, 'out')), 'nothing is written when compilation fails');
    });
  }

  test('every diagnostic code has a golden', () => {
    const seen = new Set(cases.flatMap((name) => readFileSync(join(ERRORS_DIR, name, 'expected.txt'), 'utf8').match(/\[([EW]_[A-Z_]+)\]/g) ?? []));
    const missing = DIAGNOSTIC_CODES.filter((code) => !seen.has(`[${code}]`));
    assert.deepEqual(missing, []);
  });
});
