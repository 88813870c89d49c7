import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

/** The repository root (tests run from dist/test/…). */
export const REPO_ROOT = resolve(fileURLToPath(import.meta.url), '../../../..');

/** A path under the repository's source tree (not dist/). */
export function repoPath(...parts: string[]): string {
  return resolve(REPO_ROOT, ...parts);
}

/** Rewrite golden files instead of comparing against them. */
export const UPDATE_GOLDEN = process.env.UPDATE_GOLDEN === '1';
