import type { Diagnostic, Span } from './diagnostic.js';

/** 1-based line and column of an offset. */
export function lineCol(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line += 1;
    lineStart = i + 1;
  }
  return { line, col: offset - lineStart + 1 };
}

const MAX_FRAME_WIDTH = 100;

/** The offending line with a `^^^` caret under the span, prefixed by its line number. */
function codeFrame(span: Span): string {
  const { text } = span.source;
  const { line, col } = lineCol(text, span.start);
  const lineStart = span.start - (col - 1);
  const lineEndIdx = text.indexOf('\n', lineStart);
  const lineText = text.slice(lineStart, lineEndIdx === -1 ? text.length : lineEndIdx).replace(/\r$/, '');
  const shown = lineText.length > MAX_FRAME_WIDTH ? `${lineText.slice(0, MAX_FRAME_WIDTH)}…` : lineText;
  const width = Math.max(1, Math.min(span.end - span.start, shown.length - (col - 1), MAX_FRAME_WIDTH));
  const gutter = String(line);
  const pad = ' '.repeat(gutter.length);
  const caretIndent = shown.slice(0, col - 1).replace(/[^\t]/g, ' ');
  return `${pad} |\n${gutter} | ${shown}\n${pad} | ${caretIndent}${'^'.repeat(width)}`;
}

/** Renders `file:line:col: error[CODE]: message`, a code frame, and found/expected/help lines. */
export function renderDiagnostic(d: Diagnostic): string {
  const where = d.span ? `${d.span.source.path}:${formatPos(d.span)}: ` : '';
  const lines = [`${where}${d.severity}[${d.code}]: ${d.message}`];
  if (d.span) lines.push(codeFrame(d.span));
  if (d.found !== undefined) lines.push(`  = found: ${d.found}`);
  if (d.expected !== undefined) lines.push(`  = expected: ${d.expected}`);
  if (d.hint !== undefined) lines.push(`  = help: ${d.hint}`);
  return lines.join('\n');
}

function formatPos(span: Span): string {
  const { line, col } = lineCol(span.source.text, span.start);
  return `${line}:${col}`;
}

/** Errors before warnings; within each, by file (in the order files first appear) and position. */
function sortForReading(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const files = [...new Set(diagnostics.map((d) => d.span?.source.path ?? ''))];
  const key = (d: Diagnostic): [number, number, number] => [d.severity === 'error' ? 0 : 1, files.indexOf(d.span?.source.path ?? ''), d.span?.start ?? -1];
  return [...diagnostics].sort((a, b) => {
    const [ka, kb] = [key(a), key(b)];
    return ka[0] - kb[0] || ka[1] - kb[1] || ka[2] - kb[2];
  });
}

/** Renders every diagnostic, errors first in source order, then a count line. */
export function renderDiagnostics(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  const body = sortForReading(diagnostics).map(renderDiagnostic).join('\n\n');
  const counts = [errors ? `${errors} error${errors === 1 ? '' : 's'}` : '', warnings ? `${warnings} warning${warnings === 1 ? '' : 's'}` : '']
    .filter(Boolean)
    .join(', ');
  return counts ? `${body}\n\n${counts}\n` : '';
}
