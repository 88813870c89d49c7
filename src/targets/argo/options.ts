import { error, type Diagnostic } from '../../diagnostics/diagnostic.js';
import type { TargetFlag } from '../target.js';

/** Argo's pod garbage-collection strategies (`spec.podGC.strategy`). */
export const POD_GC_STRATEGIES = ['OnPodCompletion', 'OnPodSuccess', 'OnWorkflowCompletion', 'OnWorkflowSuccess', 'Never'] as const;
export type PodGcStrategy = (typeof POD_GC_STRATEGIES)[number];

/** The argo target's global settings (CLI `--image`, `--pvc`, `--namespace`, `--workflow-template`, `--argo-*`). */
export interface ArgoOptions {
  /** Container image of every job whose node names none. */
  readonly image: string;
  /** ReadWriteMany PersistentVolumeClaim mounted at the result root in every job pod. */
  readonly pvc: string;
  readonly namespace?: string;
  /** Emit a WorkflowTemplate (submitted with `argo submit --from`) instead of a Workflow. */
  readonly workflowTemplate: boolean;
  /** Name of the workflow and prefix of every object (default: the queue name). */
  readonly name?: string;
  readonly serviceAccount?: string;
  readonly podGc: PodGcStrategy;
  /** `spec.activeDeadlineSeconds` of the whole run. */
  readonly activeDeadlineSeconds?: number;
  /** Retries of a failed job (Argo's `retryStrategy.limit`), unless its node says otherwise. */
  readonly retries: number;
  /** Most jobs in one workflow; bigger grids are split into child workflows run in order. */
  readonly jobsPerWorkflow: number;
}

export const DEFAULT_ARGO_OPTIONS: ArgoOptions = {
  image: 'python:3.12-slim',
  pvc: 'gwc-results',
  workflowTemplate: false,
  podGc: 'OnPodSuccess',
  retries: 0,
  jobsPerWorkflow: 1000,
};

/** The CLI flags the argo target reads, as commander hands them over. */
export interface RawArgoFlags {
  readonly image?: string;
  readonly pvc?: string;
  readonly namespace?: string;
  readonly workflowTemplate?: string | boolean;
  readonly argoName?: string;
  readonly argoServiceAccount?: string;
  readonly argoPodGc?: string;
  readonly argoDeadline?: string;
  readonly argoRetries?: string;
  readonly argoJobsPerWorkflow?: string;
}

function optionError(message: string, found: string, expected: string): Diagnostic {
  return error('E_OPTION', message, { found: JSON.stringify(found), expected });
}

function wholeNumber(flag: string, value: string | undefined, min: number, diagnostics: Diagnostic[]): number | undefined {
  if (value === undefined) return undefined;
  if (/^[0-9]+$/.test(value) && Number(value) >= min && Number.isSafeInteger(Number(value))) return Number(value);
  diagnostics.push(optionError(`--${flag} takes a whole number of at least ${min}`, value, `e.g. ${Math.max(min, 2)}`));
  return undefined;
}

function flag(name: string, value: string | boolean | undefined, diagnostics: Diagnostic[]): boolean {
  if (value === undefined) return false;
  if (typeof value === 'boolean') return value;
  if (value === '1' || value === 'true') return true;
  if (value === '0' || value === 'false') return false;
  diagnostics.push(optionError(`--${name} takes 0 or 1`, value, '0 or 1'));
  return false;
}

function podGc(value: string | undefined, diagnostics: Diagnostic[]): PodGcStrategy {
  if (value === undefined) return DEFAULT_ARGO_OPTIONS.podGc;
  const strategy = POD_GC_STRATEGIES.find((s) => s === value);
  if (strategy) return strategy;
  diagnostics.push(optionError(`unknown --argo-pod-gc strategy "${value}"`, value, POD_GC_STRATEGIES.join(', ')));
  return DEFAULT_ARGO_OPTIONS.podGc;
}

