import type { ArgPiece } from './pipeline.js';

/** A syntax problem in one template word, at a character offset of the word. */
export interface ArgSyntaxProblem {
  readonly message: string;
  readonly offset: number;
  readonly length: number;
  readonly found: string;
}

/**
 * Splits one argv word into literal text and `{key}` references, Python
 * `str.format` style: `{{` and `}}` are literal braces.
 */
export function parseArgWord(word: string): { pieces: ArgPiece[]; problem?: ArgSyntaxProblem } {
  const pieces: ArgPiece[] = [];
  let literal = '';
  const flush = (): void => {
    if (literal) pieces.push({ kind: 'literal', text: literal });
    literal = '';
  };
  for (let i = 0; i < word.length; i++) {
    const ch = word[i] as string;
    const next = word[i + 1];
    if ((ch === '{' && next === '{') || (ch === '}' && next === '}')) {
      literal += ch;
      i += 1;
    } else if (ch === '}') {
      return { pieces, problem: { message: 'unmatched "}"', offset: i, length: 1, found: 'a "}" with no "{" before it' } };
    } else if (ch === '{') {
      const close = word.indexOf('}', i + 1);
      const nested = word.indexOf('{', i + 1);
      if (close === -1 || (nested !== -1 && nested < close)) {
        return { pieces, problem: { message: 'unclosed "{"', offset: i, length: 1, found: 'a "{" with no "}" after it' } };
      }
      const key = word.slice(i + 1, close);
      if (key.trim() === '') {
        return { pieces, problem: { message: 'empty "{}"', offset: i, length: close - i + 1, found: `"${word.slice(i, close + 1)}"` } };
      }
      flush();
      pieces.push({ kind: 'ref', key });
      i = close;
    } else {
      literal += ch;
    }
  }
  flush();
  // An empty word is still one (empty) argument.
  if (pieces.length === 0) pieces.push({ kind: 'literal', text: '' });
  return { pieces };
}
