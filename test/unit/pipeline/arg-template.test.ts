import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseArgWord } from '../../../src/pipeline/arg-template.js';
import type { ArgPiece } from '../../../src/pipeline/pipeline.js';

const lit = (text: string): ArgPiece => ({ kind: 'literal', text });
const ref = (key: string): ArgPiece => ({ kind: 'ref', key });

describe('parseArgWord', () => {
  const valid: [string, ArgPiece[]][] = [
    ['--flag', [lit('--flag')]],
    ['', [lit('')]],
    ['{heatmaps}', [ref('heatmaps')]],
    ['--thresh={thresh}', [lit('--thresh='), ref('thresh')]],
    ['{a}{b}', [ref('a'), ref('b')]],
    ['{data.window_scale_space}', [ref('data.window_scale_space')]],
    ['{{literal}}', [lit('{literal}')]],
    ['--kw={{"t": {thresh}}}', [lit('--kw={"t": '), ref('thresh'), lit('}')]],
  ];
  for (const [word, pieces] of valid) {
    test(`parses ${JSON.stringify(word)}`, () => assert.deepEqual(parseArgWord(word), { pieces }));
  }

  const invalid: [string, string, number, number][] = [
    ['a{b', 'unclosed "{"', 1, 1],
    ['{a{b}', 'unclosed "{"', 0, 1],
    ['x}', 'unmatched "}"', 1, 1],
    ['{a}}', 'unmatched "}"', 3, 1],
    ['--x={}', 'empty "{}"', 4, 2],
  ];
  for (const [word, message, offset, length] of invalid) {
    test(`refuses ${JSON.stringify(word)}`, () => {
      const { problem } = parseArgWord(word);
      assert.deepEqual([problem?.message, problem?.offset, problem?.length], [message, offset, length]);
    });
  }
});
