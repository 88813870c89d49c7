/** Helpers of the argo target tests: emit to text, parse the YAML back, validate against Argo's schemas. */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { Ajv, type ValidateFunction } from 'ajv';
import { parseDocument, parse as parseYaml } from 'yaml';
import type { JobGraph } from '../../../../src/graph/job-graph.js';
import { argoTarget } from '../../../../src/targets/argo/index.js';
import type { ParsedDocument } from '../../../../src/targets/argo/check.js';
import { DEFAULT_ARGO_OPTIONS, type ArgoOptions } from '../../../../src/targets/argo/options.js';
import type { TargetOptions } from '../../../../src/targets/target.js';
import { fixtureGraph, fixtureOptions, type FixtureJobSpec } from '../../../helpers/fixture-graph.js';
import { repoPath } from '../../../helpers/paths.js';
import { fileText } from '../../../helpers/golden.js';

/** Target options with argo settings on top of the defaults. */
export function argoOptions(argo: Partial<ArgoOptions> = {}, base: Partial<TargetOptions> = {}): TargetOptions {
  return fixtureOptions({ ...base, settings: { ...DEFAULT_ARGO_OPTIONS, ...argo } });
}

/** Every emitted file as text, by path. */
export function emitText(graph: JobGraph, options: TargetOptions): Map<string, string> {
  const files = new Map<string, string>();
  for (const file of argoTarget.emit(graph, options)) {
    files.set(file.path, fileText(file));
  }
  return files;
}

/**
 * The YAML documents of every emitted .yaml file, parsed back (a YAML error fails the test).
 * `fastTables` reads job-table ConfigMaps, whose data lines are `  "key": "value"` with
 * JSON escapes only, through JSON.parse: the YAML parser needs minutes for 100,000 jobs.
 * A test shows both readings agree.
 */
export function parseDocuments(files: ReadonlyMap<string, string>, fastTables = false): ParsedDocument[] {
  const documents: ParsedDocument[] = [];
  for (const [file, text] of files) {
    if (!file.endsWith('.yaml')) continue;
    for (const source of text.split(/^---\n/m)) {
      const object = (fastTables ? fastTable(source) : undefined) ?? parseOne(file, source);
      if (object !== null && object !== undefined) documents.push({ file, object });
    }
  }
  return documents;
}

function parseOne(file: string, source: string): unknown {
  const doc = parseDocument(source, { uniqueKeys: true });
  if (doc.errors.length) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
  return doc.toJS() as unknown;
}

const TABLE_HEAD = /^apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ("[^"\\]*")\n(?:  namespace: ("[^"\\]*")\n)?  labels:\n    (app\.kubernetes\.io\/managed-by): (geowatch-compile)\ndata:\n/;
const TABLE_LINE = /^  ("(?:[^"\\]|\\.)*"): ("(?:[^"\\]|\\.)*")$/;

/** A job table read with JSON.parse, or undefined when the text is not exactly in that shape. */
export function fastTable(source: string): unknown {
  const head = TABLE_HEAD.exec(source);
  if (!head) return undefined;
  const data: Record<string, string> = {};
  const lines = source.slice(head[0].length).split('\n');
  if (lines.pop() !== '') return undefined;
  for (const line of lines) {
    const match = TABLE_LINE.exec(line);
    if (!match) return undefined;
    const key = JSON.parse(match[1] as string) as string;
    if (key in data) return undefined;
    data[key] = JSON.parse(match[2] as string) as string;
  }
  const metadata: Record<string, unknown> = { name: JSON.parse(head[1] as string) };
  if (head[2] !== undefined) metadata['namespace'] = JSON.parse(head[2]);
  metadata['labels'] = { [head[3] as string]: head[4] };
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata, data };
}

/**
 * A grid of `count` jobs: root jobs (`prep`), one `train` per root job, and an
 * `eval` per train job; ids and commands carry hostile text.
 */
export function gridGraph(count: number, root = '/srv/gwc/runs'): JobGraph {
  const specs: FixtureJobSpec[] = [];
  const roots = Math.max(1, Math.floor(count / 3));
  for (let i = 0; i < roots && specs.length < count; i += 1) {
    const prep = `prep_id_${i.toString(36).padStart(6, '0')}`;
    specs.push({ id: prep, node: 'prep', command: `python prep.py --seed=${i} --tag='{{workflow.name}}'` });
  }
  for (let i = 0; specs.length < count; i += 1) {
    const prep = `prep_id_${(i % roots).toString(36).padStart(6, '0')}`;
    const train = `train_id_${i.toString(36).padStart(6, '0')}`;
    specs.push({ id: train, node: 'train', deps: [prep], command: `python train.py --lr=0.${i} --note="{{inputs.parameters.job}} $HOME"`, resources: { gpus: 1 } });
    if (specs.length < count) specs.push({ id: `eval_id_${i.toString(36).padStart(6, '0')}`, node: 'eval', deps: [train, prep], command: `python eval.py --x=${i}` });
  }
  return fixtureGraph({ root, workdir: '/srv/gwc/pipeline' }, specs);
}

type SchemaName = 'v4.1.2' | 'v3.7.18' | 'crd-v4.1.2';

const validators = new Map<string, ValidateFunction>();

function fixture(...parts: string[]): string {
  return repoPath('test', 'fixtures', 'argo', ...parts);
}

/** The official JSON schema (2020-12; its top-level oneOf picks the kind). */
function schemaJson(version: 'v4.1.2' | 'v3.7.18'): ValidateFunction {
  const ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: false, code: { optimize: false } });
  return ajv.compile(JSON.parse(readFileSync(fixture(version, 'schema.json'), 'utf8')) as object);
}

/** The openAPIV3Schema of a v4.1.2 full CRD (x-kubernetes-* keywords are not JSON Schema and are ignored). */
function crdSchema(kind: 'Workflow' | 'WorkflowTemplate'): ValidateFunction {
  const file = kind === 'Workflow' ? 'argoproj.io_workflows.yaml' : 'argoproj.io_workflowtemplates.yaml';
  const crd = parseYaml(readFileSync(fixture('v4.1.2', file), 'utf8')) as { spec: { versions: { schema: { openAPIV3Schema: object } }[] } };
  const schema = crd.spec.versions[0]?.schema.openAPIV3Schema as object;
  // optimize: false compiles this 2.7 MB inlined schema in seconds instead of tens of seconds.
  const ajv = new Ajv({ strict: false, allErrors: false, validateFormats: false, code: { optimize: false } });
  return ajv.compile(schema);
}

/** Schema errors of one Argo document (ConfigMaps have no Argo schema). */
export function schemaErrors(schema: SchemaName, object: unknown): string[] {
  const kind = (object as { kind?: string }).kind;
  if (kind !== 'Workflow' && kind !== 'WorkflowTemplate') return [];
  const key = schema === 'crd-v4.1.2' ? `${schema}:${kind}` : schema;
  let validate = validators.get(key);
  if (!validate) {
    validate = schema === 'crd-v4.1.2' ? crdSchema(kind) : schemaJson(schema);
    validators.set(key, validate);
  }
  if (validate(object)) return [];
  return (validate.errors ?? []).slice(0, 5).map((e) => `${e.instancePath} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}

export const SCHEMAS: readonly SchemaName[] = ['v4.1.2', 'v3.7.18', 'crd-v4.1.2'];
