/**
 * Process-id digits hashed on a second thread. A sweep's leaf node has nearly all
 * the jobs, and each needs one sha512 of its `depends` stream: about a third of the
 * graph build. Nothing downstream reads a leaf job, so the builder can hand its stream
 * over, go on with the next rows, and pick the digits up a few hundred jobs later,
 * while the other core hashes.
 *
 * A stream is sent as two pieces, head and tail, by number: in a sweep a leaf job's
 * stream is its upstream job's pairs (shared by the jobs under it) plus its own pair
 * (shared with the jobs of the same values under other upstream jobs). A piece's text
 * crosses once, when it gets its number; after that a job is three integers. Copying
 * two hundred bytes per job from one core to the other would cost about what hashing
 * them does.
 *
 * Everything is in `SharedArrayBuffer`s, first in, first out:
 * - the job ring: per job, its head and tail numbers and how far the definitions
 *   must be read before it;
 * - the definitions log, a byte ring of records `number, length, text`: a later record
 *   of a number replaces the earlier one, for the jobs after it;
 * - the digits ring: what the hasher answers, in the job's slot;
 * - the control cells: jobs submitted, jobs done, and who sleeps.
 * Waking a sleeping thread is a system call, so the builder publishes jobs in batches,
 * and the hasher wakes the builder only when it says it waits.
 */

/** Slots in the job ring: how far the builder may run ahead of the digits it has taken. */
export const RING_SLOTS = 1024;
/** Int32 cells per job slot: head, tail, definitions end. */
export const JOB_CELLS = 4;
/** Bytes of the definitions log. */
export const DEFINITION_BYTES = 1 << 20;
/** The longest piece sent; a job with a longer one is hashed by the builder itself. */
export const MAX_PIECE_BYTES = 1 << 16;
/** Piece numbers: a number is given again (its text replaced) once all are in use. */
export const PIECE_NUMBERS = 1 << 14;
/** Bytes of digits a slot gets back (ids have 8 or 12). */
export const DIGIT_BYTES = 16;

/** A head number for a job the builder answered itself. */
export const ANSWERED = -1;
/** A tail number for a job whose head is its whole stream. */
export const NO_TAIL = -1;
/** A definitions record number: the log goes on at its start. */
export const WRAP = -2;

/**
 * Int32 cells of the control buffer. Cells one thread writes and the other reads sit
 * 128 bytes apart: two threads writing one cache line would pass it back and forth.
 */
export const SUBMITTED = 0;
export const DONE = 32;
export const HASHER_SLEEPS = 64;
export const BUILDER_WAITS = 96;
export const READY = 128;
export const STOP = 160;
export const FAILED = 161;
/** Bytes of the definitions log the hasher has read (published with {@link DONE}). */
export const DEFINITIONS_READ = 162;
const CONTROL_CELLS = 192;

/** What the hashing thread is given. */
export interface ChannelBuffers {
  readonly control: SharedArrayBuffer;
  readonly jobs: SharedArrayBuffer;
  readonly definitions: SharedArrayBuffer;
  readonly digits: SharedArrayBuffer;
}

export function channelBuffers(): ChannelBuffers {
  return {
    control: new SharedArrayBuffer(4 * CONTROL_CELLS),
    jobs: new SharedArrayBuffer(4 * JOB_CELLS * RING_SLOTS),
    definitions: new SharedArrayBuffer(DEFINITION_BYTES),
    digits: new SharedArrayBuffer(DIGIT_BYTES * RING_SLOTS),
  };
}

/** Bytes a definitions record of a text of `length` bytes takes: two numbers, the text, padding to 4. */
export function definitionBytes(length: number): number {
  return 8 + ((length + 3) & ~3);
}

/** Where a wrapping byte count falls in the definitions log (its size divides 2^32). */
export function logOffset(count: number): number {
  return count & (DEFINITION_BYTES - 1);
}

