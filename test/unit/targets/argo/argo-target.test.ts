import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { JobGraph } from '../../../../src/graph/job-graph.js';
import { argoTarget, validateArgo } from '../../../../src/targets/argo/index.js';
import { checkArgoDocuments, type ParsedDocument } from '../../../../src/targets/argo/check.js';
import { readTemplateFile } from '../../../../src/targets/shared/render.js';
import type { ValueMap } from '../../../../src/values/value.js';
import { pipelineGraph } from '../../../helpers/fixture-graph.js';
import { repoPath } from '../../../helpers/paths.js';
import { runCli } from '../../../helpers/run-cli.js';
import { argoOptions, emitText, gridGraph, parseDocuments } from './argo-helpers.js';
import { assertGolden } from '../../../helpers/golden.js';

/** The fixture pipeline with per-node argo settings and resources on `predict`. */
function configuredGraph(): JobGraph {
  const graph = pipelineGraph();
  const argo: ValueMap = {
    image: 'ghcr.io/org/watch:1.2',
    node_selector: { accelerator: 'nvidia-a100' },
    tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
    retry: 2n,
  };
  return {
    ...graph,
    nodes: graph.nodes.map((node) => (node.name === 'predict' ? { ...node, resources: { gpus: 1, cpus: 4, mem: '16G', time: '02:00:00' }, targetOptions: { argo } } : node)),
  };
}

describe('argo target output', () => {
  const GOLDENS: readonly [string, ReturnType<typeof argoOptions>][] = [
    ['basic', argoOptions({ pvc: 'results', activeDeadlineSeconds: 86400 }, { preamble: 'conda activate watch' })],
    ['split', argoOptions({ jobsPerWorkflow: 4, workflowTemplate: true, namespace: 'ml', serviceAccount: 'argo-runner' })],
  ];
  for (const [name, options] of GOLDENS) {
    test(`${name}: every file but the runner matches its golden byte for byte`, () => {
      for (const [path, text] of emitText(configuredGraph(), options)) {
        if (path !== 'runner.yaml' && path !== 'gwc-run.sh') assertGolden(`argo/${name}/${path}`, text);
      }
    });
  }

  test('output is byte-stable: emitting twice gives the same files', () => {
    const options = argoOptions({ jobsPerWorkflow: 150 });
    assert.deepEqual(emitText(gridGraph(1000), options), emitText(gridGraph(1000), options));
  });

  test('runner.yaml carries gwc-run.sh and the preamble exactly', () => {
    const files = emitText(pipelineGraph(), argoOptions({}, { preamble: "source 'env'\n{{x}}" }));
    const [runner] = parseDocuments(new Map([['runner.yaml', files.get('runner.yaml') as string]]));
    const data = (runner?.object as { data: Record<string, string> }).data;
    assert.equal(data['gwc-run.sh'], readTemplateFile('runtime/gwc-run.sh'));
    assert.equal(data['preamble'], "source 'env'\n{{x}}");
  });

  test('the run command is submit.sh', () => {
    assert.deepEqual(argoTarget.runCommand(argoOptions()), ['sh', './submit.sh']);
  });
});

describe('validateArgo', () => {
  const BAD: readonly [string, JobGraph, ReturnType<typeof argoOptions>, RegExp][] = [
    ['an uppercase --argo-name', pipelineGraph(), argoOptions({ name: 'MyRun' }), /--argo-name must be a lowercase DNS label/],
    ['a 41-character --argo-name', pipelineGraph(), argoOptions({ name: 'a'.repeat(41) }), /at most 40 characters/],
    ['a namespace with a dot', pipelineGraph(), argoOptions({ namespace: 'a.b' }), /--namespace must be a lowercase DNS label/],
    ['a PVC with a slash', pipelineGraph(), argoOptions({ pvc: 'a/b' }), /--pvc must name a PersistentVolumeClaim/],
    ['a service account with a space', pipelineGraph(), argoOptions({ serviceAccount: 'a b' }), /--argo-service-account must name a ServiceAccount/],
    ['{{ in the image', pipelineGraph(), argoOptions({ image: 'repo/{{tag}}' }), /--image holds "\{\{"/],
    ['the root /', pipelineGraph({ root: '/' }), argoOptions(), /cannot be "\/"/],
  ];
  for (const [name, graph, options, message] of BAD) {
    test(`reports ${name}`, () => {
      const diagnostics = validateArgo(graph, options);
      assert.ok(diagnostics.some((d) => message.test(d.message)), diagnostics.map((d) => d.message).join('\n') || 'no diagnostic');
      assert.ok(diagnostics.every((d) => d.code === 'E_OPTION'));
    });
  }

  test('a node block with {{ in its image is refused', () => {
    const graph = pipelineGraph();
    const bad = { ...graph, nodes: graph.nodes.map((n) => ({ ...n, targetOptions: { argo: { image: 'x:{{y}}' } } })) };
    assert.match(validateArgo(bad, argoOptions())[0]?.message ?? '', /node "predict" image holds "\{\{"/);
  });

  test('a graph without scheduled jobs is refused', () => {
    const graph = pipelineGraph();
    const none = { ...graph, jobs: graph.jobs.map((j) => ({ ...j, scheduled: false, status: 'disabled' as const })) };
    assert.match(validateArgo(none, argoOptions())[0]?.message ?? '', /no job to run/);
  });

  test('the fixture and default options pass', () => {
    assert.deepEqual(validateArgo(pipelineGraph(), argoOptions()), []);
  });
});

