import { Worker } from 'node:worker_threads';
import type { HashBase } from './base-convert.js';
import {
  ANSWERED,
  BUILDER_WAITS,
  DEFINITIONS_END,
  DEFINITIONS_READ,
  DEFINITION_BYTES,
  DIGIT_BYTES,
  DONE,
  FAILED,
  FIRST_AT,
  HEAD,
  JOB_CELLS,
  LENGTH_AT,
  MAX_PIECE_BYTES,
  NODE,
  NO_TAIL,
  PIECE_NUMBERS,
  PLACE,
  READY,
  RING_SLOTS,
  STOP,
  SUBMITTED,
  TAIL,
  WRAP,
  channelBuffers,
  definitionBytes,
  logOffset,
  readDigits,
  writeDigits,
} from './digits-channel.js';

/**
 * Jobs handed over at once: the count the hasher reads is published once per batch (a
 * cache line passed between cores). An eighth of the ring: the hasher starts on a batch
 * while the builder fills the next ones (half the ring left it behind more often, and
 * the builder waited for it).
 */
const BATCH = RING_SLOTS / 8;
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
interface LatinBuffer extends Buffer {
  latin1Write(text: string, offset: number, length: number): number;
}

/** {@link DigitsThread.firstPlace} when the hasher stopped answering: the builder looks the digits up itself. */
export const PLACE_UNKNOWN = -2;

/**
 * The builder's end of the digits channel (see `digits-channel.ts`): jobs in, digits
 * out, in order, each with the place of the first job of its node with those digits. A
 * job is a head and a tail piece, hashed as `textOf(head) + textOf(tail)`; pieces are any
 * objects, told apart by identity, whose text never changes.
 *
 * Jobs are handed over only once the hasher is {@link sending}. `digitsOf` hashes a
 * stream on this thread: for pieces too long to send (the hasher still looks their
 * digits up), and for every job once the hasher stopped answering (it died or stalled),
 * so a broken thread costs time, never a wrong or missing id.
 */
export class DigitsThread<Piece extends object> {
  readonly #control: Int32Array;
  readonly #jobs: Int32Array;
  readonly #log: LatinBuffer;
  readonly #logCells: Int32Array;
  readonly #digits: LatinBuffer;
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
  #firstPlace = PLACE_UNKNOWN;
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

  /**
   * Hands a job over (the ring must not be {@link full}): job number `place` in the
   * builder's order, of its node number `node`.
   */
  push(head: Piece, tail: Piece, node: number, place: number): void {
    const slot = this.#slotFor(head, tail, node, place);
    const headNumber = this.#sending() ? this.#headNumber(head) : -1;
    const tailNumber = headNumber < 0 ? -1 : this.#numberOf(tail, headNumber);
    if (tailNumber < 0) this.#answerHere(slot, this.#textOf(head) + this.#textOf(tail));
    else this.#send(slot, headNumber, tailNumber);
  }

  /** Hands over a job whose stream is one text of its own. */
  pushText(stream: string, node: number, place: number): void {
    const slot = this.#slotFor(stream, undefined, node, place);
    const number = this.#sending() ? this.#define(undefined, stream, -1) : -1;
    if (number < 0) this.#answerHere(slot, stream);
    else this.#send(slot, number, NO_TAIL);
  }

  /** Hands over a job whose digits are known (made before the hasher started): for the hasher's record of its node's digits. */
  pushDigits(digits: string, node: number, place: number): void {
    const slot = this.#slotFor(undefined, undefined, node, place);
    this.#answered[slot] = digits;
    this.#tellDigits(slot, digits);
  }

