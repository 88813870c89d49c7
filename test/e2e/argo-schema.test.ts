/**
 * Every document the argo target emits validates against Argo's official schemas
 * (v4.1.2 and v3.7.18 schema.json, the v4.1.2 full CRDs' openAPIV3Schema) and passes
 * the checker of Argo's own rules, on grids of 10, 1,000 and 100,000 jobs.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkArgoDocuments, type ParsedDocument } from '../../src/targets/argo/check.js';
import { SCHEMAS, argoOptions, emitText, gridGraph, parseDocuments, schemaErrors } from '../unit/targets/argo/argo-helpers.js';
import type { ArgoOptions } from '../../src/targets/argo/options.js';

interface Case {
  readonly jobs: number;
  readonly options: ReturnType<typeof argoOptions>;
  /** Workflow kinds expected, by count. */
  readonly parts: 'one' | 'several';
}

const CASES: readonly Case[] = [
  { jobs: 10, options: argoOptions(), parts: 'one' },
  { jobs: 10, options: argoOptions({ workflowTemplate: true, namespace: 'ml', serviceAccount: 'runner', activeDeadlineSeconds: 3600, retries: 2 }), parts: 'one' },
  { jobs: 1000, options: argoOptions(), parts: 'one' },
  { jobs: 1000, options: argoOptions({ jobsPerWorkflow: 150 }), parts: 'several' },
  { jobs: 100_000, options: argoOptions(), parts: 'several' },
];

function argoDocuments(documents: readonly ParsedDocument[]): ParsedDocument[] {
  return documents.filter((d) => (d.object as { kind?: string }).kind !== 'ConfigMap');
}

for (const c of CASES) {
  const argo = c.options.settings as ArgoOptions | undefined;
  const label = `${c.jobs} jobs${argo?.workflowTemplate ? ', WorkflowTemplate' : ''}${argo?.jobsPerWorkflow !== 1000 ? `, ${argo?.jobsPerWorkflow} per workflow` : ''}`;
  describe(`argo output for ${label}`, () => {
    const documents = parseDocuments(emitText(gridGraph(c.jobs), c.options), c.jobs > 1000);
    const workflows = argoDocuments(documents);

    for (const schema of SCHEMAS) {
      test(`every Workflow and WorkflowTemplate validates against ${schema}`, () => {
        for (const doc of workflows) assert.deepEqual(schemaErrors(schema, doc.object), [], doc.file);
      });
    }

    test('Argo\'s own rules hold: names, counts, sizes, references, no stray {{', () => {
      assert.deepEqual(checkArgoDocuments(documents), []);
    });

    test(c.parts === 'one' ? 'one workflow holds the grid' : 'the grid is split into child WorkflowTemplates and a parent', () => {
      const parts = workflows.filter((d) => d.file.startsWith('parts/'));
      if (c.parts === 'one') assert.equal(parts.length, 0);
      else assert.ok(parts.length >= 2, `${parts.length} parts`);
      assert.equal(workflows.filter((d) => d.file === 'workflow.yaml').length, 1);
    });

    test('every job is a task exactly once, under the key of its job table entry', () => {
      const tasks = new Set<string>();
      let count = 0;
      for (const doc of workflows) {
        for (const [part, name] of jobTasks(doc)) {
          tasks.add(`${part} ${name}`);
          count += 1;
        }
      }
      assert.equal(count, c.jobs);
      assert.equal(tasks.size, c.jobs);
    });
  });
}

describe('reading job tables back', () => {
  test('the fast table reader agrees with the YAML parser on 1,000 jobs of hostile commands', () => {
    const files = emitText(gridGraph(1000), argoOptions({ namespace: 'ml' }));
    const fast = parseDocuments(files, true);
    assert.deepEqual(fast, parseDocuments(files, false));
    assert.ok(fast.filter((d) => (d.object as { kind?: string }).kind === 'ConfigMap').length >= 2);
  });
});

type Json = Record<string, unknown>;

/** [document name, job key] of every task that runs a job. */
function* jobTasks(doc: ParsedDocument): Generator<[string, string]> {
  const object = doc.object as Json;
  const name = (object['metadata'] as Json)['name'] as string;
  for (const template of ((object['spec'] as Json)['templates'] as Json[]) ?? []) {
    const dag = template['dag'] as Json | undefined;
    for (const task of (dag?.['tasks'] as Json[] | undefined) ?? []) {
      const parameters = ((task['arguments'] as Json | undefined)?.['parameters'] as Json[] | undefined) ?? [];
      for (const p of parameters) if (p['name'] === 'job') yield [name, p['value'] as string];
    }
  }
}
