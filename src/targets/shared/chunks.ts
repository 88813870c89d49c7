import type { Chunk } from '../target.js';

/** Chunk size for streamed artifacts: large enough to keep writes cheap, small enough to never matter. */
export const CHUNK_BYTES = 1 << 18;

/**
 * Collects small strings as UTF-8 bytes and hands them out as chunks of about
 * {@link CHUNK_BYTES}, so a million-job artifact streams without one string per
 * job or one in all. Each piece is encoded as soon as it is pushed: joining
 * many short-lived strings into chunk strings, then encoding those, costs a
 * million-job Makefile several seconds more (copies and garbage collection).
 */
export class ChunkBuffer {
  #bytes = Buffer.allocUnsafe(CHUNK_BYTES);
  #used = 0;

  /** Adds a piece; true when a chunk is ready to {@link take}. */
  push(piece: string): boolean {
    // A UTF-16 code unit takes at most 3 bytes in UTF-8.
    if (this.#used + 3 * piece.length > this.#bytes.length) this.#grow(3 * piece.length);
    this.#used += this.#bytes.write(piece, this.#used, 'utf8');
    return this.#used >= CHUNK_BYTES >> 1;
  }

  /** The bytes pushed since the last take; a fresh buffer each time, so chunks may be kept. */
  take(): Uint8Array {
    const chunk = this.#bytes.subarray(0, this.#used);
    this.#bytes = Buffer.allocUnsafe(CHUNK_BYTES);
    this.#used = 0;
    return chunk;
  }

  /** Room for `needed` more bytes: the pushed bytes move to a buffer large enough. */
  #grow(needed: number): void {
    const bigger = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, this.#used + needed));
    this.#bytes.copy(bigger, 0, 0, this.#used);
    this.#bytes = bigger;
  }
}

/** The pieces joined into chunks through a {@link ChunkBuffer}. */
export function* chunked(pieces: Iterable<string>): Generator<Chunk> {
  const buffer = new ChunkBuffer();
  for (const piece of pieces) if (buffer.push(piece)) yield buffer.take();
  const rest = buffer.take();
  if (rest.length > 0) yield rest;
}