/** Resolves the argo flags; names and images are checked against Argo's rules by the target's validate step. */
export function resolveArgoOptions(raw: RawArgoFlags, diagnostics: Diagnostic[]): ArgoOptions {
  const deadline = wholeNumber('argo-deadline', raw.argoDeadline, 1, diagnostics);
  return {
    image: raw.image ?? DEFAULT_ARGO_OPTIONS.image,
    pvc: raw.pvc ?? DEFAULT_ARGO_OPTIONS.pvc,
    ...(raw.namespace !== undefined ? { namespace: raw.namespace } : {}),
    workflowTemplate: flag('workflow-template', raw.workflowTemplate, diagnostics),
    ...(raw.argoName !== undefined ? { name: raw.argoName } : {}),
    ...(raw.argoServiceAccount !== undefined ? { serviceAccount: raw.argoServiceAccount } : {}),
    podGc: podGc(raw.argoPodGc, diagnostics),
    ...(deadline !== undefined ? { activeDeadlineSeconds: deadline } : {}),
    retries: wholeNumber('argo-retries', raw.argoRetries, 0, diagnostics) ?? DEFAULT_ARGO_OPTIONS.retries,
    jobsPerWorkflow: wholeNumber('argo-jobs-per-workflow', raw.argoJobsPerWorkflow, 1, diagnostics) ?? DEFAULT_ARGO_OPTIONS.jobsPerWorkflow,
  };
}

/** The flags the argo target adds to the command line. */
export const ARGO_FLAGS: readonly TargetFlag[] = [
  { flags: '--image <ref>', description: `argo: container image of jobs whose node names none (default ${DEFAULT_ARGO_OPTIONS.image})` },
  { flags: '--pvc <claim>', description: `argo: ReadWriteMany PersistentVolumeClaim mounted at the root in every job pod (default ${DEFAULT_ARGO_OPTIONS.pvc})` },
  { flags: '--namespace <ns>', description: 'argo: Kubernetes namespace of the emitted objects' },
  { flags: '--workflow-template [0|1]', description: 'argo: emit a WorkflowTemplate (argo submit --from) instead of a Workflow' },
  { flags: '--argo-name <name>', description: 'argo: name of the workflow and prefix of its objects (default: the queue name)' },
  { flags: '--argo-service-account <name>', description: "argo: service account of the pods (a split grid's needs to create workflows)" },
  { flags: '--argo-pod-gc <strategy>', description: 'argo: OnPodSuccess (default), OnPodCompletion, OnWorkflowSuccess, OnWorkflowCompletion or Never' },
  { flags: '--argo-deadline <seconds>', description: 'argo: activeDeadlineSeconds of the whole run' },
  { flags: '--argo-retries <n>', description: 'argo: retries of a failed job unless its node sets argo.retry (default 0)' },
  { flags: `--argo-jobs-per-workflow <n>`, description: `argo: most jobs in one workflow; bigger grids become child workflows (default ${DEFAULT_ARGO_OPTIONS.jobsPerWorkflow})` },
];

/** {@link resolveArgoOptions} on the flags as the CLI parsed them. */
export function resolveArgoSettings(flags: Readonly<Record<string, unknown>>, diagnostics: Diagnostic[]): ArgoOptions {
  const text = (name: keyof RawArgoFlags): string | undefined => (typeof flags[name] === 'string' ? (flags[name] as string) : undefined);
  const template = flags['workflowTemplate'];
  const raw: RawArgoFlags = {
    ...optional('image', text('image')),
    ...optional('pvc', text('pvc')),
    ...optional('namespace', text('namespace')),
    ...optional('workflowTemplate', typeof template === 'boolean' ? template : text('workflowTemplate')),
    ...optional('argoName', text('argoName')),
    ...optional('argoServiceAccount', text('argoServiceAccount')),
    ...optional('argoPodGc', text('argoPodGc')),
    ...optional('argoDeadline', text('argoDeadline')),
    ...optional('argoRetries', text('argoRetries')),
    ...optional('argoJobsPerWorkflow', text('argoJobsPerWorkflow')),
  };
  return resolveArgoOptions(raw, diagnostics);
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
