import { error, type Diagnostic } from '../../diagnostics/diagnostic.js';
import { scheduledJobs, type JobGraph } from '../../graph/job-graph.js';
import { createRenderer, readTemplateFile, type TemplateRenderer } from '../shared/render.js';
import { runtimeFiles } from '../shared/runtime.js';
import type { EmittedFile, Target, TargetOptions } from '../target.js';
import { ID_WILDCARD_REGEX, isWildcardId, patternUnsafeCharacters } from './escape.js';
import { memToMb, timeToMinutes } from './resources.js';
import { ARGV_TABLE_FILE, FORCE_STAMP_FILE, JOB_TABLE_FILE, LAUNCHER_FILE, jobTables, snakefileView } from './view-model.js';

/** The Slurm profile's files, copied as they are (the scripts executable). */
const PROFILE_FILES: readonly { readonly name: string; readonly executable: boolean }[] = [
  { name: 'config.yaml', executable: false },
  { name: 'gwc-sbatch.sh', executable: true },
  { name: 'gwc-status.sh', executable: true },
];
const PROFILE_DIR = 'profiles/slurm';

let renderer: TemplateRenderer | undefined;

function snakefileText(graph: JobGraph, options: TargetOptions): string {
  renderer ??= createRenderer('snakemake');
  return renderer.render('Snakefile', snakefileView(graph, options));
}

function quoteChars(chars: readonly string[]): string {
  return chars.map((c) => JSON.stringify(c)).join(', ');
}

/** Job dirs become output patterns: no braces (wildcards) and no control characters. */
function pathDiagnostics(graph: JobGraph): Diagnostic[] {
  const rootChars = patternUnsafeCharacters(graph.root);
  if (rootChars.length) {
    return [
      error('E_OPTION', `the snakemake target needs a root path without ${quoteChars(rootChars)}`, {
        found: JSON.stringify(graph.root),
        expected: 'a path without braces or control characters',
        hint: 'Snakemake reads braces in file names as wildcards; choose another --root or another target (e.g. make)',
      }),
    ];
  }
  const bad = scheduledJobs(graph).find((job) => patternUnsafeCharacters(job.dir).length > 0);
  if (!bad) return [];
  return [
    error('E_OPTION', `the snakemake target needs job directories without ${quoteChars(patternUnsafeCharacters(bad.dir))}`, {
      found: `job "${bad.id}" in ${JSON.stringify(bad.dir)}`,
      expected: 'paths without braces or control characters',
    }),
  ];
}

function idDiagnostics(graph: JobGraph): Diagnostic[] {
  const bad = scheduledJobs(graph).find((job) => !isWildcardId(job.id));
  if (!bad) return [];
  return [
    error('E_OPTION', `the snakemake target cannot name job "${bad.id}" in a wildcard`, {
      found: JSON.stringify(bad.id),
      expected: `job ids matching ${ID_WILDCARD_REGEX}`,
    }),
  ];
}

/** mem and time must convert to Snakemake's mem_mb and runtime (minutes). */
function resourceDiagnostics(graph: JobGraph): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const node of graph.nodes) {
    const { mem, time } = node.resources;
    if (mem !== undefined && memToMb(mem) === undefined) {
      diagnostics.push(
        error('E_OPTION', `the snakemake target cannot read resources.mem of node "${node.name}"`, {
          found: JSON.stringify(mem),
          expected: 'a number with an optional unit K, M, G or T (e.g. 500M, 8G)',
        }),
      );
    }
    if (time !== undefined && timeToMinutes(time) === undefined) {
      diagnostics.push(
        error('E_OPTION', `the snakemake target cannot read resources.time of node "${node.name}"`, {
          found: JSON.stringify(time),
          expected: 'a Slurm time: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS',
        }),
      );
    }
  }
  return diagnostics;
}

/** Checks that every path, id and resource can be written in a Snakefile. */
export function validateSnakemake(graph: JobGraph): Diagnostic[] {
  return [...pathDiagnostics(graph), ...idDiagnostics(graph), ...resourceDiagnostics(graph)];
}

/**
 * The Snakemake target (Debian's snakemake 7.21): one rule per node with one `id`
 * wildcard, the job's done marker as output; parameters come from side tables.
 * @see https://snakemake.readthedocs.io/en/v7.21.0/
 */
export const snakemakeTarget: Target = {
  name: 'snakemake',
  description: 'a Snakefile run with snakemake -j N (or a Slurm profile); one rule per node, finished jobs are skipped',
  validate: (graph) => validateSnakemake(graph),
  emit(graph, options): EmittedFile[] {
    const tables = jobTables(graph, options);
    return [
      { path: 'Snakefile', content: snakefileText(graph, options) },
      // the argv table comes before the job table, which then reuses its line lengths
      { path: ARGV_TABLE_FILE, content: tables.argvLines },
      { path: JOB_TABLE_FILE, content: tables.jobLines },
      { path: LAUNCHER_FILE, content: readTemplateFile(`snakemake/${LAUNCHER_FILE}`), executable: true },
      { path: FORCE_STAMP_FILE, content: 'jobs that must run again (redo, stale marker) depend on this file, written at compile time\n' },
      ...PROFILE_FILES.map((file) => ({
        path: `${PROFILE_DIR}/${file.name}`,
        content: readTemplateFile(`snakemake/${PROFILE_DIR}/${file.name}`),
        executable: file.executable,
      })),
      ...runtimeFiles(),
    ];
  },
  runCommand: (options) => [
    'snakemake',
    '-j',
    String(options.workers),
    '--rerun-triggers',
    'mtime',
    '--rerun-incomplete',
    '--scheduler',
    'greedy',
    ...(options.devices.length > 0 ? ['--resources', `gpu=${options.devices.length}`] : []),
  ],
};
