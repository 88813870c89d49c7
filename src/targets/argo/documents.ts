import type { Job, JobGraph } from '../../graph/job-graph.js';
import type { TemplateRenderer } from '../shared/render.js';
import { runnerArgs } from '../shared/runtime.js';
import { shellJoin } from '../shared/shell-quote.js';
import type { TargetOptions } from '../target.js';
import { ChunkBuffer } from './chunk-buffer.js';
import { JOB_TABLE_BUDGET } from './limits.js';
import { padded } from './names.js';
import type { NodeSettings } from './node-settings.js';
import { argoOptionsOf, chunkName, headerView, jobTemplateView, nodesWithJobs, specView, tableName, type ArgoNames } from './view-model.js';
import { groupParts, type ArgoPlan, type PartPlan } from './plan.js';
import { JOB_PARAMETER } from './pod-script.js';
import { yamlString } from './yaml-text.js';

/** Everything the documents are made from. */
export interface EmitContext {
  readonly graph: JobGraph;
  readonly options: TargetOptions;
  readonly plan: ArgoPlan;
  readonly names: ArgoNames;
  readonly settings: ReadonlyMap<string, NodeSettings>;
  readonly renderer: TemplateRenderer;
}

const LABELS = '  labels:\n    app.kubernetes.io/managed-by: geowatch-compile\n';

function tableHead(context: EmitContext, name: string): string {
  const namespace = argoOptionsOf(context.options).namespace;
  const ns = namespace === undefined ? '' : `  namespace: ${yamlString(namespace)}\n`;
  return `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${yamlString(name)}\n${ns}${LABELS}data:\n`;
}

function jobRange(plan: ArgoPlan, part: PartPlan): [number, number] {
  const first = plan.chunks[part.firstChunk];
  const last = plan.chunks[part.endChunk - 1];
  return [first?.start ?? 0, last?.end ?? 0];
}

function dependencyLine(names: readonly string[]): string {
  return names.length ? `        dependencies: [${names.map(yamlString).join(', ')}]\n` : '';
}

/**
 * One part as YAML chunks: its job tables (ConfigMaps of at most ~900 KiB of runner
 * arguments, keyed by task name), then its workflow. The workflow comes last because
 * it mounts the tables, whose number is known only once the arguments were measured.
 */
export function* partDocuments(context: EmitContext, partIndex: number, kind: 'Workflow' | 'WorkflowTemplate'): Generator<string> {
  const { plan, graph, options } = context;
  const part = plan.parts[partIndex] as PartPlan;
  const partName = context.names.parts[partIndex] as string;
  const [start, end] = jobRange(plan, part);
  const buffer = new ChunkBuffer();
  let tables = 1;
  let tableBytes = 0;
  buffer.push(tableHead(context, tableName(partName, 0)));
  for (let i = start; i < end; i += 1) {
    const key = plan.taskNames[i] as string;
    const value = shellJoin(runnerArgs(plan.jobs[i] as Job, graph, options));
    const bytes = key.length + Buffer.byteLength(value);
    if (tableBytes > 0 && tableBytes + bytes > JOB_TABLE_BUDGET) {
      buffer.push(tableHead(context, tableName(partName, tables)));
      tables += 1;
      tableBytes = 0;
    }
    tableBytes += bytes;
    if (buffer.push(`  ${yamlString(key)}: ${yamlString(value)}\n`)) yield buffer.take();
  }
  buffer.push(workflowFrame(context, partIndex, kind, start, end, tables));
  yield* dagChunks(context, part, buffer);
  yield buffer.take();
}

function workflowFrame(context: EmitContext, partIndex: number, kind: string, start: number, end: number, tables: number): string {
  const { graph, plan, names, options } = context;
  const partName = names.parts[partIndex] as string;
  const single = plan.parts.length === 1;
  const jobTemplates = nodesWithJobs(graph, plan, start, end).map((node) =>
    jobTemplateView(names.jobTemplates.get(node.name) as string, context.settings.get(node.name) as NodeSettings, graph),
  );
  return context.renderer.render('workflow', {
    ...headerView(options),
    purpose: single
      ? `The grid's ${end - start} jobs: job tables (ConfigMaps) first, then the workflow that runs them.`
      : `Part ${partIndex + 1} of ${plan.parts.length} (jobs ${start + 1}-${end}), created as a child workflow by workflow.yaml.`,
    kind,
    ...specView(partName, options, Math.max(1, options.workers), single),
    pvc: yamlString(argoOptionsOf(options).pvc),
    runnerConfigMap: yamlString(names.runnerConfigMap),
    tables: Array.from({ length: tables }, (_t, n) => yamlString(tableName(partName, n))),
    jobTemplates,
  });
}