describe('checkArgoDocuments finds broken output', () => {
  type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const base = (): ParsedDocument[] => parseDocuments(emitText(gridGraph(10), argoOptions()));
  const workflowOf = (docs: ParsedDocument[]): Json => docs.find((d) => (d.object as Json)['kind'] === 'Workflow')?.object as Json;
  const templates = (docs: ParsedDocument[]): Json[] => workflowOf(docs)['spec']['templates'] as Json[];
  const chunk = (docs: ParsedDocument[]): Json => templates(docs).find((t) => t['name'] === 'chunk-001') as Json;

  const BREAKS: readonly [string, (docs: ParsedDocument[]) => void, RegExp][] = [
    ['an uppercase workflow name', (d) => void (workflowOf(d)['metadata']['name'] = 'Gwc'), /name must be a lowercase DNS label/],
    ['a 64-character workflow name', (d) => void (workflowOf(d)['metadata']['name'] = 'a'.repeat(64)), /at most 63/],
    ['201 templates', (d) => templates(d).push(...Array.from({ length: 200 }, (_x, i) => ({ name: `t${i}`, container: { image: 'x' } }))), /20\d templates, more than 200/],
    ['201 tasks in a DAG', (d) => chunk(d)['dag']['tasks'].push(...Array.from({ length: 200 }, (_x, i) => ({ name: `t${i}`, template: 'job-prep', arguments: { parameters: [{ name: 'job', value: 'prep-id-000000' }] } }))), /2\d\d DAG tasks/],
    ['501 input parameters', (d) => void ((templates(d)[0] as Json)['inputs']['parameters'] = Array.from({ length: 501 }, (_x, i) => ({ name: `p${i}` }))), /501 input parameters/],
    ['a task name with a leading digit', (d) => void (chunk(d)['dag']['tasks'][0]['name'] = '1x'), /does not start with a digit/],
    ['a dependency on a later task', (d) => void (chunk(d)['dag']['tasks'][0]['dependencies'] = ['nope']), /not an earlier task/],
    ['{{ in the image', (d) => void ((templates(d)[0] as Json)['container']['image'] = 'x:{{workflow.name}}'), /uses the tag \{\{workflow.name\}\}/],
    ['{{ in a task argument', (d) => void (chunk(d)['dag']['tasks'][0]['arguments']['parameters'][0]['value'] = '{{item}}'), /holds "\{\{"/],
    ['{{ in the metadata', (d) => void (workflowOf(d)['metadata']['labels'] = { a: '{{x}}' }), /outside any template/],
    ['a job missing from the tables', (d) => void (chunk(d)['dag']['tasks'][0]['arguments']['parameters'][0]['value'] = 'gone'), /job gone is in no mounted job table/],
    ['two template types', (d) => void ((templates(d)[0] as Json)['script'] = { image: 'x', source: 'true' }), /has 2 template types/],
    ['a deadline on a DAG template', (d) => void (chunk(d)['activeDeadlineSeconds'] = 10), /only valid for leaf templates/],
    ['an object over 1 MiB', (d) => void (workflowOf(d)['metadata']['annotations'] = { big: 'x'.repeat(1 << 20) }), /more than 1048576/],
  ];
  for (const [name, breakIt, message] of BREAKS) {
    test(name, () => {
      const docs = base();
      assert.deepEqual(checkArgoDocuments(docs), []);
      breakIt(docs);
      const problems = checkArgoDocuments(docs);
      assert.ok(problems.some((p) => message.test(p)), problems.join('\n') || 'no problem found');
    });
  }
});

describe('geowatch-compile compile --target argo', () => {
  test('writes the artifacts with the CLI options applied', async () => {
    const work = mkdtempSync(join(tmpdir(), 'gwc-argo-cli-'));
    try {
      const demo = repoPath('examples', 'demo');
      const out = join(work, 'out');
      const argv = ['compile', '--pipeline', join(demo, 'pipeline.yaml'), '--params', join(demo, 'grid.yaml'), '--target', 'argo', '--root', join(work, 'runs'), '--out', out,
        '--image', 'registry/watch:2', '--pvc', 'shared-results', '--namespace', 'ml', '--workflow-template', '1', '--argo-name', 'demo-grid', '--argo-retries', '1', '--argo-jobs-per-workflow', '20'];
      const { code, stderr, stdout } = await runCli(argv, work);
      assert.equal(code, 0, stderr);
      assert.match(stdout, /to run: cd .* && sh \.\/submit\.sh/);
      assert.deepEqual(readdirSync(out).filter((f) => !f.startsWith('.')).sort(), ['gwc-run.sh', 'parts', 'runner.yaml', 'submit.sh', 'workflow.yaml']);
      const workflow = readFileSync(join(out, 'workflow.yaml'), 'utf8');
      assert.match(workflow, /kind: WorkflowTemplate\nmetadata:\n  name: "demo-grid"\n  namespace: "ml"/);
      const part = readFileSync(join(out, 'parts', 'demo-grid-p0001.yaml'), 'utf8');
      assert.match(part, /image: "registry\/watch:2"/);
      assert.match(part, /claimName: "shared-results"/);
      assert.match(part, /limit: "1"/);
      assert.match(readFileSync(join(out, 'submit.sh'), 'utf8'), /argo submit -n ml --from workflowtemplate\/demo-grid/);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  test('a bad argo option is a user error', async () => {
    const demo = repoPath('examples', 'demo');
    const { code, stderr } = await runCli(['compile', '--pipeline', join(demo, 'pipeline.yaml'), '--params', join(demo, 'grid.yaml'), '--target', 'argo', '--argo-pod-gc', 'Sometimes'], demo);
    assert.equal(code, 1);
    assert.match(stderr, /unknown --argo-pod-gc strategy "Sometimes"/);
  });
});
