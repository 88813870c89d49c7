import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CHUNK_BYTES, ChunkBuffer, chunked } from '../../../../src/targets/shared/chunks.js';
import { chunksText } from '../../../helpers/golden.js';

describe('chunks', () => {
  const CASES: [string, string[]][] = [
    ['nothing', []],
    ['one short piece', ['abc\n']],
    ['non-ASCII in every width', ['ä', '✓', '𝄞', 'plain']],
    ['many pieces over several chunks', Array.from({ length: 5000 }, (_, i) => `line ${i} ${'y'.repeat(i % 97)}\n`)],
    ['one piece larger than a chunk', ['a', 'b'.repeat(3 * CHUNK_BYTES), 'c']],
    ['a large non-ASCII piece', ['✓'.repeat(CHUNK_BYTES)]],
  ];
  for (const [name, pieces] of CASES) {
    test(`chunked keeps every byte in order: ${name}`, () => {
      const chunks = [...chunked(pieces)];
      assert.equal(chunksText(chunks), pieces.join(''));
      assert.ok(chunks.every((c) => c.length > 0), 'no empty chunk');
    });
  }

  test('a taken chunk is not overwritten by later pushes', () => {
    const buffer = new ChunkBuffer();
    buffer.push('first');
    const first = buffer.take();
    buffer.push('second');
    assert.equal(Buffer.from(first).toString(), 'first');
    assert.equal(Buffer.from(buffer.take()).toString(), 'second');
  });

  test('push tells when a chunk is ready: from half a chunk on', () => {
    const buffer = new ChunkBuffer();
    assert.equal(buffer.push('x'.repeat(CHUNK_BYTES / 2 - 1)), false);
    assert.equal(buffer.push('x'), true);
  });
});