  /** The digits of the oldest job not taken yet, waiting for them if need be; then see {@link firstPlace}. */
  take(): string {
    const slot = this.#taken % RING_SLOTS;
    if (!this.#alone && this.#done <= this.#taken) {
      this.#done = Atomics.load(this.#control, DONE);
      if (this.#done <= this.#taken) this.#waitUntil(() => this.#done > this.#taken);
    }
    this.#taken += 1;
    const answered = this.#answered[slot];
    this.#answered[slot] = undefined;
    const at = slot * DIGIT_BYTES;
    if (this.#alone) {
      this.#firstPlace = PLACE_UNKNOWN;
      // The hasher stopped answering: the jobs still in the ring are ours.
      return answered ?? this.#digitsOf(this.#streamOf(slot));
    }
    this.#firstPlace = this.#digits.readInt32LE(at + FIRST_AT);
    return answered ?? readDigits(this.#digits, at, this.#digits.readInt32LE(at + LENGTH_AT));
  }

  /**
   * Where the first job of the node with the digits {@link take} gave stands in the
   * builder's order (itself when they are new: `FIRST_OF_ITS_DIGITS`), or
   * {@link PLACE_UNKNOWN} when the hasher stopped answering.
   */
  get firstPlace(): number {
    return this.#firstPlace;
  }

  /** Whether the hasher stopped answering and this thread hashes every job. */
  get alone(): boolean {
    return this.#alone;
  }

  /** Stops the hasher; digits not taken yet are lost. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#stopHasher();
  }

  /** Whether jobs go to the hasher: once it is ready, until it stopped answering. */
  #sending(): boolean {
    if (this.#ready) return true;
    if (this.#alone) return false;
    this.#ready = Atomics.load(this.#control, READY) !== 0;
    return this.#ready;
  }

  /** The next slot, given the job's pieces (kept in case the hasher stops), node and place. */
  #slotFor(head: Piece | string | undefined, tail: Piece | undefined, node: number, place: number): number {
    const slot = this.#submitted % RING_SLOTS;
    this.#heads[slot] = head;
    this.#tails[slot] = tail;
    const cell = slot * JOB_CELLS;
    this.#jobs[cell + NODE] = node;
    this.#jobs[cell + PLACE] = place;
    this.#submitted += 1;
    return slot;
  }

  #send(slot: number, head: number, tail: number): void {
    const cell = slot * JOB_CELLS;
    this.#jobs[cell + HEAD] = head;
    this.#jobs[cell + TAIL] = tail;
    this.#jobs[cell + DEFINITIONS_END] = this.#written;
    if (this.#submitted - this.#published >= BATCH) this.#publish();
  }

  /** Hashes a job here; the hasher still records its digits. */
  #answerHere(slot: number, stream: string): void {
    const digits = this.#digitsOf(stream);
    this.#answered[slot] = digits;
    this.#tellDigits(slot, digits);
  }

  #tellDigits(slot: number, digits: string): void {
    if (!this.#alone) writeDigits(this.#digits, slot, digits);
    this.#send(slot, ANSWERED, NO_TAIL);
  }

  #streamOf(slot: number): string {
    const head = this.#heads[slot] as Piece | string;
    const tail = this.#tails[slot];
    return (typeof head === 'string' ? head : this.#textOf(head)) + (tail === undefined ? '' : this.#textOf(tail));
  }

  /**
   * {@link #numberOf} a head piece. Jobs in a row mostly share their head (the jobs under
   * one upstream job), so the last head's number is checked before the piece map.
   */
  #headNumber(head: Piece): number {
    const last = this.#lastHeadNumber;
    if (last >= 0 && this.#owners[last] === head) return last;
    this.#lastHeadNumber = this.#numberOf(head, -1);
    return this.#lastHeadNumber;
  }

  /** The number {@link #headNumber} gave last (-1: none), valid while its owner is still that piece. */
  #lastHeadNumber = -1;

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

  /** Tells the hasher of the jobs handed over since the last time (it looks every `POLL_MS`). */
  #publish(): void {
    this.#published = this.#submitted;
    Atomics.store(this.#control, SUBMITTED, this.#submitted);
  }

  /** Waits for the hasher until `ready()` (which reads its progress), or gives up on it. */
  #waitUntil(ready: () => boolean): void {
    Atomics.store(this.#control, BUILDER_WAITS, 1);
    this.#publish();
    // The hasher may be asleep until its next look: wake it, the builder has nothing else to do.
    Atomics.notify(this.#control, SUBMITTED);
    // Read after saying it waits: progress made before that came with no wake-up, and
    // `ready()` reading an older count would wait for a wake-up that never comes.
    let done = Atomics.load(this.#control, DONE);
    this.#done = done;
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
    this.#stopHasher();
  }

  #stopHasher(): void {
    Atomics.store(this.#control, STOP, 1);
    Atomics.notify(this.#control, SUBMITTED);
    void this.#worker?.terminate();
  }
}
