import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseEnable } from '../../../src/graph/enable.js';
import type { Value } from '../../../src/values/value.js';

describe('parseEnable', () => {
  const cases: [Value, ReturnType<typeof parseEnable>][] = [
    [0n, false],
    [1n, true],
    [true, true],
    [false, false],
    ['redo', 'redo'],
    ['1', true],
    ['0', false],
    [null, false],
    [2n, undefined],
    ['maybe', undefined],
    [0.5, undefined],
  ];
  for (const [value, want] of cases) test(`${String(value)} → ${String(want)}`, () => assert.equal(parseEnable(value), want));
});
