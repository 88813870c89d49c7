/** The CLI as a shell pipeline runs it: a reader that stops early ends the output quietly. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { repoPath } from '../helpers/paths.js';

const dir = mkdtempSync(join(tmpdir(), 'gwc-pipe-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const PIPELINE = `nodes:
  a:
    command: run a
    outputs: {out: a.txt}
    params: {p: 0}
  b:
    command: run b
    inputs: {src: {from: a.out}}
    outputs: {out: b.txt}
    params: {q: 0}
`;

describe('a reader that closes the pipe early', () => {
  test('plan --format json | head: no error, exit 0', async () => {
    writeFileSync(join(dir, 'p.yaml'), PIPELINE);
    // About 2,000 jobs: far more JSON than a pipe holds, so the CLI writes after the reader left.
    writeFileSync(join(dir, 'g.yaml'), `a.p: [${Array.from({ length: 40 }, (_, i) => i).join(', ')}]\nb.q: [${Array.from({ length: 50 }, (_, i) => i).join(', ')}]\n`);
    const cli = spawn(process.execPath, [repoPath('bin', 'geowatch-compile.js'), 'plan', '--pipeline', 'p.yaml', '--params', 'g.yaml', '--root', join(dir, 'runs'), '--format', 'json'], { cwd: dir });
    let stderr = '';
    cli.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // Read the first chunk, then close our end, as `head -c` does.
    await new Promise<void>((resolve) => cli.stdout.once('data', () => resolve()));
    cli.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => cli.on('close', (status) => resolve(status)));
    assert.equal(stderr, '');
    assert.equal(code, 0);
  });
});
