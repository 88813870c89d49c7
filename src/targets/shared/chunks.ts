/** Chunk size for streamed artifacts: large enough to keep writes cheap, small enough to never matter. */
export const CHUNK_CHARS = 1 << 16;

/**
 * Collects small strings and hands them out as chunks of about {@link CHUNK_CHARS}
 * characters, so a million-job artifact streams without one string per job or one in all.
 */
export class ChunkBuffer {
  #parts: string[] = [];
  #size = 0;

  /** Adds a piece; true when a chunk is ready to {@link take}. */
  push(piece: string): boolean {
    this.#parts.push(piece);
    this.#size += piece.length;
    return this.#size >= CHUNK_CHARS;
  }

  take(): string {
    const chunk = this.#parts.join('');
    this.#parts = [];
    this.#size = 0;
    return chunk;
  }
}

/** The pieces joined into chunks through a {@link ChunkBuffer}. */
export function* chunked(pieces: Iterable<string>): Generator<string> {
  const buffer = new ChunkBuffer();
  for (const piece of pieces) if (buffer.push(piece)) yield buffer.take();
  const rest = buffer.take();
  if (rest !== '') yield rest;
}
