import { Worker } from 'node:worker_threads';
import type { HashBase } from './base-convert.js';
import {
  ANSWERED,
  BUILDER_WAITS,
  DEFINITIONS_READ,
  DEFINITION_BYTES,
  DIGIT_BYTES,
  DONE,
  FAILED,
  HASHER_SLEEPS,
  JOB_CELLS,
  MAX_PIECE_BYTES,
  NO_TAIL,
  PIECE_NUMBERS,
  READY,
  RING_SLOTS,
  STOP,
  SUBMITTED,
  WRAP,
  channelBuffers,
  definitionBytes,
  logOffset,
} from './digits-channel.js';

/**
 * Jobs handed over at once: the count the hasher reads is published, and a sleeping
 * hasher woken, once per batch (a system call, and a cache line passed between cores).
 * Half the ring: the hasher works through one half while the builder fills the other.
 */
const BATCH = RING_SLOTS / 2;
/** How long the builder waits for the hasher between checks that it is alive. */
const WAIT_SLICE_MS = 50;
/** How long the hasher may make no progress while the builder waits before the builder hashes alone. */
const GIVE_UP_MS = 10_000;

/** How a {@link DigitsThread} is set up. */
export interface DigitsThreadOptions {
  /** The hashing thread's script (tests give one that fails). */
  readonly workerUrl?: URL;
  /** How long the hasher may make no progress while the builder waits; default 10 s. */
  readonly giveUpMs?: number;
  /** How long to wait for the hasher to start (default 0: jobs are hashed here until it is ready). */
  readonly startMs?: number;
}

/** Node's own fast paths, which the typings leave out. */
interface LatinBuffer {
  latin1Write(text: string, offset: number, length: number): number;
  latin1Slice(start: number, end: number): string;
}

/**
 * The builder's end of the digits channel (see `digits-channel.ts`): jobs in, digits
 * out, in order. A job is a head and a tail piece, hashed as `textOf(head) + textOf(tail)`;
 * pieces are any objects, told apart by identity, whose text never changes.
 *
 * `digitsOf` hashes a stream on this thread: until the hasher is ready, for pieces too
 * long to send, and for every job once the hasher stopped answering (it failed to start
 * or died), so a broken thread costs time, never a wrong or missing id.
 */
export class DigitsThread<Piece extends object> {
  readonly #control: Int32Array;
  readonly #jobs: Int32Array;
  readonly #log: LatinBuffer;
  readonly #logCells: Int32Array;
  readonly #digits: LatinBuffer;
  readonly #length: number;
  readonly #textOf: (piece: Piece) => string;
  readonly #digitsOf: (stream: string) => string;
  readonly #worker: Worker | undefined;
  /** Per slot, its job's pieces (a one-off text as the head): what to hash here if the hasher stops. */
  readonly #heads = new Array<Piece | string | undefined>(RING_SLOTS);
  readonly #tails = new Array<Piece | undefined>(RING_SLOTS);
  /** Per slot, the digits worked out on this thread. */
  readonly #answered = new Array<string | undefined>(RING_SLOTS);
  /** Piece → its number, valid while the number's owner is still that piece. */
  readonly #numbers = new WeakMap<Piece, number>();
  readonly #owners = new Array<Piece | undefined>(PIECE_NUMBERS);
  #nextNumber = 0;
  /** Bytes written to the definitions log, as a wrapping 32-bit count. */
  #written = 0;
  #submitted = 0;
  #taken = 0;
  /** What {@link SUBMITTED} says: the jobs published to the hasher. */
  #published = 0;
  /** What {@link DONE} said when last read. */
  #done = 0;
  #ready = false;
  #alone = false;
  #closed = false;
  readonly #giveUpMs: number;

