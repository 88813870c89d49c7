import type { Job, JobGraph, NodeSummary } from '../../graph/job-graph.js';
import { shellQuote } from '../shared/shell-quote.js';
import type { TargetOptions } from '../target.js';
import { MAX_BASE_NAME } from './limits.js';
import { NameScope, dnsName, padded } from './names.js';
import type { NodeSettings, Toleration } from './node-settings.js';
import { DEFAULT_ARGO_OPTIONS, type ArgoOptions } from './options.js';
import type { ArgoPlan } from './plan.js';
import { JOB_ARGUMENT, JOB_PARAMETER, JOBS_MOUNT, POD_COMMAND, RUNNER_MOUNT } from './pod-script.js';
import { yamlString, yamlStringList } from './yaml-text.js';

/** The names of every object and template, fixed before anything is emitted. */
export interface ArgoNames {
  /** The Workflow (or WorkflowTemplate) the user submits. */
  readonly workflow: string;
  readonly runnerConfigMap: string;
  /** Per part: its WorkflowTemplate's name (the workflow's own name when there is one part). */
  readonly parts: readonly string[];
  /** Job template name by node name. */
  readonly jobTemplates: ReadonlyMap<string, string>;
}

/** The argo options in force: the CLI's, or the defaults (e.g. for the benchmark). */
export function argoOptionsOf(options: TargetOptions): ArgoOptions {
  return (options.settings as ArgoOptions | undefined) ?? DEFAULT_ARGO_OPTIONS;
}

/** The base name of every object: `--argo-name`, else the queue name made a DNS label. */
export function baseName(options: TargetOptions): string {
  return argoOptionsOf(options).name ?? dnsName(options.queueName, MAX_BASE_NAME);
}

export function argoNames(graph: JobGraph, plan: ArgoPlan, options: TargetOptions): ArgoNames {
  const base = baseName(options);
  const width = Math.max(4, String(plan.parts.length).length);
  const parts = plan.parts.length === 1 ? [base] : plan.parts.map((_p, i) => `${base}-p${padded(i + 1, width)}`);
  const scope = new NameScope();
  scope.claim('main');
  const jobTemplates = new Map(graph.nodes.map((node) => [node.name, scope.claim(`job-${node.name}`)]));
  return { workflow: base, runnerConfigMap: `${base}-runner`, parts, jobTemplates };
}

/** Name of a chunk's DAG template within its part. */
export function chunkName(chunkInPart: number): string {
  return `chunk-${padded(chunkInPart + 1, 3)}`;
}

/** Name of the n-th (0-based) job-table ConfigMap of a part. */
export function tableName(partName: string, table: number): string {
  return `${partName}-jobs-${table + 1}`;
}

/** Header values every document shares, as comment text. */
export interface HeaderView {
  readonly version: string;
  readonly inputs: string;
}

/** Text for a `#` comment: control characters would end it, so they become `?`. */
export function commentText(text: string): string {
  return text.replace(/[\x00-\x1f\x7f\u0085\u2028\u2029]/g, '?');
}

export function headerView(options: TargetOptions): HeaderView {
  return { version: commentText(options.version), inputs: commentText(options.inputs.join(', ')) };
}

/** `metadata` and the `spec` settings a workflow, part or parent shares. */
export interface SpecView {
  readonly name: string;
  readonly namespace?: string;
  readonly parallelism: number;
  readonly serviceAccount?: string;
  readonly activeDeadlineSeconds?: number;
  readonly podGc?: string;
}

export function specView(name: string, options: TargetOptions, parallelism: number, withDeadline: boolean): SpecView {
  const argo = argoOptionsOf(options);
  return {
    name: yamlString(name),
    ...(argo.namespace !== undefined ? { namespace: yamlString(argo.namespace) } : {}),
    parallelism,
    ...(argo.serviceAccount !== undefined ? { serviceAccount: yamlString(argo.serviceAccount) } : {}),
    ...(withDeadline && argo.activeDeadlineSeconds !== undefined ? { activeDeadlineSeconds: argo.activeDeadlineSeconds } : {}),
    ...(argo.podGc !== 'Never' ? { podGc: argo.podGc } : {}),
  };
}

/** One node's job template, every value pre-quoted. */
export interface JobTemplateView {
  readonly name: string;
  readonly parameter: string;
  readonly activeDeadlineSeconds?: number;
  readonly retryLimit?: number;
  readonly nodeSelector?: string;
  readonly tolerations?: readonly string[];
  readonly image: string;
  readonly command: string;
  readonly args: string;
  readonly resources?: string;
  readonly root: string;
  readonly runnerMount: string;
  readonly jobsMount: string;
}

function flowMap(pairs: readonly (readonly [string, string])[]): string {
  return `{${pairs.map(([k, v]) => `${yamlString(k)}: ${yamlString(v)}`).join(', ')}}`;
}

function tolerationLine(t: Toleration): string {
  const pairs: string[] = [];
  for (const key of ['key', 'operator', 'value', 'effect'] as const) {
    const value = t[key];
    if (value !== undefined) pairs.push(`${key}: ${yamlString(value)}`);
  }
  if (t.tolerationSeconds !== undefined) pairs.push(`tolerationSeconds: ${t.tolerationSeconds}`);
  return `{${pairs.join(', ')}}`;
}

function resourcesLine(settings: NodeSettings): string | undefined {
  const parts: string[] = [];
  if (settings.requests.length) parts.push(`requests: ${flowMap(settings.requests)}`);
  if (settings.limits.length) parts.push(`limits: ${flowMap(settings.limits)}`);
  return parts.length ? `{${parts.join(', ')}}` : undefined;
}

/** The job template of one node. */
export function jobTemplateView(name: string, settings: NodeSettings, graph: JobGraph): JobTemplateView {
  const resources = resourcesLine(settings);
  return {
    name,
    parameter: JOB_PARAMETER,
    ...(settings.activeDeadlineSeconds !== undefined ? { activeDeadlineSeconds: settings.activeDeadlineSeconds } : {}),
    ...(settings.retries > 0 ? { retryLimit: settings.retries } : {}),
    ...(settings.nodeSelector.length ? { nodeSelector: flowMap(settings.nodeSelector) } : {}),
    ...(settings.tolerations.length ? { tolerations: settings.tolerations.map(tolerationLine) } : {}),
    image: yamlString(settings.image),
    command: yamlStringList(POD_COMMAND),
    args: yamlStringList([JOB_ARGUMENT]),
    ...(resources !== undefined ? { resources } : {}),
    root: yamlString(graph.root),
    runnerMount: RUNNER_MOUNT,
    jobsMount: JOBS_MOUNT,
  };
}

/** Nodes that have jobs in a range of the plan, in pipeline order. */
export function nodesWithJobs(graph: JobGraph, plan: ArgoPlan, start: number, end: number): NodeSummary[] {
  const present = new Set<string>();
  for (let i = start; i < end; i += 1) present.add((plan.jobs[i] as Job).node);
  return graph.nodes.filter((node) => present.has(node.name));
}

/** `-n <namespace>` for submit.sh, shell-quoted, or ''. */
export function namespaceFlag(options: TargetOptions): string {
  const namespace = argoOptionsOf(options).namespace;
  return namespace === undefined ? '' : ` -n ${shellQuote(namespace)}`;
}
