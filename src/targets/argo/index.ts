import { error, type Diagnostic } from '../../diagnostics/diagnostic.js';
import type { JobGraph } from '../../graph/job-graph.js';
import { createRenderer, readTemplateFile, type TemplateRenderer } from '../shared/render.js';
import { RUNNER_FILE, runtimeFiles } from '../shared/runtime.js';
import type { Chunk, EmittedFile, Target, TargetOptions } from '../target.js';
import { parentDocument, partDocuments, type EmitContext } from './documents.js';
import { MAX_BASE_NAME, MAX_TEMPLATES } from './limits.js';
import { DNS_LABEL, DNS_SUBDOMAIN } from './names.js';
import { nodeSettings, type NodeSettings } from './node-settings.js';
import { ARGO_FLAGS, resolveArgoSettings } from './options.js';
import { MAX_PARTS, maxChunksPerPart, planWorkflows, type ArgoPlan } from './plan.js';
import { RUNNER_MOUNT } from './pod-script.js';
import { argoNames, argoOptionsOf, baseName, headerView, namespaceFlag } from './view-model.js';
import { yamlBlock, yamlString } from './yaml-text.js';

let renderer: TemplateRenderer | undefined;
const plans = new WeakMap<JobGraph, { jobsPerWorkflow: number; plan: ArgoPlan }>();

/** The layout of a graph, computed once for validate and emit. */
function planOf(graph: JobGraph, options: TargetOptions): ArgoPlan {
  const jobsPerWorkflow = argoOptionsOf(options).jobsPerWorkflow;
  const cached = plans.get(graph);
  if (cached && cached.jobsPerWorkflow === jobsPerWorkflow) return cached.plan;
  const plan = planWorkflows(graph, jobsPerWorkflow);
  plans.set(graph, { jobsPerWorkflow, plan });
  return plan;
}

function settingsOf(graph: JobGraph, options: TargetOptions, diagnostics: Diagnostic[]): Map<string, NodeSettings> {
  return new Map(graph.nodes.map((node) => [node.name, nodeSettings(node, argoOptionsOf(options), diagnostics)]));
}

/** Text Argo would template: `{{` anywhere in a setting that reaches a Workflow. */
function templatingDiagnostics(options: TargetOptions, settings: ReadonlyMap<string, NodeSettings>): Diagnostic[] {
  const argo = argoOptionsOf(options);
  const texts: [string, string | undefined][] = [
    ['--image', argo.image],
    ['--pvc', argo.pvc],
    ['--namespace', argo.namespace],
    ['--argo-service-account', argo.serviceAccount],
  ];
  for (const [node, s] of settings) {
    texts.push([`node "${node}" image`, s.image]);
    for (const [k, v] of s.nodeSelector) texts.push([`node "${node}" node_selector`, `${k}${v}`]);
    for (const t of s.tolerations) texts.push([`node "${node}" tolerations`, `${t.key ?? ''}${t.operator ?? ''}${t.value ?? ''}${t.effect ?? ''}`]);
  }
  return texts
    .filter(([, text]) => text !== undefined && (text.includes('{{') || /[\x00-\x1f]/.test(text)))
    .map(([where, text]) =>
      error('E_OPTION', `${where} holds "{{" or a control character, which Argo would not pass on unchanged`, {
        found: JSON.stringify(text),
        hint: 'Argo substitutes {{...}} in every workflow field and has no escape for it',
      }),
    );
}

function nameDiagnostics(graph: JobGraph, options: TargetOptions): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const argo = argoOptionsOf(options);
  if (argo.name !== undefined && (!DNS_LABEL.test(argo.name) || argo.name.length > MAX_BASE_NAME)) {
    diagnostics.push(
      error('E_OPTION', '--argo-name must be a lowercase DNS label of at most 40 characters', {
        found: JSON.stringify(argo.name),
        expected: 'lowercase letters, digits and "-", starting and ending with a letter or digit',
        hint: 'child workflows and ConfigMaps are named after it, and Kubernetes names stop at 63 characters',
      }),
    );
  }
  if (argo.namespace !== undefined && (!DNS_LABEL.test(argo.namespace) || argo.namespace.length > 63)) {
    diagnostics.push(error('E_OPTION', '--namespace must be a lowercase DNS label', { found: JSON.stringify(argo.namespace) }));
  }
  if (!DNS_SUBDOMAIN.test(argo.pvc) || argo.pvc.length > 253) {
    diagnostics.push(error('E_OPTION', '--pvc must name a PersistentVolumeClaim (a lowercase DNS subdomain)', { found: JSON.stringify(argo.pvc) }));
  }
  if (argo.serviceAccount !== undefined && (!DNS_SUBDOMAIN.test(argo.serviceAccount) || argo.serviceAccount.length > 253)) {
    diagnostics.push(error('E_OPTION', '--argo-service-account must name a ServiceAccount (a lowercase DNS subdomain)', { found: JSON.stringify(argo.serviceAccount) }));
  }
  if (!DNS_LABEL.test(baseName(options))) {
    diagnostics.push(error('E_OPTION', 'the queue name leaves no name for the workflow', { found: JSON.stringify(options.queueName), hint: 'pass --argo-name' }));
  }
  if (graph.root === '/' || graph.root.startsWith('/gwc/') || graph.root === '/gwc') {
    diagnostics.push(error('E_OPTION', `the argo target mounts the result volume at the root, which cannot be ${JSON.stringify(graph.root)}`, { hint: 'choose another --root' }));
  }
  return diagnostics;
}

