import { scheduledJobs, type Job, type JobGraph } from '../../graph/job-graph.js';
import { chunked } from '../shared/chunks.js';
import { MARKER_NAME, runnerArgs } from '../shared/runtime.js';
import type { Chunk, TargetOptions } from '../target.js';
import { ID_WILDCARD_REGEX, pythonCommentText, pythonString, ruleNames } from './escape.js';
import { ruleResources } from './resources.js';

/** Side files the Snakefile reads (paths relative to the directory Snakemake runs in). */
export const JOB_TABLE_FILE = 'gwc-jobs.tsv';
export const ARGV_TABLE_FILE = 'gwc-argv.jsonl';
export const LAUNCHER_FILE = 'gwc-job.py';
/** Written at compile time, so it is newer than every marker that existed then: jobs that must run again depend on it. */
export const FORCE_STAMP_FILE = 'gwc-force.stamp';

/** Names the Snakefile gives a meaning besides the node rules. */
const RESERVED_RULES = new Set(['all']);

/** One rule of the Snakefile: a node, whose jobs are `<prefix>/{id}/.gwc-done`. */
export interface RuleView {
  readonly name: string;
  /** The node name for a comment line. */
  readonly node: string;
  /** The output pattern as a Python string literal. */
  readonly output: string;
  readonly threads: number;
  readonly resources: string;
}

/** The Snakefile's view model, pre-escaped for the template. */
export interface SnakefileView {
  readonly version: string;
  readonly inputs: string;
  /** `os.environ.setdefault(...)` arguments: exported like make's `export NAME ?= value`. */
  readonly environment: readonly { readonly name: string; readonly value: string }[];
  readonly idRegex: string;
  readonly jobTable: string;
  readonly forceStamp: string;
  readonly launcher: string;
  /** Job dir prefix of every rule, as Python string literals (the node column of the job table indexes it). */
  readonly prefixes: readonly string[];
  readonly rules: readonly RuleView[];
}

/** A node that has scheduled jobs, with the directory its job dirs live in. */
export interface NodeRule {
  readonly node: string;
  readonly prefix: string;
  readonly index: number;
}

/**
 * The job dir prefix of every node with scheduled jobs, in pipeline order. Job dirs
 * are `<prefix>/<id>`, one prefix per node, so one pattern per node finds them all.
 */
export function nodeRules(graph: JobGraph): Map<string, NodeRule> {
  const prefixes = new Map<string, string>();
  for (const job of scheduledJobs(graph)) {
    const prefix = jobPrefix(job);
    const known = prefixes.get(job.node);
    if (known === undefined) prefixes.set(job.node, prefix);
    else if (known !== prefix) throw new Error(`internal: node ${job.node} has job dirs under ${known} and ${prefix}`);
  }
  const rules = new Map<string, NodeRule>();
  for (const node of graph.nodes) {
    const prefix = prefixes.get(node.name);
    if (prefix !== undefined) rules.set(node.name, { node: node.name, prefix, index: rules.size });
  }
  return rules;
}

function jobPrefix(job: Job): string {
  const cut = job.dir.length - job.id.length - 1;
  if (cut < 1 || job.dir.charCodeAt(cut) !== SLASH || !job.dir.endsWith(job.id) || job.marker !== `${job.dir}/${MARKER_NAME}`) {
    throw new Error(`internal: job ${job.id} lives in ${job.dir}, not <node dir>/<id>`);
  }
  return job.dir.slice(0, cut);
}

const SLASH = '/'.charCodeAt(0);

/** Builds the Snakefile's view model. */
export function snakefileView(graph: JobGraph, options: TargetOptions): SnakefileView {
  const rules = [...nodeRules(graph).values()];
  const names = ruleNames(
    rules.map((r) => r.node),
    RESERVED_RULES,
  );
  const resourcesOf = new Map(graph.nodes.map((node) => [node.name, node.resources]));
  const environment: { name: string; value: string }[] = [];
  if (options.devices.length > 0) environment.push({ name: pythonString('GWC_DEVICES'), value: pythonString(options.devices.join(',')) });
  if (options.preamble !== undefined) environment.push({ name: pythonString('GWC_PREAMBLE'), value: pythonString(options.preamble) });
  return {
    version: pythonCommentText(options.version),
    inputs: pythonCommentText(options.inputs.join(', ')),
    environment,
    idRegex: pythonString(ID_WILDCARD_REGEX),
    jobTable: pythonString(JOB_TABLE_FILE),
    forceStamp: pythonString(FORCE_STAMP_FILE),
    launcher: LAUNCHER_FILE,
    prefixes: rules.map((r) => pythonString(r.prefix)),
    rules: rules.map((rule, i) => {
      const asked = ruleResources(resourcesOf.get(rule.node) ?? {}, pythonString);
      return {
        name: names[i] as string,
        node: pythonCommentText(rule.node),
        output: pythonString(`${rule.prefix}/{id}/.gwc-done`),
        threads: asked.threads,
        resources: asked.entries.join(', '),
      };
    }),
  };
}

/**
 * The two job tables, streamed: `gwc-argv.jsonl` holds each job's runner argv as a
 * JSON array `[id, arg...]` on one line (JSON escapes every control character), and
 * `gwc-jobs.tsv` holds `id, node index, byte length of the argv line, forced, dependency ids`
 * per job, from which the Snakefile finds where a job's argv line starts.
 * Both list the scheduled jobs in topological order.
 */
export interface JobTables {
  readonly argvLines: Iterable<Chunk>;
  readonly jobLines: Iterable<Chunk>;
}

export function jobTables(graph: JobGraph, options: TargetOptions): JobTables {
  // Byte lengths of the argv lines, kept by a full pass over gwc-argv.jsonl so that
  // gwc-jobs.tsv (written after it) need not build every argv a second time.
  let knownLengths: Uint32Array | undefined;
  const argvLine = (job: Job): string => `${JSON.stringify([job.id, ...runnerArgs(job, graph, options)])}\n`;
  return {
    argvLines: {
      [Symbol.iterator]: () =>
        chunked(
          (function* () {
            const jobs = scheduledJobs(graph);
            const lengths = new Uint32Array(jobs.length);
            for (let i = 0; i < jobs.length; i += 1) {
              const line = argvLine(jobs[i] as Job);
              lengths[i] = Buffer.byteLength(line);
              yield line;
            }
            knownLengths = lengths;
          })(),
        ),
    },
    jobLines: {
      [Symbol.iterator]: () =>
        chunked(
          (function* () {
            const jobs = scheduledJobs(graph);
            const rules = nodeRules(graph);
            const lengths = knownLengths?.length === jobs.length ? knownLengths : undefined;
            for (let i = 0; i < jobs.length; i += 1) {
              const job = jobs[i] as Job;
              const size = lengths ? (lengths[i] as number) : Buffer.byteLength(argvLine(job));
              const forced = job.redo || job.staleMarker ? 1 : 0;
              yield `${job.id}\t${(rules.get(job.node) as NodeRule).index}\t${size}\t${forced}\t${job.deps.join(' ')}\n`;
            }
          })(),
        ),
    },
  };
}
