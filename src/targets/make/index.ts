import { error, type Diagnostic } from '../../diagnostics/diagnostic.js';
import { scheduledJobs, type JobGraph } from '../../graph/job-graph.js';
import { createRenderer, type TemplateRenderer } from '../shared/render.js';
import { runtimeFiles } from '../shared/runtime.js';
import type { EmittedFile, FileContent, Target, TargetOptions } from '../target.js';
import { isMakeSafeName, isMakeSafePath, makeUnsafeCharacters } from './escape.js';
import { makefileFrame, ruleChunks, ruleContext } from './view-model.js';

const SAFE_PATH_TEXT = "letters, digits, non-ASCII characters and . _ + , @ / -";
/** Names make or this Makefile already gives a meaning. */
const RESERVED_NAMES = new Set(['all', 'FORCE', 'Makefile', 'makefile', 'GNUmakefile']);

let renderer: TemplateRenderer | undefined;

function frameText(graph: JobGraph, options: TargetOptions): string {
  renderer ??= createRenderer('make');
  return renderer.render('Makefile', makefileFrame(graph, options));
}

/** The Makefile as chunks, regenerated on every iteration so a 1M-job file never sits in memory. */
function makefileContent(graph: JobGraph, options: TargetOptions): FileContent {
  return {
    *[Symbol.iterator]() {
      const context = ruleContext(graph, options);
      yield frameText(graph, options);
      yield* ruleChunks(context);
    },
  };
}

function quoteChars(chars: readonly string[]): string {
  return chars.map((c) => JSON.stringify(c)).join(', ');
}

function rootDiagnostics(graph: JobGraph): Diagnostic[] {
  if (isMakeSafePath(graph.root)) return [];
  return [
    error('E_OPTION', `the make target needs a root path without ${quoteChars(makeUnsafeCharacters(graph.root))}`, {
      found: JSON.stringify(graph.root),
      expected: `a path made of ${SAFE_PATH_TEXT}`,
      hint: 'make cannot quote file names; choose another --root or another target (e.g. bash)',
    }),
  ];
}

/**
 * Job dirs are their node's folder plus an id of ASCII letters, digits, `_` and `.`
 * (see `Job.id`), so a dir is make-safe when its folder is: the folders are checked,
 * not a million dirs. Jobs are looked at only under an unsafe folder, for a scheduled
 * one to report (a node none of whose jobs is in the Makefile does not matter).
 */
function markerDiagnostics(graph: JobGraph): Diagnostic[] {
  const unsafe = new Set(graph.nodes.filter((node) => !isMakeSafePath(node.folder)).map((node) => node.name));
  if (unsafe.size === 0) return [];
  const bad = scheduledJobs(graph).find((job) => unsafe.has(job.node));
  if (!bad) return [];
  return [
    error('E_OPTION', `the make target needs job directories without ${quoteChars(makeUnsafeCharacters(bad.marker))}`, {
      found: `job "${bad.id}" in ${JSON.stringify(bad.dir)}`,
      expected: `paths made of ${SAFE_PATH_TEXT}`,
    }),
  ];
}

function nodeNameDiagnostics(graph: JobGraph): Diagnostic[] {
  return graph.nodes
    .filter((node) => !isMakeSafeName(node.name) || RESERVED_NAMES.has(node.name))
    .map((node) =>
      error('E_OPTION', `the make target cannot name a target after node "${node.name}"`, {
        found: JSON.stringify(node.name),
        expected: `a node name made of letters, digits, . _ - and not one of ${[...RESERVED_NAMES].join(', ')}`,
        hint: 'rename the node or choose another target (e.g. bash)',
      }),
    );
}

/** Checks that every target, prerequisite and node name can be written in a Makefile. */
export function validateMake(graph: JobGraph): Diagnostic[] {
  const root = rootDiagnostics(graph);
  return [...root, ...(root.length ? [] : markerDiagnostics(graph)), ...nodeNameDiagnostics(graph)];
}

/**
 * The GNU Make target: one rule per job, whose target is the job's done marker.
 * @see https://www.gnu.org/software/make/manual/make.html
 */
export const makeTarget: Target = {
  name: 'make',
  description: 'a Makefile run with make -j N; one rule per job, finished jobs are skipped',
  validate: (graph) => validateMake(graph),
  emit(graph, options): EmittedFile[] {
    return [{ path: 'Makefile', content: makefileContent(graph, options) }, ...runtimeFiles()];
  },
  runCommand: (options) => ['make', '-j', String(options.workers)],
};
