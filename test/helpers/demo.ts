/** The demo pipeline (examples/demo) as the end-to-end tests use it: copies, stage lines, file stamps. */
import { cpSync, lstatSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { repoPath } from './paths.js';
import type { PlanJob } from './plan-json.js';

export const DEMO = repoPath('examples', 'demo');
export const BIN = repoPath('bin', 'geowatch-compile.js');
/** What a stage script of the demo prints when it ran (e.g. `predict: 3 heatmaps ...`). */
export const STAGE_LINE = /^(predict|track|evaluate|viz): /gm;

/** The stages that ran, in output order, from what the demo's scripts printed. */
export function stageLines(text: string): string[] {
  return [...text.matchAll(STAGE_LINE)].map((m) => m[1] as string);
}

/** Copies examples/demo to `dest` without the runs/ and out/ a local `npm run demo` may have left. */
export function copyDemoTo(dest: string): string {
  cpSync(DEMO, dest, { recursive: true, filter: (src) => !['runs', 'out'].includes(relative(DEMO, src).split(sep)[0] ?? '') });
  return dest;
}

/** Jobs the artifacts contain: to run, or done but still listed so reruns resolve. */
export const isScheduled = (job: PlanJob): boolean => job.status === 'to_run' || job.status === 'done';

/** Every path under dir (links not followed) with its inode and mtime: what a rerun would change. */
export function fileStamps(dir: string): Map<string, string> {
  const stamps = new Map<string, string>();
  const walk = (path: string): void => {
    const stat = lstatSync(path);
    stamps.set(relative(dir, path), `${stat.ino}:${stat.mtimeMs}`);
    if (stat.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
  };
  walk(dir);
  return stamps;
}

/** Changed, added or removed paths between two stamps. */
export function changedPaths(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): string[] {
  const paths = new Set([...before.keys(), ...after.keys()]);
  return [...paths].filter((p) => before.get(p) !== after.get(p)).sort();
}