  /** Ids of `format`; `digitsOf` must give what the hasher gives (`digits-worker.ts`). */
  constructor(
    format: { readonly base: HashBase; readonly length: number },
    textOf: (piece: Piece) => string,
    digitsOf: (stream: string) => string,
    options: DigitsThreadOptions = {},
  ) {
    const { base, length } = format;
    const buffers = channelBuffers();
    this.#control = new Int32Array(buffers.control);
    this.#jobs = new Int32Array(buffers.jobs);
    this.#log = Buffer.from(buffers.definitions) as unknown as LatinBuffer;
    this.#logCells = new Int32Array(buffers.definitions);
    this.#digits = Buffer.from(buffers.digits) as unknown as LatinBuffer;
    this.#length = length;
    this.#textOf = textOf;
    this.#digitsOf = digitsOf;
    this.#giveUpMs = options.giveUpMs ?? GIVE_UP_MS;
    try {
      this.#worker = new Worker(options.workerUrl ?? new URL('./digits-worker.js', import.meta.url), { workerData: { buffers, base, length } });
      // A failure shows as FAILED or as no progress; an unhandled event must not end the process.
      this.#worker.on('error', () => Atomics.store(this.#control, FAILED, 1));
      this.#worker.unref();
    } catch {
      this.#alone = true;
    }
    if (!this.#alone && options.startMs) Atomics.wait(this.#control, READY, 0, options.startMs);
  }

  /** Whether jobs pushed now go to the hasher (it started, and did not stop answering). */
  get sending(): boolean {
    return this.#sending();
  }

  /** Jobs handed over whose digits were not taken yet. */
  get pending(): number {
    return this.#submitted - this.#taken;
  }

  /** True when every slot holds a job not taken yet: take one before the next push. */
  get full(): boolean {
    return this.pending === RING_SLOTS;
  }

  /** Hands a job over (the ring must not be {@link full}). */
  push(head: Piece, tail: Piece): void {
    const slot = this.#submitted % RING_SLOTS;
    this.#heads[slot] = head;
    this.#tails[slot] = tail;
    const cell = slot * JOB_CELLS;
    const headNumber = this.#sending() ? this.#numberOf(head, -1) : -1;
    const tailNumber = headNumber < 0 ? -1 : this.#numberOf(tail, headNumber);
    if (tailNumber < 0) this.#answerHere(slot, this.#textOf(head) + this.#textOf(tail));
    else {
      this.#jobs[cell] = headNumber;
      this.#jobs[cell + 1] = tailNumber;
      this.#jobs[cell + 2] = this.#written;
    }
    this.#submitted += 1;
    if (this.#submitted - this.#published >= BATCH) this.#publish();
  }

  /** Hands over a job whose stream is one text of its own. */
  pushText(stream: string): void {
    const slot = this.#submitted % RING_SLOTS;
    this.#heads[slot] = stream;
    this.#tails[slot] = undefined;
    const number = this.#sending() ? this.#define(undefined, stream, -1) : -1;
    if (number < 0) this.#answerHere(slot, stream);
    else {
      const cell = slot * JOB_CELLS;
      this.#jobs[cell] = number;
      this.#jobs[cell + 1] = NO_TAIL;
      this.#jobs[cell + 2] = this.#written;
    }
    this.#submitted += 1;
    if (this.#submitted - this.#published >= BATCH) this.#publish();
  }

  /** The digits of the oldest job not taken yet, waiting for them if need be. */
  take(): string {
    const slot = this.#taken % RING_SLOTS;
    const answered = this.#answered[slot];
    if (answered !== undefined) {
      this.#answered[slot] = undefined;
      this.#taken += 1;
      return answered;
    }
    if (!this.#alone && this.#done <= this.#taken) {
      this.#done = Atomics.load(this.#control, DONE);
      if (this.#done <= this.#taken) this.#waitUntil(() => this.#done > this.#taken);
    }
    this.#taken += 1;
    // The hasher stopped answering while we waited: the jobs still in the ring are ours.
    if (this.#alone) return this.#digitsOf(this.#streamOf(slot));
    return this.#digits.latin1Slice(slot * DIGIT_BYTES, slot * DIGIT_BYTES + this.#length);
  }

  /** Whether the hasher stopped answering and this thread hashes every job. */
  get alone(): boolean {
    return this.#alone;
  }

  /** Stops the hasher; digits not taken yet are lost. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    Atomics.store(this.#control, STOP, 1);
    Atomics.notify(this.#control, SUBMITTED);
    void this.#worker?.terminate();
  }

  /** Whether jobs go to the hasher: once it is ready (until then, and once it stopped, they are hashed here). */
  #sending(): boolean {
    if (this.#ready) return true;
    if (this.#alone) return false;
    this.#ready = Atomics.load(this.#control, READY) !== 0;
    return this.#ready;
  }

  #answerHere(slot: number, stream: string): void {
    this.#answered[slot] = this.#digitsOf(stream);
    this.#jobs[slot * JOB_CELLS] = ANSWERED;
    this.#jobs[slot * JOB_CELLS + 2] = this.#written;
  }

  #streamOf(slot: number): string {
    const head = this.#heads[slot] as Piece | string;
    const tail = this.#tails[slot];
    return (typeof head === 'string' ? head : this.#textOf(head)) + (tail === undefined ? '' : this.#textOf(tail));
  }

  /** The number of a piece, defined now if it has none; -1 when it is too long to send. `keep`: a number not to give away. */
  #numberOf(piece: Piece, keep: number): number {
    const known = this.#numbers.get(piece);
    if (known !== undefined && this.#owners[known] === piece) return known;
    return this.#define(piece, this.#textOf(piece), keep);
  }

  /** Writes a definitions record for `text` under the next free number; -1 when too long. */
  #define(owner: Piece | undefined, text: string, keep: number): number {
    if (text.length > MAX_PIECE_BYTES) return -1;
    let number = this.#nextNumber;
    if (number === keep) number = (number + 1) % PIECE_NUMBERS;
    this.#nextNumber = (number + 1) % PIECE_NUMBERS;
    const bytes = definitionBytes(text.length);
    let at = logOffset(this.#written);
    // A record does not wrap around the log's end: a WRAP record sends the reader to its start.
    const skip = at + bytes > DEFINITION_BYTES ? DEFINITION_BYTES - at : 0;
    if (!this.#makeRoom(skip + bytes)) return -1;
    if (skip > 0) {
      this.#logCells[at >> 2] = WRAP;
      this.#written = (this.#written + skip) | 0;
      at = 0;
    }
    this.#logCells[at >> 2] = number;
    this.#logCells[(at >> 2) + 1] = text.length;
    this.#log.latin1Write(text, at + 8, text.length);
    this.#written = (this.#written + bytes) | 0;
    this.#owners[number] = owner;
    if (owner !== undefined) this.#numbers.set(owner, number);
    return number;
  }

  /** Waits until the hasher read enough of the log for `bytes` more; false when it stopped answering. */
  #makeRoom(bytes: number): boolean {
    const fits = (): boolean => ((this.#written + bytes - Atomics.load(this.#control, DEFINITIONS_READ)) | 0) <= DEFINITION_BYTES;
    if (!fits()) this.#waitUntil(fits);
    return !this.#alone;
  }

  /** Tells the hasher of the jobs handed over since the last time, waking it if it sleeps. */
  #publish(): void {
    this.#published = this.#submitted;
    Atomics.store(this.#control, SUBMITTED, this.#submitted);
    if (Atomics.load(this.#control, HASHER_SLEEPS) !== 0) Atomics.notify(this.#control, SUBMITTED);
  }

  /** Waits for the hasher until `ready()` (which reads its progress), or gives up on it. */
  #waitUntil(ready: () => boolean): void {
    Atomics.store(this.#control, BUILDER_WAITS, 1);
    this.#publish();
    let done = Atomics.load(this.#control, DONE);
    let since = performance.now();
    while (!ready()) {
      Atomics.wait(this.#control, DONE, done, WAIT_SLICE_MS);
      const now = Atomics.load(this.#control, DONE);
      this.#done = now;
      if (now !== done) {
        done = now;
        since = performance.now();
      } else if (Atomics.load(this.#control, FAILED) !== 0 || performance.now() - since > this.#giveUpMs) {
        this.#giveUp();
        break;
      }
    }
    this.#done = Atomics.load(this.#control, DONE);
    Atomics.store(this.#control, BUILDER_WAITS, 0);
  }

  /** From now on this thread hashes, the jobs still in the ring too. */
  #giveUp(): void {
    this.#alone = true;
    this.#ready = false;
    Atomics.store(this.#control, STOP, 1);
    void this.#worker?.terminate();
  }
}
