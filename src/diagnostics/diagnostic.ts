import type { DiagnosticCode } from './codes.js';

/** A loaded input file, kept so diagnostics can point into it and print a code frame. */
export interface SourceText {
  /** The path as the user gave it (never made absolute, so messages stay short). */
  readonly path: string;
  readonly text: string;
}

/** A half-open character range [start, end) in a source text. */
export interface Span {
  readonly source: SourceText;
  readonly start: number;
  readonly end: number;
}

export type Severity = 'error' | 'warning';

/** The one error type of the compiler: every user-facing problem is one of these. */
export interface Diagnostic {
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  /** Lowercase, no trailing period; quotes user values. */
  readonly message: string;
  /** Where; absent for problems with no location (e.g. a command-line option). */
  readonly span?: Span;
  /** What was found, e.g. `a list of 0 values`. */
  readonly found?: string;
  /** What was expected instead. */
  readonly expected?: string;
  /** How to fix it, e.g. `did you mean "predict"?`. */
  readonly hint?: string;
}

type DiagnosticInit = Omit<Diagnostic, 'severity' | 'code' | 'message'>;

export function error(code: DiagnosticCode, message: string, init: DiagnosticInit = {}): Diagnostic {
  return { code, severity: 'error', message, ...init };
}

export function warning(code: DiagnosticCode, message: string, init: DiagnosticInit = {}): Diagnostic {
  return { code, severity: 'warning', message, ...init };
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

