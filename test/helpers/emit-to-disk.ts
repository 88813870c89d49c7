import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { JobGraph } from '../../src/graph/job-graph.js';
import type { Target, TargetOptions } from '../../src/targets/target.js';
import { fileText } from './golden.js';

/** Writes what a target emitted into options.outDir (made when missing), as the CLI would. */
export function emitToDisk(target: Target, graph: JobGraph, options: TargetOptions): void {
  for (const file of target.emit(graph, options)) {
    const path = join(options.outDir, file.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, fileText(file));
    if (file.executable) chmodSync(path, 0o755);
  }
}
