import { DNS_LABEL, DNS_SUBDOMAIN } from './names.js';
import { GENERATED_SUFFIX, MAX_DAG_TASKS, MAX_OBJECT_BYTES, MAX_PARAMETERS, MAX_TEMPLATES, MAX_WORKFLOW_NAME } from './limits.js';

/**
 * Argo's own rules that its JSON schemas and CRDs do not encode (workflow/validate/validate.go,
 * the packer's size limit, pod naming), checked on emitted documents after they are
 * parsed back. The schemas check shapes; this checks names, counts, sizes, references
 * and that no `{{` reaches Argo's templating except the parameters the target itself uses.
 *
 * The layout (plan.ts) is built to satisfy these by construction; the checker proves it
 * in the tests on 10, 1,000 and 100,000-job grids, and users can run it on any output.
 */

/** One parsed YAML document and where it came from. */
export interface ParsedDocument {
  readonly file: string;
  readonly object: unknown;
}

type Json = Record<string, unknown>;

const CONFIGMAP_KEY = /^[-._a-zA-Z0-9]+$/;
const PARAMETER_NAME = /^[-a-zA-Z0-9_]+$/;
const TAG = /\{\{(.*?)\}\}/g;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function list(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** Collects problems, each prefixed with where it was found. */
class Problems {
  readonly found: string[] = [];
  add(where: string, problem: string): void {
    this.found.push(`${where}: ${problem}`);
  }
}

/** Every problem with the documents (empty when all rules hold). */
export function checkArgoDocuments(documents: readonly ParsedDocument[]): string[] {
  const problems = new Problems();
  const configMaps = new Map<string, Json>();
  const workflowTemplates = new Set<string>();
  for (const doc of documents) {
    const object = isObject(doc.object) ? doc.object : {};
    const name = text(isObject(object['metadata']) ? object['metadata']['name'] : undefined);
    const where = `${doc.file} ${text(object['kind'])} ${name}`;
    checkSize(where, object, problems);
    if (object['kind'] === 'ConfigMap') {
      checkConfigMap(where, name, object, problems);
      configMaps.set(name, isObject(object['data']) ? object['data'] : {});
    } else if (object['kind'] === 'Workflow' || object['kind'] === 'WorkflowTemplate') {
      if (object['kind'] === 'WorkflowTemplate') workflowTemplates.add(name);
      checkWorkflow(where, name, object, problems);
    } else {
      problems.add(where, `unexpected kind ${JSON.stringify(object['kind'])}`);
    }
  }
  for (const doc of documents) {
    if (isObject(doc.object) && doc.object['kind'] !== 'ConfigMap') checkReferences(doc, configMaps, workflowTemplates, problems);
  }
  return problems.found;
}

function checkSize(where: string, object: Json, problems: Problems): void {
  const bytes = Buffer.byteLength(JSON.stringify(object));
  if (bytes > MAX_OBJECT_BYTES) problems.add(where, `object is ${bytes} bytes as JSON, more than ${MAX_OBJECT_BYTES}`);
}

function checkConfigMap(where: string, name: string, object: Json, problems: Problems): void {
  if (!DNS_SUBDOMAIN.test(name) || name.length > 253) problems.add(where, 'name is not a DNS subdomain of at most 253 characters');
  const data = isObject(object['data']) ? object['data'] : {};
  let bytes = 0;
  for (const [key, value] of Object.entries(data)) {
    if (!CONFIGMAP_KEY.test(key) || key.length > 253) problems.add(where, `key ${JSON.stringify(key)} is not a valid ConfigMap key`);
    if (typeof value !== 'string') problems.add(where, `value of ${key} is not a string`);
    bytes += Buffer.byteLength(key) + Buffer.byteLength(text(value));
  }
  if (bytes > MAX_OBJECT_BYTES) problems.add(where, `data holds ${bytes} bytes, more than ${MAX_OBJECT_BYTES}`);
}

function checkWorkflow(where: string, name: string, object: Json, problems: Problems): void {
  // A WorkflowTemplate is instantiated through generateName `<name>-`, which gets 5 more characters.
  const maxName = object['kind'] === 'WorkflowTemplate' ? MAX_WORKFLOW_NAME - 1 - GENERATED_SUFFIX : MAX_WORKFLOW_NAME;
  if (!DNS_LABEL.test(name) || name.length > maxName) problems.add(where, `name must be a lowercase DNS label of at most ${maxName} characters`);
  const spec = isObject(object['spec']) ? object['spec'] : {};
  const templates = list(spec['templates']);
  if (templates.length > MAX_TEMPLATES) problems.add(where, `${templates.length} templates, more than ${MAX_TEMPLATES}`);
  const byName = new Map<string, Json>();
  for (const template of templates) {
    const tname = text(template['name']);
    if (!DNS_LABEL.test(tname) || tname.length > 63) problems.add(where, `template name ${JSON.stringify(tname)} is not a lowercase DNS label`);
    if (byName.has(tname)) problems.add(where, `template name ${tname} is not unique`);
    byName.set(tname, template);
  }
  if (!byName.has(text(spec['entrypoint']))) problems.add(where, `entrypoint ${JSON.stringify(spec['entrypoint'])} names no template`);
  for (const template of templates) checkTemplate(`${where} template ${text(template['name'])}`, template, byName, problems);
  checkTemplating(where, object, templates, problems);
}

function inputNames(template: Json): string[] {
  return list(isObject(template['inputs']) ? template['inputs']['parameters'] : undefined).map((p) => text(p['name']));
}

/** Template types; the v4 CRDs (CEL) allow exactly one per template. */
const TEMPLATE_TYPES = ['container', 'script', 'dag', 'steps', 'resource', 'suspend', 'containerSet', 'data', 'http', 'plugin'];

function checkTemplate(where: string, template: Json, byName: ReadonlyMap<string, Json>, problems: Problems): void {
  const types = TEMPLATE_TYPES.filter((type) => type in template);
  if (types.length !== 1) problems.add(where, `has ${types.length} template types (${types.join(', ')}); exactly one is allowed`);
  if (('dag' in template || 'steps' in template) && 'activeDeadlineSeconds' in template) problems.add(where, 'activeDeadlineSeconds is only valid for leaf templates');
  const inputs = inputNames(template);
  if (inputs.length > MAX_PARAMETERS) problems.add(where, `${inputs.length} input parameters, more than ${MAX_PARAMETERS}`);
  for (const name of inputs) if (!PARAMETER_NAME.test(name)) problems.add(where, `parameter name ${JSON.stringify(name)} is invalid`);
  if (new Set(inputs).size !== inputs.length) problems.add(where, 'input parameter names are not unique');
  if (!isObject(template['dag'])) return;
  const tasks = list(template['dag']['tasks']);
  if (tasks.length < 1 || tasks.length > MAX_DAG_TASKS) problems.add(where, `${tasks.length} DAG tasks; 1 to ${MAX_DAG_TASKS} are allowed`);
  const seen = new Set<string>();
  for (const task of tasks) {
    const name = text(task['name']);
    const at = `${where} task ${name}`;
    if (!DNS_LABEL.test(name) || /^[0-9]/.test(name) || name.length > 63) problems.add(at, 'name must be a lowercase DNS label that does not start with a digit');
    if (seen.has(name)) problems.add(at, 'name is not unique in its DAG');
    if ('depends' in task) problems.add(at, 'uses depends; the target emits dependencies only');
    for (const dep of Array.isArray(task['dependencies']) ? task['dependencies'] : []) {
      if (!seen.has(text(dep))) problems.add(at, `depends on ${JSON.stringify(dep)}, which is not an earlier task of the DAG`);
    }
    seen.add(name);
    const callee = byName.get(text(task['template']));
    if (!callee) {
      problems.add(at, `calls the unknown template ${JSON.stringify(task['template'])}`);
      continue;
    }
    const given = list(isObject(task['arguments']) ? task['arguments']['parameters'] : undefined).map((p) => text(p['name']));
    const wanted = inputNames(callee);
    if (given.join('\n') !== wanted.join('\n')) problems.add(at, `passes parameters [${given}] to a template that takes [${wanted}]`);
  }
}

/** Strings of a value, with the path they were found at. */
function* strings(value: unknown, path: string): Generator<[string, string]> {
  if (typeof value === 'string') yield [path, value];
  else if (Array.isArray(value)) for (const [i, item] of value.entries()) yield* strings(item, `${path}[${i}]`);
  else if (isObject(value)) for (const [key, item] of Object.entries(value)) yield* strings(item, `${path}.${key}`);
}

/**
 * `{{` reaches Argo only as `{{inputs.parameters.<p>}}` inside a template that declares `p`,
 * and never inside a task's argument values (those are substituted into the callee).
 */
function checkTemplating(where: string, object: Json, templates: readonly Json[], problems: Problems): void {
  const { spec, ...rest } = object;
  const specRest = isObject(spec) ? { ...spec, templates: [] } : {};
  for (const [path, value] of strings({ ...rest, spec: specRest }, '')) {
    if (value.includes('{{')) problems.add(where, `${path} holds "{{" outside any template`);
  }
  for (const template of templates) {
    const declared = new Set(inputNames(template));
    const { dag, ...leaf } = template;
    for (const [path, value] of strings(leaf, `template ${text(template['name'])}`)) {
      if (value.includes('{{')) checkTags(where, path, value, declared, problems);
    }
    if (isObject(dag)) checkDagTemplating(`${where} template ${text(template['name'])}`, dag, problems);
  }
}

function checkTags(where: string, path: string, value: string, declared: ReadonlySet<string>, problems: Problems): void {
  const rest = value.replace(TAG, (_tag, inner: string) => {
    const match = /^inputs\.parameters\.([-a-zA-Z0-9_]+)$/.exec(inner);
    if (!match || !declared.has(match[1] as string)) problems.add(where, `${path} uses the tag {{${inner}}}`);
    return '';
  });
  if (rest.includes('{{')) problems.add(where, `${path} holds an unclosed "{{"`);
}

/** DAG tasks pass no tags at all: their argument values are substituted into the callee. */
function checkDagTemplating(where: string, dag: Json, problems: Problems): void {
  // Tasks are many: a direct scan of their JSON is much faster than walking every field.
  const { tasks, ...rest } = dag;
  for (const [path, value] of strings(rest, 'dag')) if (value.includes('{{')) problems.add(where, `${path} holds "{{"`);
  for (const task of list(tasks)) {
    if (JSON.stringify(task).includes('{{')) problems.add(where, `task ${text(task['name'])} holds "{{"`);
  }
}

/** Volumes name emitted ConfigMaps, job keys are in the mounted tables, parts name emitted WorkflowTemplates. */
function checkReferences(doc: ParsedDocument, configMaps: ReadonlyMap<string, Json>, workflowTemplates: ReadonlySet<string>, problems: Problems): void {
  const object = doc.object as Json;
  const where = `${doc.file} ${text(isObject(object['metadata']) ? object['metadata']['name'] : '')}`;
  const spec = isObject(object['spec']) ? object['spec'] : {};
  const tables: Json[] = [];
  for (const volume of list(spec['volumes'])) {
    const names: string[] = [];
    if (isObject(volume['configMap'])) names.push(text(volume['configMap']['name']));
    if (isObject(volume['projected'])) {
      for (const source of list(volume['projected']['sources'])) if (isObject(source['configMap'])) names.push(text(source['configMap']['name']));
    }
    for (const name of names) {
      const data = configMaps.get(name);
      if (!data) problems.add(where, `volume ${text(volume['name'])} mounts ConfigMap ${name}, which is not emitted`);
      else if (volume['name'] === 'gwc-jobs') tables.push(data);
    }
  }
  for (const template of list(spec['templates'])) {
    for (const task of isObject(template['dag']) ? list(template['dag']['tasks']) : []) {
      for (const parameter of list(isObject(task['arguments']) ? task['arguments']['parameters'] : undefined)) {
        const value = text(parameter['value']);
        if (parameter['name'] === 'job' && !tables.some((table) => value in table)) problems.add(where, `job ${value} is in no mounted job table`);
        if (parameter['name'] === 'part' && !workflowTemplates.has(value)) problems.add(where, `part ${value} is no emitted WorkflowTemplate`);
      }
    }
  }
}
