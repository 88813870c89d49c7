import { scheduledJobs, type Job, type JobGraph } from '../../graph/job-graph.js';
import { ChunkBuffer } from '../shared/chunks.js';
import { MARKER_NAME, runnerArgs, runnerEnvironment } from '../shared/runtime.js';
import { WORD_LINE_BREAK, wordTraits } from '../shared/shell-quote.js';
import type { TargetOptions } from '../target.js';
import {
  EMPTY_VARIABLE,
  NEWLINE_VARIABLE,
  RECIPE_CONTROL_PRELUDE,
  makeCommentText,
  makeVariableValue,
  recipeWord,
  recipeWordWithTraits,
} from './escape.js';

/** The Makefile's frame (everything before the job rules), pre-escaped for the template. */
export interface MakefileFrame {
  readonly version: string;
  readonly inputs: string;
  /** Definitions of `GWC_EMPTY` / `GWC_NL` when exported values need them, else ''. */
  readonly helperVariables: string;
  /** `NAME ?= value` lines to export. */
  readonly exports: readonly string[];
  readonly root: string;
  /** Node names, one phony target each, in pipeline order. */
  readonly nodes: readonly string[];
}

/** What every job rule needs: the scheduled jobs (also by id) and the root prefix. */
export interface RuleContext {
  readonly graph: JobGraph;
  readonly options: TargetOptions;
  readonly jobs: readonly Job[];
  /** The root without a trailing slash (`''` for `/`). */
  readonly rootPrefix: string;
  /** {@link rootPrefix} plus `/`: what paths under the root start with. */
  readonly rootSlash: string;
  /** Scheduled jobs by id; a dependency's marker is derived when its rule needs it. */
  readonly scheduled: ReadonlyMap<string, Job>;
}

const ROOT_REF = '$(ROOT)';
/** Make's directory of the rule's target: the job dir, since the target is `<dir>/.gwc-done`. */
const JOB_DIR_REF = '$(@D)';

/** Builds the frame's view model. */
export function makefileFrame(graph: JobGraph, options: TargetOptions): MakefileFrame {
  const values = runnerEnvironment(options).map(([name, value]) => ({ name, value: makeVariableValue(value) }));
  const helperVariables =
    (values.some((v) => v.value.usesEmpty) ? EMPTY_VARIABLE : '') +
    (values.some((v) => v.value.usesNewline) ? NEWLINE_VARIABLE : '');
  return {
    version: makeCommentText(options.version),
    inputs: makeCommentText(options.inputs.join(', ')),
    helperVariables,
    exports: values.map(({ name, value }) => `${name} ?= ${value.text}`),
    root: rootPrefix(graph.root),
    nodes: graph.nodes.map((node) => node.name),
  };
}

/** The rule context of a graph: marker paths by job id, for prerequisites. */
export function ruleContext(graph: JobGraph, options: TargetOptions): RuleContext {
  const jobs = scheduledJobs(graph);
  const scheduled = new Map<string, Job>();
  for (const job of jobs) scheduled.set(job.id, job);
  const prefix = rootPrefix(graph.root);
  return { graph, options, jobs, rootPrefix: prefix, rootSlash: `${prefix}/`, scheduled };
}

function rootPrefix(root: string): string {
  return root.replace(/\/+$/, '');
}

/** A path as a make target or prerequisite, shortened through `$(ROOT)`. */
export function makePath(path: string, context: RuleContext): string {
  return path.startsWith(context.rootSlash) ? ROOT_REF + path.slice(context.rootPrefix.length) : path;
}

/**
 * A runner argument in a recipe. Paths in the job dir are shortened through `$(@D)`
 * and other paths under the root through `$(ROOT)`; both expand to make-safe text.
 */
function runnerWord(word: string, jobDir: string | undefined, context: RuleContext): string {
  if (jobDir !== undefined) {
    if (word === jobDir) return JOB_DIR_REF;
    if (word.startsWith(jobDir) && word.charCodeAt(jobDir.length) === SLASH) {
      return JOB_DIR_REF + recipeWord(word.slice(jobDir.length));
    }
  }
  if (word.startsWith(context.rootSlash)) return ROOT_REF + recipeWord(word.slice(context.rootPrefix.length));
  return recipeWord(word);
}

const SLASH = '/'.charCodeAt(0);

