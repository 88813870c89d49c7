/** Chunk size for streamed artifacts: large enough to keep writes cheap, small enough to never matter. */
export const CHUNK_CHARS = 1 << 16;

/**
 * Joins small pieces into chunks of about {@link CHUNK_CHARS} characters, so a
 * million-job artifact streams without one string per job or one string in all.
 */
export function* chunked(pieces: Iterable<string>): Generator<string> {
  let parts: string[] = [];
  let size = 0;
  for (const piece of pieces) {
    parts.push(piece);
    size += piece.length;
    if (size >= CHUNK_CHARS) {
      yield parts.join('');
      parts = [];
      size = 0;
    }
  }
  if (parts.length) yield parts.join('');
}
