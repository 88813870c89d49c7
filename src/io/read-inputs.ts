import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, relative, resolve } from 'node:path';
import { error, type Diagnostic, type SourceText } from '../diagnostics/diagnostic.js';
import { decodeSource } from '../parse/load-yaml.js';
import { closest } from '../diagnostics/did-you-mean.js';

/** The name diagnostics use for YAML passed inline with `--params`. */
export const INLINE_PARAMS_NAME = '<--params>';

/** Inputs larger than this are refused before parsing. */
const MAX_INPUT_BYTES = 64 * 1024 * 1024;

/** A path as shown in messages: relative to the working directory when that is shorter. */
function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

/** `did you mean "pipeline.yaml"?` when a file of a close name sits in the same directory. */
function siblingGuess(path: string): string | undefined {
  let names: string[];
  try {
    names = readdirSync(dirname(path));
  } catch {
    return undefined;
  }
  const match = closest(basename(path), names);
  return match === undefined ? undefined : `did you mean "${match}"?`;
}

/** Reads a text input file, refusing missing, huge and binary files with a diagnostic. */
export function readSourceFile(path: string, cwd: string): { source?: SourceText; diagnostics: Diagnostic[] } {
  const shown = displayPath(resolve(cwd, path), cwd);
  let bytes: Buffer;
  try {
    if (statSync(resolve(cwd, path)).size > MAX_INPUT_BYTES) {
      return { diagnostics: [error('E_FILE_READ', `"${shown}" is larger than 64 MiB`, { hint: 'a pipeline or grid file is small text' })] };
    }
    bytes = readFileSync(resolve(cwd, path));
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    const reason = missing ? 'it does not exist' : (e as Error).message;
    const hint = (missing ? siblingGuess(resolve(cwd, path)) : undefined) ?? 'check the path';
    return { diagnostics: [error('E_FILE_READ', `cannot read "${shown}": ${reason}`, { hint })] };
  }
  return decodeSource(shown, bytes);
}

/**
 * `--params` as kwdagger reads it: a single line naming an existing file is
 * that file; anything else is YAML text.
 */
export function paramsIsFile(arg: string, cwd: string): boolean {
  return !arg.includes('\n') && arg.trim() !== '' && existsSync(resolve(cwd, arg));
}

/** Reads `--params` as {@link paramsIsFile} decides: the named file, or the text itself. */
export function readParams(arg: string, cwd: string): { source?: SourceText; dir: string; diagnostics: Diagnostic[] } {
  if (paramsIsFile(arg, cwd)) {
    const read = readSourceFile(arg, cwd);
    return { ...read, dir: dirname(resolve(cwd, arg)) };
  }
  return { source: { path: INLINE_PARAMS_NAME, text: arg }, dir: cwd, diagnostics: [] };
}