function sizeDiagnostics(graph: JobGraph, options: TargetOptions): Diagnostic[] {
  if (maxChunksPerPart(graph) < 1) {
    return [error('E_OPTION', `the argo target holds at most ${MAX_TEMPLATES - 2} nodes in one workflow`, { found: `${graph.nodes.length} nodes` })];
  }
  const plan = planOf(graph, options);
  if (plan.jobs.length === 0) {
    return [error('E_OPTION', 'the argo target has no job to run: every job is disabled or skipped', { hint: 'enable a node' })];
  }
  if (plan.parts.length > MAX_PARTS) {
    return [
      error('E_OPTION', `the grid needs ${plan.parts.length} child workflows; one parent runs at most ${MAX_PARTS}`, {
        hint: 'raise --argo-jobs-per-workflow or split the grid',
      }),
    ];
  }
  return [];
}

/** Checks everything the user gives that reaches Argo: names, settings, and that the grid fits. */
export function validateArgo(graph: JobGraph, options: TargetOptions): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const settings = settingsOf(graph, options, diagnostics);
  diagnostics.push(...templatingDiagnostics(options, settings), ...nameDiagnostics(graph, options));
  if (diagnostics.length) return diagnostics;
  return sizeDiagnostics(graph, options);
}

function runnerDocument(options: TargetOptions, name: string, render: TemplateRenderer): string {
  const argo = argoOptionsOf(options);
  return render.render('runner', {
    ...headerView(options),
    runnerMount: RUNNER_MOUNT,
    name: yamlString(name),
    ...(argo.namespace !== undefined ? { namespace: yamlString(argo.namespace) } : {}),
    runner: yamlBlock(readTemplateFile(`runtime/${RUNNER_FILE}`), 4),
    ...(options.preamble !== undefined ? { preamble: yamlString(options.preamble) } : {}),
  });
}

function lazy(make: () => Iterable<Chunk>): Iterable<Chunk> {
  return { [Symbol.iterator]: () => make()[Symbol.iterator]() };
}

/** Emits runner.yaml, workflow.yaml (plus parts/ for a split grid), submit.sh and the runner. */
export function emitArgo(graph: JobGraph, options: TargetOptions): EmittedFile[] {
  renderer ??= createRenderer('argo');
  const render = renderer;
  const settings = settingsOf(graph, options, []);
  const plan = planOf(graph, options);
  const names = argoNames(graph, plan, options);
  const context: EmitContext = { graph, options, plan, names, settings, renderer: render };
  const kind = argoOptionsOf(options).workflowTemplate ? 'WorkflowTemplate' : 'Workflow';
  const split = plan.parts.length > 1;
  const files: EmittedFile[] = [{ path: 'runner.yaml', content: runnerDocument(options, names.runnerConfigMap, render) }];
  if (split) {
    for (const [p, partName] of names.parts.entries()) {
      files.push({ path: `parts/${partName}.yaml`, content: lazy(() => partDocuments(context, p, 'WorkflowTemplate')) });
    }
    files.push({ path: 'workflow.yaml', content: parentDocument(context, kind) });
  } else {
    files.push({ path: 'workflow.yaml', content: lazy(() => partDocuments(context, 0, kind)) });
  }
  const submit = render.render('submit', {
    ...headerView(options),
    template: kind === 'WorkflowTemplate',
    name: names.workflow,
    namespaceFlag: namespaceFlag(options),
    partsFlag: split ? ' -f parts/' : '',
  });
  files.push({ path: 'submit.sh', content: submit, executable: true }, ...runtimeFiles());
  return files;
}

/**
 * The Argo Workflows target: a Workflow (or WorkflowTemplate) whose DAG runs every
 * job in a pod through the runner, on a shared volume; see {@link planWorkflows}
 * for how any grid size stays within Argo's limits.
 * @see https://argo-workflows.readthedocs.io/en/latest/
 */
export const argoTarget: Target = {
  name: 'argo',
  description: 'an Argo Workflow (kubectl apply / argo submit); one pod per job on a shared volume, large grids split into child workflows',
  validate: validateArgo,
  emit: emitArgo,
  flags: ARGO_FLAGS,
  resolveSettings: resolveArgoSettings,
  runCommand: () => ['sh', './submit.sh'],
};
