/**
 * Argo's hard limits the emitted objects respect.
 * @see workflow/validate/validate.go and the v4 full CRDs (manifests/base/crds/full) of argoproj/argo-workflows
 */

/** `spec.templates` maxItems in the v4 CRDs. */
export const MAX_TEMPLATES = 200;
/** `dag.tasks` maxItems in the v4 CRDs. */
export const MAX_DAG_TASKS = 200;
/** `inputs.parameters` maxItems in the v4 CRDs. */
export const MAX_PARAMETERS = 500;
/** A Workflow's name is a label value (validate.go maxCharsInObjectName). */
export const MAX_WORKFLOW_NAME = 63;
/** Kubernetes appends 5 random characters to a `generateName`. */
export const GENERATED_SUFFIX = 5;
/** MAX_WORKFLOW_SIZE in workflow/packer/packer.go: the whole object as JSON; etcd and ConfigMaps stop near it too. */
export const MAX_OBJECT_BYTES = 1024 * 1024;
/** Longest name of ours that a child workflow's generateName is built from (`<name>-p00001-`). */
export const MAX_BASE_NAME = 40;
/** Longest template or task name we emit (Argo allows 128; pod names are built from template names). */
export const MAX_FIELD_NAME = 63;

/**
 * What one workflow of a split grid may hold. The object a child Workflow becomes
 * stores its template's spec again (status.storedWorkflowTemplateSpec) next to its
 * node status, so a spec stays well below {@link MAX_OBJECT_BYTES}.
 */
export const WORKFLOW_SPEC_BUDGET = 384 * 1024;
/** Bytes of runner arguments in one job-table ConfigMap (its data may hold 1 MiB). */
export const JOB_TABLE_BUDGET = 896 * 1024;
