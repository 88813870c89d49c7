import type { Job, JobGraph, JobKindToken } from '../../graph/job-graph.js';
import { ChunkBuffer } from '../shared/chunks.js';
import { MARKER_NAME, runnerEnvironment } from '../shared/runtime.js';
import type { Chunk, TargetOptions } from '../target.js';
import { EMPTY_VARIABLE, NEWLINE_VARIABLE, makeCommentText, makeVariableValue } from './escape.js';
import { ROOT_REF, RecipeWriter, type RepeatedText, type RootPaths } from './recipe.js';

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

/** What every job rule needs: the graph, the root prefix and the recipe writer. */
export interface RuleContext extends RootPaths {
  readonly graph: JobGraph;
  readonly recipes: RecipeWriter;
  /** Upstream job → its marker as a prerequisite (asked once per dependent job). */
  readonly prerequisites: Map<Job, RepeatedText>;
  /** Node → its folder as a make path: a job's marker is that, its id and the marker's name. */
  readonly folders: ReadonlyMap<string, string>;
  /** The last rule head's kind, its folder and what follows its id, while the kind's next jobs share them (see `ruleHead`). */
  lastHead: { readonly kind: JobKindToken; readonly folder: string; readonly rest: string } | undefined;
}

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

/** The rule context of a graph. */
export function ruleContext(graph: JobGraph, options: TargetOptions): RuleContext {
  const prefix = rootPrefix(graph.root);
  const root = { rootPrefix: prefix, rootSlash: `${prefix}/` };
  const folders = new Map(graph.nodes.map((node) => [node.name, makePath(node.folder, root)]));
  // Spelled out, not spread: its fields are read per job.
  return { graph, rootPrefix: root.rootPrefix, rootSlash: root.rootSlash, recipes: new RecipeWriter(graph, options, root), prerequisites: new Map(), folders, lastHead: undefined };
}

function rootPrefix(root: string): string {
  return root.replace(/\/+$/, '');
}

/** A path as a make target or prerequisite, shortened through `$(ROOT)`. */
export function makePath(path: string, context: RootPaths): string {
  return path.startsWith(context.rootSlash) ? ROOT_REF + path.slice(context.rootPrefix.length) : path;
}

/**
 * A job's done marker as a make target or prerequisite: `<dir>/.gwc-done` (the runtime
 * contract), its dir being its node's folder and its id. Made from those rather than
 * from the dir, which a job makes when asked and which `makePath` would scan.
 */
export function markerPath(job: Job, context: RuleContext): string {
  return `${context.folders.get(job.node) as string}/${job.id}/${MARKER_NAME}`;
}

/** A dependency's marker as a prerequisite: the text `RecipeWriter.repeat` turns into a variable from its second use. */
function prerequisite(dep: Job, context: RuleContext): RepeatedText {
  let marker = context.prerequisites.get(dep);
  if (marker === undefined) context.prerequisites.set(dep, (marker = { text: markerPath(dep, context), uses: 0 }));
  return marker;
}

/**
 * One job's rule: its marker, made from its dependencies' markers. Redo jobs and
 * jobs whose marker is stale also depend on FORCE, since their marker file exists.
 */
export function jobRule(job: Job, context: RuleContext): string {
  const head = ruleHead(job, context);
  const recipe = context.recipes.recipe(job);
  return `\n${context.recipes.takeDefinitions()}${head}\n${recipe}`;
}

/**
 * `<marker>: <prerequisites>[ FORCE]`. From its second dependent job on, a variable
 * `GWC_PRE_<n>` holds a dependency's marker (make expands a prerequisite list as it
 * reads the rule). Jobs of one kind have the same dependencies and flags, so once those
 * are variables, the kind's next jobs get the same text after their marker.
 */
function ruleHead(job: Job, context: RuleContext): string {
  const last = context.lastHead;
  if (last !== undefined && last.kind === job.kind) return `${last.folder}/${job.id}${last.rest}`;
  const folder = context.folders.get(job.node) as string;
  let rest = `/${MARKER_NAME}:`;
  let settled = true;
  for (const dep of job.depJobs) {
    const marker = prerequisite(dep, context);
    rest += ` ${context.recipes.repeat(marker, 'GWC_PRE')}`;
    settled &&= marker.reference !== undefined;
  }
  if (job.redo || job.staleMarker) rest += ' FORCE';
  context.lastHead = settled ? { kind: job.kind, folder, rest } : undefined;
  return `${folder}/${job.id}${rest}`;
}

