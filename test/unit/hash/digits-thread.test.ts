import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { convertHexBasePrefix, type HashBase } from '../../../src/hash/base-convert.js';
import { MAX_PIECE_BYTES, PIECE_NUMBERS, RING_SLOTS } from '../../../src/hash/digits-channel.js';
import { DigitsThread, type DigitsThreadOptions } from '../../../src/hash/digits-thread.js';
import { sha512Hex } from '../../../src/hash/ubelt-hash.js';

/** A piece: any object; its text is what the thread hashes. */
interface Piece {
  readonly text: string;
}

/** A job: two pieces, or one text of its own. */
type TestJob = { readonly head: Piece; readonly tail: Piece } | { readonly text: string };

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) & 0x7fffffff;
    return state / 0x80000000;
  };
}

function pieces(count: number, length: (i: number) => number, tag: string): Piece[] {
  return Array.from({ length: count }, (_, i) => ({ text: `${tag}${i}_`.padEnd(length(i), 'x') }));
}

function streamOf(job: TestJob): string {
  return 'text' in job ? job.text : job.head.text + job.tail.text;
}

/**
 * Pushes every job, taking digits whenever the ring is full and at the end, as the
 * builder does; returns the digits in order and how many jobs this thread hashed itself.
 */
function run(jobs: readonly TestJob[], format: { base: HashBase; length: number }, options: DigitsThreadOptions = {}) {
  let hashedHere = 0;
  const digitsOf = (stream: string): string => {
    hashedHere += 1;
    return convertHexBasePrefix(sha512Hex(stream), format.base, format.length);
  };
  const thread = new DigitsThread<Piece>(format, (piece) => piece.text, digitsOf, { startMs: 5_000, ...options });
  const sending = thread.sending;
  const got: string[] = [];
  try {
    for (const job of jobs) {
      if (thread.full) got.push(thread.take());
      if ('text' in job) thread.pushText(job.text);
      else thread.push(job.head, job.tail);
    }
    while (thread.pending > 0) got.push(thread.take());
  } finally {
    thread.close();
  }
  return { got, hashedHere, sending, alone: thread.alone };
}

function expected(jobs: readonly TestJob[], format: { base: HashBase; length: number }): string[] {
  return jobs.map((job) => convertHexBasePrefix(sha512Hex(streamOf(job)), format.base, format.length));
}

/** Jobs of a sweep: upstream heads, own tails; some jobs with a text of their own. */
function sweep(count: number, heads: readonly Piece[], tails: readonly Piece[], seed: number): TestJob[] {
  const next = random(seed);
  return Array.from({ length: count }, (_, i): TestJob => {
    if (next() < 0.05) return { text: `one-off ${i} `.padEnd(40 + Math.floor(next() * 300), '.') };
    return { head: heads[Math.floor(i / 97) % heads.length] as Piece, tail: tails[Math.floor(next() * tails.length)] as Piece };
  });
}

const KWDAGGER = { base: 36 as const, length: 12 };
const V2 = { base: 16 as const, length: 8 };

describe('the hashing thread answers every job in order, as this thread would', () => {
  const heads = pieces(40, (i) => 150 + i, 'head');
  const tails = pieces(300, (i) => 40 + (i % 7), 'tail');
  const cases: { name: string; jobs: TestJob[]; format: { base: HashBase; length: number } }[] = [
    { name: 'a sweep, kwdagger ids', jobs: sweep(6 * RING_SLOTS, heads, tails, 1), format: KWDAGGER },
    { name: 'a sweep, geowatch-v2 ids', jobs: sweep(3 * RING_SLOTS, heads, tails, 2), format: V2 },
    {
      // Every job a new tail: piece numbers are given again, and the definitions log wraps around.
      name: 'more pieces than numbers',
      jobs: pieces(PIECE_NUMBERS + 3000, () => 110, 'fresh').map((tail, i) => ({ head: heads[i % 3] as Piece, tail })),
      format: KWDAGGER,
    },
    {
      // A head defined long ago keeps its number while a new tail takes the next one.
      name: 'an old head next to new tails',
      jobs: pieces(PIECE_NUMBERS + 50, () => 20, 't').map((tail) => ({ head: heads[0] as Piece, tail })),
      format: KWDAGGER,
    },
    {
      name: 'pieces too long to send are hashed here',
      jobs: [
        ...sweep(RING_SLOTS, heads, tails, 3),
        { head: { text: 'h'.repeat(MAX_PIECE_BYTES + 1) }, tail: tails[0] as Piece },
        { text: 'w'.repeat(MAX_PIECE_BYTES + 5) },
        ...sweep(RING_SLOTS, heads, tails, 4),
      ],
      format: KWDAGGER,
    },
  ];
  for (const { name, jobs, format } of cases) {
    test(name, () => {
      const { got, hashedHere, sending, alone } = run(jobs, format);
      assert.ok(sending, 'the hasher started');
      assert.equal(alone, false);
      assert.deepEqual(got, expected(jobs, format));
      // Only pieces too long to send are hashed here once the hasher runs.
      assert.ok(hashedHere <= 2, `hashed here: ${hashedHere}`);
    });
  }
});

describe('a hasher that stops answering costs time, never a wrong id', () => {
  const heads = pieces(10, () => 170, 'head');
  const tails = pieces(100, () => 45, 'tail');
  const jobs = sweep(5 * RING_SLOTS, heads, tails, 5);
  const cases: { name: string; worker: string }[] = [
    { name: 'it dies', worker: './fixtures/throwing-digits-worker.js' },
    { name: 'it stalls', worker: './fixtures/stalling-digits-worker.js' },
  ];
  for (const { name, worker } of cases) {
    test(name, () => {
      const { got, hashedHere, alone } = run(jobs, KWDAGGER, { workerUrl: new URL(worker, import.meta.url), giveUpMs: 200 });
      assert.equal(alone, true);
      assert.deepEqual(got, expected(jobs, KWDAGGER));
      assert.ok(hashedHere > 0 && hashedHere < jobs.length, `hashed here: ${hashedHere}`);
    });
  }

  test('a hasher that cannot start: every job is hashed here', () => {
    const { got, hashedHere } = run(jobs.slice(0, 300), KWDAGGER, { workerUrl: new URL('./fixtures/missing-digits-worker.js', import.meta.url), startMs: 0 });
    assert.deepEqual(got, expected(jobs.slice(0, 300), KWDAGGER));
    assert.equal(hashedHere, 300);
  });
});
