import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { convertHexBasePrefix, type HashBase } from '../../../src/hash/base-convert.js';
import { MAX_PIECE_BYTES, PIECE_NUMBERS, RING_SLOTS } from '../../../src/hash/digits-channel.js';
import { DigitsThread, PLACE_UNKNOWN, type DigitsThreadOptions } from '../../../src/hash/digits-thread.js';
import { sha512Hex } from '../../../src/hash/ubelt-hash.js';

/** A piece: any object; its text is what the thread hashes. */
interface Piece {
  readonly text: string;
}

/** A job: two pieces, one text of its own, or digits known already; and its node. */
type TestJob = ({ readonly head: Piece; readonly tail: Piece } | { readonly text: string } | { readonly known: string }) & { readonly node?: number };

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
  if ('known' in job) throw new Error('known digits have no stream');
  return 'text' in job ? job.text : job.head.text + job.tail.text;
}

/**
 * Pushes every job, taking digits whenever the ring is full and at the end, as the
 * builder does; returns the digits and first places in order, and how many jobs this
 * thread hashed itself.
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
  const firsts: number[] = [];
  const take = (): void => {
    got.push(thread.take());
    firsts.push(thread.firstPlace);
  };
  try {
    jobs.forEach((job, place) => {
      if (thread.full) take();
      const node = job.node ?? 0;
      if ('known' in job) thread.pushDigits(job.known, node, place);
      else if ('text' in job) thread.pushText(job.text, node, place);
      else thread.push(job.head, job.tail, node, place);
    });
    while (thread.pending > 0) take();
  } finally {
    thread.close();
  }
  return { got, firsts, hashedHere, sending, alone: thread.alone };
}

function expected(jobs: readonly TestJob[], format: { base: HashBase; length: number }): string[] {
  return jobs.map((job) => ('known' in job ? job.known : convertHexBasePrefix(sha512Hex(streamOf(job)), format.base, format.length)));
}

/** Per job, the place of the first job of its node with its digits, or -1 for the first. */
function expectedFirsts(jobs: readonly TestJob[], digits: readonly string[]): number[] {
  const first = new Map<string, number>();
  return digits.map((d, place) => {
    const key = `${jobs[place]?.node ?? 0} ${d}`;
    const seen = first.get(key);
    if (seen !== undefined) return seen;
    first.set(key, place);
    return -1;
  });
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
    // Some jobs of a sweep repeat others (the same head and tail).
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
      // Digits known before the hasher started are recorded: later jobs with them repeat them.
      name: 'known digits, and jobs of several nodes',
      jobs: (() => {
        const sweepJobs = sweep(2 * RING_SLOTS, heads, tails, 6).map((job, i) => ({ ...job, node: i % 3 }));
        const known = expected(sweepJobs.slice(0, 300), KWDAGGER).map((digits, i) => ({ known: digits, node: i % 3 }));
        return [...known, ...sweepJobs];
      })(),
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
      const { got, firsts, hashedHere, sending, alone } = run(jobs, format);
      assert.ok(sending, 'the hasher started');
      assert.equal(alone, false);
      const digits = expected(jobs, format);
      assert.deepEqual(got, digits);
      assert.deepEqual(firsts, expectedFirsts(jobs, digits));
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
      const { got, firsts, hashedHere, alone } = run(jobs, KWDAGGER, { workerUrl: new URL(worker, import.meta.url), giveUpMs: 200 });
      assert.equal(alone, true);
      const digits = expected(jobs, KWDAGGER);
      assert.deepEqual(got, digits);
      // What the hasher answered is right; after it stopped, the builder looks digits up itself.
      const want = expectedFirsts(jobs, digits);
      firsts.forEach((first, place) => assert.ok(first === PLACE_UNKNOWN || first === want[place], `job ${place}`));
      assert.equal(firsts.at(-1), PLACE_UNKNOWN);
      assert.ok(hashedHere > 0 && hashedHere < jobs.length, `hashed here: ${hashedHere}`);
    });
  }

  test('a hasher that cannot start is never sending', () => {
    const thread = new DigitsThread<Piece>(KWDAGGER, (piece) => piece.text, () => '', {
      workerUrl: new URL('./fixtures/missing-digits-worker.js', import.meta.url),
      startMs: 300,
    });
    assert.equal(thread.sending, false);
    thread.close();
  });
});