/** A node's scheduled jobs, gathered while the rules are written. */
interface NodeRules {
  readonly jobs: Job[];
  toRun: number;
}

/**
 * Everything after the frame, in chunks: job rules in topological order, then per node
 * the list of its markers (one per continuation line), its target and the rule that
 * makes its job dirs. Chunks rather than one string per rule keep a million-job file
 * cheap to stream.
 */
export function* ruleChunks(context: RuleContext): Generator<Chunk> {
  const buffer = new ChunkBuffer();
  buffer.push('\n# one rule per job: its done marker, made by the runner\n');
  const byNode = new Map<string, NodeRules>(context.graph.nodes.map((node) => [node.name, { jobs: [], toRun: 0 }]));
  let rules: NodeRules | undefined;
  // A few rules go to the buffer at once: each push is a call into native code.
  let batch = '';
  let batched = 0;
  // The scheduled jobs, picked here rather than filtered into a list first: one pass over a million.
  for (const job of context.graph.jobs) {
    if (!job.scheduled) continue;
    if (rules === undefined || rules.jobs[0]?.node !== job.node) rules = byNode.get(job.node) as NodeRules;
    rules.jobs.push(job);
    if (job.status === 'to_run') rules.toRun += 1;
    batch += jobRule(job, context);
    if (++batched < RULES_PER_PUSH) continue;
    const full = buffer.push(batch);
    batch = '';
    batched = 0;
    if (full) yield buffer.take();
  }
  buffer.push(batch);
  buffer.push(NODE_SECTION_COMMENT);
  for (const node of context.graph.nodes) {
    const { jobs, toRun } = byNode.get(node.name) as NodeRules;
    const markers = `GWC_MARKERS_${node.name}`;
    const ids = `GWC_IDS_${node.name}`;
    // Ids, not markers: a job dir is its node's folder plus its id, and make puts the rest back.
    buffer.push(`\n${ids} :=`);
    // Made again rather than kept from the rules: a million kept strings cost more to collect.
    for (let i = 0; i < jobs.length; i += IDS_PER_LINE) {
      let line = ' \\\n ';
      for (const job of jobs.slice(i, i + IDS_PER_LINE)) line += ` ${job.id}`;
      if (buffer.push(line)) yield buffer.take();
    }
    buffer.push(`\n${markers} := $(patsubst %,${context.folders.get(node.name) as string}/%/${MARKER_NAME},$(${ids}))`);
    buffer.push(`\n${node.name}: $(${markers})\n`);
    if (toRun === 0) continue;
    // A done job's dir exists: list the others' unless every job is to run.
    let dirs = `$(patsubst %/${MARKER_NAME},%,$(${markers}))`;
    if (toRun < jobs.length) {
      dirs = `$(GWC_NEW_DIRS_${node.name})`;
      buffer.push(`GWC_NEW_DIRS_${node.name} :=`);
      for (const job of jobs) {
        if (job.status === 'to_run' && buffer.push(` \\\n  ${makePath(job.dir, context)}`)) yield buffer.take();
      }
      buffer.push('\n');
    }
    buffer.push(nodeDirsRules(node.name, markers, dirs));
  }
  yield buffer.take();
}

/** Rules joined into one string per push (a few KiB), and ids per line of a node's list. */
const RULES_PER_PUSH = 8;
const IDS_PER_LINE = 64;

const NODE_SECTION_COMMENT = `
# one target per node: make <node> runs its jobs. Before a node's first job, one recipe
# makes the job dirs of the jobs to run with one mkdir (a process per job costs about as
# much as a short job) and leaves a stamp here. The stamp is only a shortcut: a runner
# whose dir is missing makes it. The recipe never fails, so a job never waits on it in vain.
`;

/** The rules that make a node's job dirs (the words of DIRS) once, before its jobs (listed in variable MARKERS). */
function nodeDirsRules(node: string, markers: string, dirs: string): string {
  const stamp = `.gwc-dirs-${node}`;
  const list = `.gwc-dirlist-${node}`;
  return (
    `$(${markers}): | ${stamp}\n` +
    `${stamp}:\n` +
    `\t@$(file >${list},${dirs})xargs -r mkdir -p -- <${list} 2>/dev/null; rm -f ${list}; : >$@\n`
  );
}
