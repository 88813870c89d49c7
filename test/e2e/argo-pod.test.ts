/**
 * Runs the argo target's job pods as Argo would, minus Kubernetes: the ConfigMaps are
 * laid out as their volume mounts, each task's container command runs with the job
 * parameter substituted the way Argo substitutes it, in DAG order. The jobs' hostile
 * commands (quotes, $, backticks, newlines, {{ }}, non-ASCII) must run unchanged, and
 * a second run must skip every job through its done marker.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { ParsedDocument } from '../../src/targets/argo/check.js';
import { JOB_ARGUMENT } from '../../src/targets/argo/pod-script.js';
import { shellQuote } from '../../src/targets/shared/shell-quote.js';
import { fixtureGraph } from '../helpers/fixture-graph.js';
import { argoOptions, emitText, parseDocuments } from '../unit/targets/argo/argo-helpers.js';

type Json = Record<string, unknown>;

const HOSTILE = [
  `it's "quoted" $HOME \`date\` $(id) {{workflow.name}} {{inputs.parameters.job}}`,
  'line one\nline two\ttabbed # % : = * ? [x] \\ back\\slash',
  '-leading dash, ünïcødé ✓, {{=expr}}, {{ spaced }}',
];

const work = mkdtempSync(join(tmpdir(), 'gwc-argo-pod-'));
after(() => rmSync(work, { recursive: true, force: true }));

function graphIn(root: string) {
  const line = (i: number, dir: string): string => `printf '%s\\n' ${shellQuote(HOSTILE[i] as string)} >>${shellQuote(`${dir}/out.txt`)}; printf '%s\\n' "$GREETING" >>${shellQuote(`${dir}/out.txt`)}`;
  return fixtureGraph({ root, workdir: work }, [
    { id: 'make_id_a', node: 'make', command: line(0, `${root}/make/make_id_a`) },
    { id: 'make_id_b', node: 'make', command: line(1, `${root}/make/make_id_b`) },
    { id: 'use_id_c', node: 'use', deps: ['make_id_a', 'make_id_b'], command: line(2, `${root}/use/use_id_c`) },
  ]);
}

/** Writes the ConfigMaps where the job pods mount them. */
function mountConfigMaps(documents: readonly ParsedDocument[], mount: string): void {
  mkdirSync(join(mount, 'run'), { recursive: true });
  mkdirSync(join(mount, 'jobs'), { recursive: true });
  for (const doc of documents) {
    const object = doc.object as Json;
    if (object['kind'] !== 'ConfigMap') continue;
    const data = object['data'] as Record<string, string>;
    const dir = doc.file === 'runner.yaml' ? 'run' : 'jobs';
    for (const [key, value] of Object.entries(data)) writeFileSync(join(mount, dir, key), value);
  }
}

/** Each task of the workflow's chunk DAGs, in order, with its template. */
function tasksInOrder(workflow: Json): { job: string; template: Json }[] {
  const templates = (workflow['spec'] as Json)['templates'] as Json[];
  const byName = new Map(templates.map((t) => [t['name'] as string, t]));
  const main = byName.get('main') as Json;
  const tasks: { job: string; template: Json }[] = [];
  for (const chunkTask of ((main['dag'] as Json)['tasks'] as Json[])) {
    const chunk = byName.get(chunkTask['template'] as string) as Json;
    for (const task of ((chunk['dag'] as Json)['tasks'] as Json[])) {
      const parameters = ((task['arguments'] as Json)['parameters'] as Json[]);
      tasks.push({ job: parameters[0]?.['value'] as string, template: byName.get(task['template'] as string) as Json });
    }
  }
  return tasks;
}

/** Runs one job's container as its pod would: Argo substitutes the parameter into args. */
function runPod(template: Json, job: string, mount: string): { status: number | null; stderr: string } {
  const container = template['container'] as Json;
  const argv = [...(container['command'] as string[]), ...(container['args'] as string[]).map((a) => a.replaceAll(JOB_ARGUMENT, job))];
  const result = spawnSync(argv[0] as string, argv.slice(1), { env: { ...process.env, GWC_MOUNT: mount }, encoding: 'utf8' });
  return { status: result.status, stderr: result.stderr };
}

describe('argo job pods, simulated', () => {
  const root = join(work, 'runs');
  const mount = join(work, 'gwc');
  const graph = graphIn(root);
  const files = emitText(graph, argoOptions({}, { preamble: "GREETING='hello {{user}}'; export GREETING" }));
  const documents = parseDocuments(files);
  mountConfigMaps(documents, mount);
  const workflow = documents.find((d) => (d.object as Json)['kind'] === 'Workflow')?.object as Json;

  test('every job runs its command unchanged, with the preamble', () => {
    for (const { job, template } of tasksInOrder(workflow)) {
      const { status, stderr } = runPod(template, job, mount);
      assert.equal(status, 0, stderr);
    }
    for (const [i, job] of graph.jobs.entries()) {
      assert.equal(readFileSync(join(job.dir, 'out.txt'), 'utf8'), `${HOSTILE[i]}\nhello {{user}}\n`);
      assert.match(readFileSync(job.marker, 'utf8'), new RegExp(`"fingerprint": "${job.fingerprint}"`));
      assert.equal(readFileSync(join(job.dir, 'job_config.json'), 'utf8'), `${job.configJson}\n`);
    }
  });

  test('a second run skips every job through its done marker', () => {
    for (const { job, template } of tasksInOrder(workflow)) assert.equal(runPod(template, job, mount).status, 0);
    for (const [i, job] of graph.jobs.entries()) {
      assert.equal(readFileSync(join(job.dir, 'out.txt'), 'utf8'), `${HOSTILE[i]}\nhello {{user}}\n`);
    }
  });

  test('the workflow itself holds none of the commands', () => {
    const text = files.get('workflow.yaml') as string;
    const workflowText = text.slice(text.lastIndexOf('\n---\n'));
    assert.ok(workflowText.includes('kind: Workflow'));
    for (const hostile of ['{{workflow.name}}', 'hello', 'printf']) assert.ok(!workflowText.includes(hostile), hostile);
  });
});
