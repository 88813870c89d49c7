import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';
import type { JobProbe, ProbeResult } from '../graph/build-graph.js';
import { MARKER_NAME } from '../graph/job.js';

/** The file the runner touches before a job's first attempt; its presence rules out adoption. */
export const ATTEMPT_NAME = '.gwc-attempt';

/**
 * Looks at job directories on disk. Each node directory is listed once, so a
 * million jobs under a fresh root cost one `readdir` per node, not a `stat` per job.
 */
export function diskProbe(): JobProbe {
  const listings = new Map<string, ReadonlySet<string>>();
  // Jobs come in runs of one node: the last listing is nearly always the one asked for.
  let lastParent: string | undefined;
  let lastNames: ReadonlySet<string> = new Set();
  const listing = (parent: string): ReadonlySet<string> => {
    if (parent === lastParent) return lastNames;
    let names = listings.get(parent);
    if (!names) {
      names = existsSync(parent) ? new Set(readdirSync(parent)) : new Set();
      listings.set(parent, names);
    }
    lastParent = parent;
    lastNames = names;
    return names;
  };
  return (job): ProbeResult => {
    // Under a fresh root every folder is empty: the job's name is not even made.
    const names = listing(job.folder);
    if (names.size === 0 || !names.has(job.name)) return 'absent';
    const { dir, fingerprint, outputs } = job;
    const marker = posix.join(dir, MARKER_NAME);
    if (existsSync(marker)) {
      return readFileSync(marker, 'utf8').includes(`"fingerprint": "${fingerprint}"`) ? 'done' : 'stale';
    }
    const paths = outputs();
    if (existsSync(posix.join(dir, ATTEMPT_NAME)) || paths.length === 0) return 'absent';
    return paths.every((p) => existsSync(p)) ? 'adoptable' : 'absent';
  };
}
