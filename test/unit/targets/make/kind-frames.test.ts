import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Job } from '../../../../src/graph/job-graph.js';
import { KindFrames, type FrameShape, type FrameTexts } from '../../../../src/targets/make/kind-frames.js';

/** A job as the frames see it: its kind alone. */
const jobOf = (kind: object): Job => ({ kind }) as unknown as Job;

const K1 = {};
const K2 = {};
const MASK = [false, true, false];
const OTHER_MASK = [false, true, false];
const SHAPE: FrameShape = { ownPieces: MASK, before: 1, after: 1 };
const TEXTS: FrameTexts = { set: '\t<set>', cmd: '<cmd>', end: '<end>\n' };
const parts = (q: string, ends = '') => ({ ownBody: `"n.q": ${q}`, between: ` --q=${q}`, ends });

/** Frames after `steps`, each a note or a forget; then what `recipe` gives for a job of `kind` with own config `own`. */
type Step = ['note', object, FrameShape, string, string, ReturnType<typeof parts> | undefined] | ['forget'];

function recipeAfter(steps: readonly Step[], kind: object, own: string): string | undefined {
  const frames = new KindFrames();
  for (const step of steps) {
    if (step[0] === 'forget') frames.forget();
    else frames.note(jobOf(step[1]), step[2], TEXTS, step[3], step[4], step[5]);
  }
  return frames.recipe(jobOf(kind), own);
}

const CASES: [string, Step[], object, string, string | undefined][] = [
  ['nothing noted', [], K1, 'q=1', undefined],
  ['an own config the frame noted, for a job of its kind', [['note', K1, SHAPE, '', 'q=1', parts('1')]], K1, 'q=1', '\t<set>"n.q": 1<cmd> --q=1<end>\n'],
  ['a job of another kind', [['note', K1, SHAPE, '', 'q=1', parts('1')]], K2, 'q=1', undefined],
  ['an own config no frame noted', [['note', K1, SHAPE, '', 'q=1', parts('1')]], K1, 'q=2', undefined],
  [
    'an own config an earlier frame of the shape noted, under another upstream job',
    [
      ['note', K1, SHAPE, '', 'q=2', parts('2')],
      ['note', K2, SHAPE, '', 'q=1', parts('1')],
    ],
    K2,
    'q=2',
    '\t<set>"n.q": 2<cmd> --q=2<end>\n',
  ],
  [
    'an own config a frame of another shape noted',
    [
      ['note', K1, { ...SHAPE, ownPieces: OTHER_MASK }, '', 'q=2', parts('2')],
      ['note', K2, SHAPE, '', 'q=1', parts('1')],
    ],
    K2,
    'q=2',
    undefined,
  ],
  [
    'another split of the same command',
    [
      ['note', K1, { ...SHAPE, before: 2 }, '', 'q=2', parts('2')],
      ['note', K2, SHAPE, '', 'q=1', parts('1')],
    ],
    K2,
    'q=2',
    undefined,
  ],
  [
    'own pieces at the frame ends that differ from the config\'s',
    [
      ['note', K1, SHAPE, 'w=1', 'q=2', parts('2', 'w=1')],
      ['note', K2, SHAPE, 'w=2', 'q=1', parts('1', 'w=2')],
    ],
    K2,
    'q=2',
    undefined,
  ],
  ['a config whose pieces in between are not its own alone', [['note', K1, SHAPE, '', 'q=1', undefined]], K1, 'q=1', undefined],
  ['a frame forgotten', [['note', K1, SHAPE, '', 'q=1', parts('1')], ['forget']], K1, 'q=1', undefined],
  [
    'the first parts noted for a config stay',
    [
      ['note', K1, SHAPE, '', 'q=1', parts('1')],
      ['note', K1, SHAPE, '', 'q=1', { ownBody: 'changed', between: 'changed', ends: '' }],
    ],
    K1,
    'q=1',
    '\t<set>"n.q": 1<cmd> --q=1<end>\n',
  ],
];

describe('KindFrames', () => {
  for (const [name, steps, kind, own, expected] of CASES) {
    test(name, () => assert.equal(recipeAfter(steps, kind, own), expected));
  }
});