/** The part's `main` DAG (one task per chunk) and one DAG template per chunk (one task per job). */
function* dagChunks(context: EmitContext, part: PartPlan, buffer: ChunkBuffer): Generator<string> {
  const { plan, names } = context;
  buffer.push('  - name: main\n    dag:\n      tasks:\n');
  for (let c = part.firstChunk; c < part.endChunk; c += 1) {
    const name = chunkName(c - part.firstChunk);
    const deps = (plan.chunks[c]?.deps ?? []).map((d) => chunkName(d - part.firstChunk));
    buffer.push(`      - name: ${name}\n        template: ${name}\n${dependencyLine(deps)}`);
  }
  for (let c = part.firstChunk; c < part.endChunk; c += 1) {
    const chunk = plan.chunks[c] as ArgoPlan['chunks'][number];
    buffer.push(`  - name: ${chunkName(c - part.firstChunk)}\n    dag:\n      tasks:\n`);
    for (let i = chunk.start; i < chunk.end; i += 1) {
      const job = plan.jobs[i] as Job;
      const task = yamlString(plan.taskNames[i] as string);
      const deps: string[] = [];
      for (const id of job.deps) {
        const d = plan.indexOf.get(id) as number;
        if (plan.chunkOf[d] === c) deps.push(plan.taskNames[d] as string);
      }
      const entry =
        `      - name: ${task}\n        template: ${names.jobTemplates.get(job.node) as string}\n` +
        `        arguments: {parameters: [{name: ${JOB_PARAMETER}, value: ${task}}]}\n${dependencyLine(deps)}`;
      if (buffer.push(entry)) yield buffer.take();
    }
  }
}

/** Manifest of a child workflow: a Workflow made from the part's WorkflowTemplate. */
const CHILD_MANIFEST =
  'apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata:\n  generateName: {{inputs.parameters.part}}-\n' +
  'spec:\n  workflowTemplateRef:\n    name: {{inputs.parameters.part}}\n';

function partTaskName(partIndex: number, width: number): string {
  return `p${padded(partIndex + 1, width)}`;
}

function groupName(group: number): string {
  return `group-${padded(group + 1, 3)}`;
}

/**
 * The parent workflow of a split grid: one `run-part` task per part, which creates
 * the part's child workflow and waits for it to succeed. More than 200 parts go
 * into group DAG templates of 200.
 */
export function parentDocument(context: EmitContext, kind: 'Workflow' | 'WorkflowTemplate'): string {
  const { plan, names, options } = context;
  const width = Math.max(4, String(plan.parts.length).length);
  const groups = groupParts(plan.parts);
  const frame = context.renderer.render('parent', {
    ...headerView(options),
    partCount: plan.parts.length,
    kind,
    ...specView(names.workflow, options, 1, true),
    manifest: yamlString(CHILD_MANIFEST),
  });
  const lines: string[] = [frame];
  const partTasks = (first: number, end: number): void => {
    for (let p = first; p < end; p += 1) {
      const deps = (plan.parts[p] as PartPlan).deps.filter((d) => d >= first).map((d) => partTaskName(d, width));
      lines.push(
        `      - name: ${partTaskName(p, width)}\n        template: run-part\n` +
          `        arguments: {parameters: [{name: part, value: ${yamlString(names.parts[p] as string)}}]}\n${dependencyLine(deps)}`,
      );
    }
  };
  lines.push('  - name: main\n    dag:\n      tasks:\n');
  if (groups.length === 1) {
    partTasks(0, plan.parts.length);
  } else {
    for (const [g, group] of groups.entries()) {
      lines.push(`      - name: ${groupName(g)}\n        template: ${groupName(g)}\n${dependencyLine(group.deps.map(groupName))}`);
    }
    for (const [g, group] of groups.entries()) {
      lines.push(`  - name: ${groupName(g)}\n    dag:\n      tasks:\n`);
      partTasks(group.firstPart, group.endPart);
    }
  }
  return lines.join('');
}
