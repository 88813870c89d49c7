import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { OUT_DIR_STAMP, outDirProblem, writeOutDir } from '../../../src/io/write-files.js';
import type { EmittedFile } from '../../../src/targets/target.js';

let base = '';
let counter = 0;
before(() => {
  base = mkdtempSync(join(tmpdir(), 'gwc-write-'));
});
after(() => rmSync(base, { recursive: true, force: true }));

/** A fresh, not yet existing output dir inside its own parent (so leftovers beside it are visible). */
function freshOut(): string {
  counter += 1;
  const parent = join(base, `case${counter}`);
  mkdirSync(parent);
  return join(parent, 'out');
}

/** Every file under dir, relative, sorted. */
function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

describe('writeOutDir', () => {
  test('writes every file plus the stamp, creating sub-directories', () => {
    const out = freshOut();
    writeOutDir(out, [
      { path: 'Makefile', content: 'all:\n' },
      { path: 'sub/dir/note.txt', content: 'deep\n' },
    ]);
    assert.deepEqual(listFiles(out), [OUT_DIR_STAMP, 'Makefile', 'sub/dir/note.txt']);
    assert.equal(readFileSync(join(out, 'Makefile'), 'utf8'), 'all:\n');
    assert.equal(readFileSync(join(out, 'sub/dir/note.txt'), 'utf8'), 'deep\n');
  });

  test('sets the executable bit only where asked', () => {
    const out = freshOut();
    writeOutDir(out, [
      { path: 'run.sh', content: '#!/bin/sh\n', executable: true },
      { path: 'data.txt', content: 'x' },
      { path: 'plain.sh', content: '#!/bin/sh\n', executable: false },
    ]);
    assert.equal(statSync(join(out, 'run.sh')).mode & 0o777, 0o755);
    assert.equal(statSync(join(out, 'data.txt')).mode & 0o111, 0);
    assert.equal(statSync(join(out, 'plain.sh')).mode & 0o111, 0);
  });

  test('chunked content is written in order, across the 1 MiB flush boundary', () => {
    const out = freshOut();
    const chunk = (i: number): string => `${String(i).padStart(6, '0')}:${'x'.repeat(4089)}\n`;
    const count = 600; // 600 × 4 KiB ≈ 2.4 MiB: at least two flushes and a tail
    let pulled = 0;
    const content: Iterable<string> = {
      *[Symbol.iterator]() {
        for (let i = 0; i < count; i++) {
          pulled += 1;
          yield chunk(i);
        }
      },
    };
    writeOutDir(out, [{ path: 'big.txt', content }, { path: 'empty.txt', content: [] }]);
    const want = Array.from({ length: count }, (_, i) => chunk(i)).join('');
    assert.equal(pulled, count);
    assert.equal(readFileSync(join(out, 'big.txt'), 'utf8'), want);
    assert.equal(readFileSync(join(out, 'empty.txt'), 'utf8'), '');
  });

  test('text and byte chunks mixed are written in their order, non-ASCII included', () => {
    const out = freshOut();
    const pieces = ['ä-', Buffer.from('bytes ✓ '), 'text\n', Buffer.from('x'.repeat(300_000)), 'é', Buffer.from('')];
    writeOutDir(out, [{ path: 'mixed.txt', content: pieces }]);
    const want = pieces.map((p) => (typeof p === 'string' ? p : p.toString('utf8'))).join('');
    assert.equal(readFileSync(join(out, 'mixed.txt'), 'utf8'), want);
  });

  test('replaces an earlier output as a whole: no stale file, no staging dir left', () => {
    const out = freshOut();
    writeOutDir(out, [{ path: 'old.txt', content: 'old' }, { path: 'keep.txt', content: 'v1' }]);
    writeOutDir(out, [{ path: 'keep.txt', content: 'v2' }]);
    assert.deepEqual(listFiles(out), [OUT_DIR_STAMP, 'keep.txt']);
    assert.equal(readFileSync(join(out, 'keep.txt'), 'utf8'), 'v2');
    assert.deepEqual(readdirSync(join(out, '..')), ['out']);
  });

  test('a failure part-way leaves the previous output untouched and no staging dir', () => {
    const out = freshOut();
    writeOutDir(out, [{ path: 'Makefile', content: 'v1\n' }]);
    const failing: Iterable<string> = {
      *[Symbol.iterator]() {
        yield 'partial';
        throw new Error('emitter broke');
      },
    };
    const files: EmittedFile[] = [{ path: 'Makefile', content: 'v2\n' }, { path: 'broken.txt', content: failing }];
    assert.throws(() => writeOutDir(out, files), /emitter broke/);
    assert.deepEqual(listFiles(out), [OUT_DIR_STAMP, 'Makefile']);
    assert.equal(readFileSync(join(out, 'Makefile'), 'utf8'), 'v1\n');
    assert.deepEqual(readdirSync(join(out, '..')), ['out']);
  });
});

describe('outDirProblem', () => {
  test('a missing or empty dir may be written', () => {
    const out = freshOut();
    assert.equal(outDirProblem(out), undefined);
    mkdirSync(out);
    assert.equal(outDirProblem(out), undefined);
  });

  test('a dir written by geowatch-compile may be replaced', () => {
    const out = freshOut();
    writeOutDir(out, [{ path: 'Makefile', content: '' }]);
    writeFileSync(join(out, 'added-by-hand.txt'), 'x');
    assert.equal(outDirProblem(out), undefined);
  });

  test('a non-empty dir without the stamp is refused, naming it', () => {
    const out = freshOut();
    mkdirSync(out);
    writeFileSync(join(out, 'thesis.tex'), 'x');
    assert.match(outDirProblem(out) ?? '', new RegExp(`"${out.replaceAll('/', '\\/')}" exists, is not empty and was not written by geowatch-compile`));
    assert.ok(existsSync(join(out, 'thesis.tex')));
  });
});
