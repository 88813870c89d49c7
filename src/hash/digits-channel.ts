import { DigitsTable } from './digits-table.js';

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
 * The hasher also tells whether a job's digits were seen before in its node, and where
 * the first job with them stands in the graph's job order: looking a million random
 * digits up in a table is a cache miss each, which this way the other core takes.
 *
 * Everything is in `SharedArrayBuffer`s, first in, first out:
 * - the job ring: per job, its head and tail numbers, how far the definitions must be
 *   read before it, its node and its place in the job order;
 * - the definitions log, a byte ring of records `number, length, text`: a later record
 *   of a number replaces the earlier one, for the jobs after it;
 * - the digits ring: what the hasher answers in the job's slot, its digits and the place
 *   of the first job with them (or {@link FIRST_OF_ITS_DIGITS}); a job whose digits the
 *   builder worked out itself comes with them there, to be looked up only;
 * - the control cells: jobs submitted, jobs done, and whether the builder waits.
 * Waking a sleeping thread is a system call, and here a costly one (on this kind of
 * virtual machine, 75 µs on the builder's side): so the builder publishes jobs in
 * batches without waking anyone, an idle hasher looks again every {@link POLL_MS}, and
 * either thread is woken only while the other waits for it.
 */

/** Slots in the job ring: how far the builder may run ahead of the digits it has taken. */
export const RING_SLOTS = 1024;
/** Int32 cells per job slot: head, tail, definitions end, node, place in the job order. */
export const JOB_CELLS = 8;
export const HEAD = 0;
export const TAIL = 1;
export const DEFINITIONS_END = 2;
export const NODE = 3;
export const PLACE = 4;
/** Bytes of the definitions log. */
export const DEFINITION_BYTES = 1 << 20;
/** The longest piece sent; a job with a longer one is hashed by the builder itself. */
export const MAX_PIECE_BYTES = 1 << 16;
/** Piece numbers: a number is given again (its text replaced) once all are in use. */
export const PIECE_NUMBERS = 1 << 14;
/**
 * Bytes of a slot of the digits ring: the digits, padded with zero bytes (ids have 8 or
 * 12; a digest that is a small number has fewer), then two Int32s: the place of the
 * first job with them, and their length.
 */
export const DIGIT_BYTES = 24;
/** The most digits a slot holds. */
export const MAX_DIGITS = 16;
export const FIRST_AT = 16;
export const LENGTH_AT = 20;
/** The place the hasher answers for a job whose digits its node had not had. */
export const FIRST_OF_ITS_DIGITS = -1;

/** A head number for a job whose digits the builder gives (in its digits slot). */
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
export const BUILDER_WAITS = 64;
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

/** Where some padded digits are: a buffer and an offset (one object, moved per job). */
interface DigitsAt {
  bytes: Buffer;
  at: number;
}

/**
 * The digits seen in one node, and the place of the first job with each: a
 * {@link DigitsTable} of entry numbers, the entries' digits and places kept here in
 * blocks (doubling one buffer of a million entries' digits stopped the thread too).
 */
class DigitsSet {
  readonly #table = new DigitsTable<number, DigitsAt>((entry, probe) =>
    sameBytes(probe.bytes, probe.at, this.#digits[entry >> BLOCK_BITS] as Buffer, (entry & BLOCK_MASK) * MAX_DIGITS, MAX_DIGITS),
  );
  readonly #places: Int32Array[] = [];
  readonly #digits: Buffer[] = [];
  readonly #probe: DigitsAt = { bytes: Buffer.alloc(0), at: 0 };

  /** The place of the first job with the (padded) digits at `at` in `bytes`; records `place` for them when new. */
  firstPlace(bytes: Buffer, at: number, place: number): number {
    let key = 0x811c9dc5;
    for (let i = 0; i < MAX_DIGITS; i++) key = Math.imul(key ^ (bytes[at + i] as number), 0x01000193);
    key |= 0;
    this.#probe.bytes = bytes;
    this.#probe.at = at;
    const entry = this.#table.get(key, this.#probe);
    if (entry !== undefined) return (this.#places[entry >> BLOCK_BITS] as Int32Array)[entry & BLOCK_MASK] as number;
    this.#add(key, bytes, at, place);
    return FIRST_OF_ITS_DIGITS;
  }

  #add(key: number, bytes: Buffer, at: number, place: number): void {
    const entry = this.#table.size;
    const block = entry >> BLOCK_BITS;
    if (block === this.#places.length) {
      this.#places.push(new Int32Array(1 << BLOCK_BITS));
      this.#digits.push(Buffer.alloc(MAX_DIGITS << BLOCK_BITS));
    }
    const within = entry & BLOCK_MASK;
    (this.#places[block] as Int32Array)[within] = place;
    copyBytes(bytes, at, this.#digits[block] as Buffer, within * MAX_DIGITS, MAX_DIGITS);
    this.#table.add(key, entry);
  }
}

/** Entries of a {@link DigitsSet} block. */
const BLOCK_BITS = 12;
const BLOCK_MASK = (1 << BLOCK_BITS) - 1;

/**
 * A job's stream from its pieces: the head alone, or head and tail copied into one
 * buffer. Consecutive jobs mostly share their head (jobs under one upstream job), so
 * the head stays in the buffer and only the tail is copied.
 */
class StreamJoiner {
  readonly #pieces: PieceTable;
  #scratch = new Uint8Array(2 * MAX_PIECE_BYTES);
  /** The head in the buffer (a piece's bytes are replaced, not changed, when its number is given again). */
  #head: Uint8Array | undefined;

  constructor(pieces: PieceTable) {
    this.#pieces = pieces;
  }

  of(head: number, tail: number): Uint8Array {
    const headBytes = this.#pieces.get(head);
    if (tail === NO_TAIL) return headBytes;
    const tailBytes = this.#pieces.get(tail);
    const length = headBytes.length + tailBytes.length;
    if (length > this.#scratch.length) {
      this.#scratch = new Uint8Array(length);
      this.#head = undefined;
      this.#view = undefined;
    }
    if (this.#head !== headBytes) {
      this.#scratch.set(headBytes, 0);
      this.#head = headBytes;
    }
    copyBytes(tailBytes, 0, this.#scratch, headBytes.length, tailBytes.length);
    // Streams of one node's jobs have one length: the same view serves them all.
    if (this.#view === undefined || this.#view.length !== length) this.#view = this.#scratch.subarray(0, length);
    return this.#view;
  }

  /** The last stream's view of the buffer. */
  #view: Uint8Array | undefined;
}

/** Writes digits into their slot, padded, with their length. */
export function writeDigits(ring: Buffer, slot: number, digits: string): void {
  const at = slot * DIGIT_BYTES;
  // Digits are ASCII and at most MAX_DIGITS long; a loop beats the calls that copy for so few bytes.
  for (let i = 0; i < MAX_DIGITS; i++) ring[at + i] = i < digits.length ? digits.charCodeAt(i) : 0;
  ring.writeInt32LE(digits.length, at + LENGTH_AT);
}

/**
 * The `length` digits at `at`, as text. Ids have 12 or 8: one `fromCharCode` call then
 * makes the string, a third of what a native slice of the buffer costs per call.
 */
export function readDigits(ring: Uint8Array, at: number, length: number): string {
  if (length === 12) {
    return String.fromCharCode(
      ring[at] as number, ring[at + 1] as number, ring[at + 2] as number, ring[at + 3] as number,
      ring[at + 4] as number, ring[at + 5] as number, ring[at + 6] as number, ring[at + 7] as number,
      ring[at + 8] as number, ring[at + 9] as number, ring[at + 10] as number, ring[at + 11] as number,
    );
  }
  if (length === 8) {
    return String.fromCharCode(
      ring[at] as number, ring[at + 1] as number, ring[at + 2] as number, ring[at + 3] as number,
      ring[at + 4] as number, ring[at + 5] as number, ring[at + 6] as number, ring[at + 7] as number,
    );
  }
  let digits = '';
  for (let i = 0; i < length; i++) digits += String.fromCharCode(ring[at + i] as number);
  return digits;
}

/** Copies a few bytes (a loop: cheaper than a copy call for a few dozen). */
function copyBytes(from: Uint8Array, fromAt: number, to: Uint8Array, toAt: number, count: number): void {
  for (let i = 0; i < count; i++) to[toAt + i] = from[fromAt + i] as number;
}

function sameBytes(a: Uint8Array, aAt: number, b: Uint8Array, bAt: number, count: number): boolean {
  for (let i = 0; i < count; i++) if (a[aAt + i] !== b[bAt + i]) return false;
  return true;
}

/** The hashing thread's loop: answers jobs in order until told to stop. */
export function serveDigits(buffers: ChannelBuffers, digitsOf: (stream: Uint8Array) => string): void {
  const control = new Int32Array(buffers.control);
  const jobs = new Int32Array(buffers.jobs);
  const digits = Buffer.from(buffers.digits);
  const pieces = new PieceTable(buffers.definitions);
  const seen: DigitsSet[] = [];
  const streams = new StreamJoiner(pieces);
  let done = 0;
  try {
    Atomics.store(control, READY, 1);
    Atomics.notify(control, READY);
    for (;;) {
      let submitted = Atomics.load(control, SUBMITTED);
      if (done === submitted) {
        if (Atomics.load(control, STOP) !== 0) return;
        Atomics.wait(control, SUBMITTED, submitted, POLL_MS);
        continue;
      }
      for (; done < submitted; done++) {
        const slot = done % RING_SLOTS;
        const cell = slot * JOB_CELLS;
        pieces.readTo(jobs[cell + DEFINITIONS_END] as number);
        const head = jobs[cell + HEAD] as number;
        if (head !== ANSWERED) writeDigits(digits, slot, digitsOf(streams.of(head, jobs[cell + TAIL] as number)));
        const node = jobs[cell + NODE] as number;
        const set = (seen[node] ??= new DigitsSet());
        digits.writeInt32LE(set.firstPlace(digits, slot * DIGIT_BYTES, jobs[cell + PLACE] as number), slot * DIGIT_BYTES + FIRST_AT);
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

/**
 * How long an idle hasher sleeps before it looks for jobs again, unless woken. A batch
 * takes the builder about a millisecond to fill, and the ring holds several: the hasher
 * sees a batch well before the builder needs its digits.
 */
export const POLL_MS = 1;

function publishDone(control: Int32Array, pieces: PieceTable, done: number): void {
  Atomics.store(control, DEFINITIONS_READ, pieces.read);
  Atomics.store(control, DONE, done);
  if (Atomics.load(control, BUILDER_WAITS) !== 0) Atomics.notify(control, DONE);
}
