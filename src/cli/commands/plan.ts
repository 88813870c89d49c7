import type { Job, JobGraph, NodeSummary } from '../../graph/job-graph.js';
import { graphFromOptions } from '../front-end.js';
import type { ResolvedOptions } from '../options.js';
import { reportDiagnostics, type Console } from '../print.js';

function jobJson(job: Job): object {
  return { id: job.id, node: job.node, status: job.status, reason: job.reason, deps: job.preds, dir: job.dir };
}

function nodeJson(node: NodeSummary): object {
  return {
    requested_rows: node.requestedRows,
    unique_jobs: node.uniqueJobs,
    to_run: node.toRun,
    done: node.done,
    disabled: node.disabled,
    skipped: node.skipped,
    reasons: node.reasons,
  };
}

/** The plan as JSON: every job with its status, and per-node counts. */
export function planJson(graph: JobGraph): string {
  const nodes = Object.fromEntries(graph.nodes.map((n) => [n.name, nodeJson(n)]));
  return `${JSON.stringify({ rows: graph.rowCount, root: graph.root, jobs: graph.jobs.map(jobJson), nodes }, null, 2)}\n`;
}

const COLUMNS = ['rows', 'jobs', 'done', 'to_run', 'disabled', 'skipped'] as const;

function counts(n: NodeSummary): number[] {
  return [n.requestedRows, n.uniqueJobs, n.done, n.toRun, n.disabled, n.skipped];
}

/** The plan as a table: per node requested rows, unique jobs and their statuses, then why jobs will not run. */
export function planText(graph: JobGraph): string {
  const nameWidth = Math.max(5, ...graph.nodes.map((n) => n.name.length));
  const row = (name: string, cells: readonly (string | number)[]) =>
    `${name.padEnd(nameWidth)}  ${cells.map((c, i) => String(c).padStart(Math.max(COLUMNS[i]?.length ?? 0, 6))).join('  ')}`.trimEnd();
  const lines = [row('node', COLUMNS), ...graph.nodes.map((n) => row(n.name, counts(n)))];
  const totals = COLUMNS.map((_, i) => graph.nodes.reduce((sum, n) => sum + (counts(n)[i] ?? 0), 0));
  totals[0] = graph.rowCount;
  lines.push(row('total', totals));
  const scheduled = graph.jobs.filter((j) => j.scheduled).length;
  const toRun = graph.jobs.filter((j) => j.status === 'to_run').length;
  const head = `plan: ${scheduled} jobs scheduled (${toRun} to run) from ${graph.rowCount} grid rows, root ${graph.root}`;
  const reasons = graph.nodes.flatMap((n) => n.reasons.map((r) => `  ${n.name}: ${r}`));
  const why = reasons.length ? ['', 'not scheduled:', ...reasons] : [];
  return `${[head, '', ...lines, ...why].join('\n')}\n`;
}

/** `geowatch-compile plan`: what would run, what is done, and why the rest will not run. */
export function runPlan(options: ResolvedOptions, io: { cwd: string; console: Console }): number {
  const built = graphFromOptions(options, io.cwd);
  if (reportDiagnostics(io.console, built.diagnostics) || !built.value) return 1;
  io.console.out(options.format === 'json' ? planJson(built.value) : planText(built.value));
  return 0;
}