/** The hasher's copy of the pieces, read from the definitions log in order. */
class PieceTable {
  readonly #log: Buffer;
  readonly #cells: Int32Array;
  readonly #pieces = new Array<Buffer | undefined>(PIECE_NUMBERS);
  /** Bytes of the log read so far, as a wrapping 32-bit count (the log is far shorter, so differences stay exact). */
  read = 0;

  constructor(definitions: SharedArrayBuffer) {
    this.#log = Buffer.from(definitions);
    this.#cells = new Int32Array(definitions);
  }

  /** Reads the records up to `end`, the count a job says it needs. */
  readTo(end: number): void {
    while (((end - this.read) | 0) > 0) {
      const at = logOffset(this.read);
      const number = this.#cells[at >> 2] as number;
      if (number === WRAP) {
        this.read = (this.read + DEFINITION_BYTES - at) | 0;
        continue;
      }
      const length = this.#cells[(at >> 2) + 1] as number;
      this.#pieces[number] = Buffer.from(this.#log.subarray(at + 8, at + 8 + length));
      this.read = (this.read + definitionBytes(length)) | 0;
    }
  }

  get(number: number): Buffer {
    return this.#pieces[number] as Buffer;
  }
}

/** The hashing thread's loop: answers jobs in order until told to stop. */
export function serveDigits(buffers: ChannelBuffers, digitsOf: (stream: Uint8Array) => string): void {
  const control = new Int32Array(buffers.control);
  const jobs = new Int32Array(buffers.jobs);
  const digits = Buffer.from(buffers.digits);
  const pieces = new PieceTable(buffers.definitions);
  let scratch = Buffer.alloc(2 * MAX_PIECE_BYTES);
  let done = 0;
  try {
    Atomics.store(control, READY, 1);
    Atomics.notify(control, READY);
    for (;;) {
      let submitted = Atomics.load(control, SUBMITTED);
      if (done === submitted) {
        // Say so before looking again, so a builder that submits now sees it must wake us.
        Atomics.store(control, HASHER_SLEEPS, 1);
        submitted = Atomics.load(control, SUBMITTED);
        if (done === submitted) {
          if (Atomics.load(control, STOP) !== 0) return;
          Atomics.wait(control, SUBMITTED, submitted);
        }
        Atomics.store(control, HASHER_SLEEPS, 0);
        continue;
      }
      for (; done < submitted; done++) {
        const slot = done % RING_SLOTS;
        const cell = slot * JOB_CELLS;
        pieces.readTo(jobs[cell + 2] as number);
        const head = jobs[cell] as number;
        if (head === ANSWERED) continue;
        const tail = jobs[cell + 1] as number;
        const headBytes = pieces.get(head);
        let stream: Uint8Array = headBytes;
        if (tail !== NO_TAIL) {
          const tailBytes = pieces.get(tail);
          const length = headBytes.length + tailBytes.length;
          if (length > scratch.length) scratch = Buffer.alloc(length);
          headBytes.copy(scratch, 0);
          tailBytes.copy(scratch, headBytes.length);
          stream = scratch.subarray(0, length);
        }
        digits.write(digitsOf(stream), slot * DIGIT_BYTES, DIGIT_BYTES, 'latin1');
        // Progress shows every so often, not only at the end of what was submitted.
        if ((done + 1) % PROGRESS_EVERY === 0) publishDone(control, pieces, done + 1);
      }
      publishDone(control, pieces, done);
    }
  } catch {
    // The builder sees this and hashes the rest itself; the thread ends quietly.
    Atomics.store(control, FAILED, 1);
    Atomics.notify(control, DONE);
  }
}

/** Jobs answered between two updates of {@link DONE}. */
const PROGRESS_EVERY = 128;

function publishDone(control: Int32Array, pieces: PieceTable, done: number): void {
  Atomics.store(control, DEFINITIONS_READ, pieces.read);
  Atomics.store(control, DONE, done);
  if (Atomics.load(control, BUILDER_WAITS) !== 0) Atomics.notify(control, DONE);
}
