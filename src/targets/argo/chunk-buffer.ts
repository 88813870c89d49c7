/** Chunk size for streaming: large enough to keep writes cheap, small enough to never matter. */
const CHUNK_CHARS = 1 << 16;

/** Collects small strings and hands them out as chunks of about 64 KiB. */
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