function isMarkerOf(marker: string, dir: string): boolean {
  return marker.length === dir.length + 1 + MARKER_NAME.length && marker.startsWith(dir) && marker.endsWith(`/${MARKER_NAME}`);
}

/** The recipe line of one job: `@set -- <runner args>; $(GWC_RUN)`. */
export function jobRecipe(job: Job, context: RuleContext): string {
  const args = runnerArgs(job, context.graph, context.options);
  const separator = args.indexOf('--');
  // `$(@D)` is the job dir only when the target is the usual `<dir>/.gwc-done`.
  const jobDir = isMarkerOf(job.marker, job.dir) ? job.dir : undefined;
  let prelude = '';
  const words = new Array<string>(args.length);
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] as string;
    const traits = wordTraits(arg);
    if (traits & WORD_LINE_BREAK) prelude = RECIPE_CONTROL_PRELUDE;
    words[i] = i < separator ? runnerWord(arg, jobDir, context) : recipeWordWithTraits(arg, traits);
  }
  return `\t@${prelude}set -- ${words.join(' ')}; $(GWC_RUN)\n`;
}

/**
 * One job's rule: its marker, made from its dependencies' markers. Redo jobs and
 * jobs whose marker is stale also depend on FORCE, since their marker file exists.
 */
export function jobRule(job: Job, context: RuleContext): string {
  const prerequisites = job.deps.map((id) => {
    const marker = context.scheduled.get(id)?.marker;
    if (marker === undefined) throw new Error(`internal: job ${job.id} depends on unscheduled job ${id}`);
    return makePath(marker, context);
  });
  if (job.redo || job.staleMarker) prerequisites.push('FORCE');
  const target = makePath(job.marker, context);
  const head = prerequisites.length ? `${target}: ${prerequisites.join(' ')}` : `${target}:`;
  return `\n${head}\n${jobRecipe(job, context)}`;
}

/** Scheduled jobs grouped by node, each group in topological order. */
function jobsByNode(jobs: readonly Job[]): Map<string, Job[]> {
  const groups = new Map<string, Job[]>();
  for (const job of jobs) {
    const group = groups.get(job.node);
    if (group) group.push(job);
    else groups.set(job.node, [job]);
  }
  return groups;
}

/**
 * Everything after the frame, in chunks: job rules in topological order, then per node
 * the list of its markers (one per continuation line), its target and the rule that
 * makes its job dirs. Chunks rather than one string per rule keep a million-job file
 * cheap to stream.
 */
export function* ruleChunks(context: RuleContext): Generator<string> {
  const buffer = new ChunkBuffer();
  buffer.push('\n# one rule per job: its done marker, made by the runner\n');
  for (const job of context.jobs) {
    if (buffer.push(jobRule(job, context))) yield buffer.take();
  }
  buffer.push(NODE_SECTION_COMMENT);
  const groups = jobsByNode(context.jobs);
  for (const node of context.graph.nodes) {
    const jobs = groups.get(node.name) ?? [];
    const markers = `GWC_MARKERS_${node.name}`;
    buffer.push(`\n${markers} :=`);
    for (const job of jobs) {
      if (buffer.push(` \\\n  ${makePath(job.marker, context)}`)) yield buffer.take();
    }
    buffer.push(`\n${node.name}: $(${markers})\n`);
    if (jobs.length > 0) buffer.push(nodeDirsRules(node.name, markers));
  }
  yield buffer.take();
}

const NODE_SECTION_COMMENT = `
# one target per node: make <node> runs its jobs. A job waits for its directory, and one
# recipe per node makes all that are missing with one mkdir (a process per job costs about
# as much as a short job; on failure each runner makes its own). Needs GNU make >= 4.3.
`;

/** The rules that make the missing job dirs of a node's markers (listed in variable MARKERS). */
function nodeDirsRules(node: string, markers: string): string {
  const dirs = `GWC_DIRS_${node}`;
  const list = `.gwc-dirs-${node}`;
  return (
    `${dirs} := $(patsubst %/${MARKER_NAME},%,$(${markers}))\n` +
    `$(${markers}): %/${MARKER_NAME}: | %\n` +
    `$(${dirs}) &:\n` +
    `\t@$(file >${list},$(${dirs}))xargs -r mkdir -p -- <${list} 2>/dev/null; rm -f ${list}\n`
  );
}
