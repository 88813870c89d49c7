import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JobGraph } from '../../src/graph/job-graph.js';
import type { Target, TargetOptions } from '../../src/targets/target.js';

/** Writes what a target emitted into options.outDir, as the CLI would (the directory must exist). */
export function emitToDisk(target: Target, graph: JobGraph, options: TargetOptions): void {
  for (const file of target.emit(graph, options)) {
    const path = join(options.outDir, file.path);
    writeFileSync(path, typeof file.content === 'string' ? file.content : [...file.content].join(''));
    if (file.executable) chmodSync(path, 0o755);
  }
}
