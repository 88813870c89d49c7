import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Chunk, EmittedFile } from '../../src/targets/target.js';
import { UPDATE_GOLDEN, repoPath } from './paths.js';

/** Compares with a golden file under test/golden/; `UPDATE_GOLDEN=1` rewrites it instead. */
export function assertGolden(relativePath: string, actual: string): void {
  const path = repoPath('test/golden', relativePath);
  if (UPDATE_GOLDEN) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  assert.equal(actual, readFileSync(path, 'utf8'), `${relativePath} differs; UPDATE_GOLDEN=1 rewrites it`);
}

/** The text of chunks, whether strings or UTF-8 bytes. */
export function chunksText(chunks: Iterable<Chunk>): string {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let text = '';
  for (const chunk of chunks) text += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}

/** An emitted file's whole text, whether it is one string or chunks. */
export function fileText(file: EmittedFile): string {
  return typeof file.content === 'string' ? file.content : chunksText(file.content);
}
