import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { renderDiagnostics } from '../diagnostics/render.js';

/** Where the CLI writes; tests capture it. */
export interface Console {
  out(text: string): void;
  err(text: string): void;
}

export const PROCESS_CONSOLE: Console = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** Prints diagnostics to stderr; returns true when any is an error. */
export function reportDiagnostics(console: Console, diagnostics: readonly Diagnostic[]): boolean {
  if (diagnostics.length) console.err(renderDiagnostics(diagnostics));
  return diagnostics.some((d) => d.severity === 'error');
}
