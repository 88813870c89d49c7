import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import type { Job, JobGraph, JobLink, JobStatus, NodeSummary, RowOptions } from '../../src/graph/job-graph.js';
import type { Resources } from '../../src/pipeline/pipeline.js';
import type { TargetOptions } from '../../src/targets/target.js';
import { toJson } from '../../src/values/py-format.js';
import type { ValueMap } from '../../src/values/value.js';

/** One hand-written job; everything else (dir, marker, links, ancestors) is derived. */
export interface FixtureJobSpec {
  readonly id: string;
  readonly node: string;
  /** Ids of the jobs it waits for. */
  readonly deps?: readonly string[];
  readonly command?: string;
  readonly config?: ValueMap;
  /** The final config its command receives (default: empty). */
  readonly final?: ValueMap;
  /** Output name → path relative to the job dir. */
  readonly outputs?: Readonly<Record<string, string>>;
  readonly status?: JobStatus;
  readonly redo?: boolean;
  readonly staleMarker?: boolean;
  readonly resources?: Resources;
  /** Engine options from the grid row (`slurm_options` → sbatch options). */
  readonly rowOptions?: RowOptions;
}

/** Where the fixture lives. */
export interface FixtureGraphOptions {
  readonly root: string;
  readonly workdir: string;
}

/** A small JobGraph built by hand: dirs are `<root>/<node>/<id>`, jobs in the given (topological) order. */
export function fixtureGraph(options: FixtureGraphOptions, specs: readonly FixtureJobSpec[]): JobGraph {
  const byId = new Map<string, Job>();
  const jobs = specs.map((spec) => {
    const job = fixtureJob(options.root, spec, byId);
    byId.set(job.id, job);
    return job;
  });
  return { jobs, nodes: nodeSummaries(options.root, jobs), root: options.root, workdir: options.workdir, rowCount: jobs.length, gridOptions: {} };
}

function fixtureJob(root: string, spec: FixtureJobSpec, earlier: ReadonlyMap<string, Job>): Job {
  const dir = posix.join(root, spec.node, spec.id);
  const deps = [...(spec.deps ?? [])].sort();
  const preds = deps.map((id) => {
    const pred = earlier.get(id);
    if (!pred) throw new Error(`fixture: ${spec.id} depends on ${id}, which comes later or not at all`);
    return pred;
  });
  const command = spec.command ?? `echo ${spec.id}`;
  const status = spec.status ?? 'to_run';
  const outputs: Record<string, string> = Object.fromEntries(Object.entries(spec.outputs ?? {}).map(([name, rel]) => [name, posix.join(dir, rel)]));
  return {
    id: spec.id,
    node: spec.node,
    algoId: `${spec.node}_algo`,
    dir,
    marker: `${dir}/.gwc-done`,
    status,
    reason: status,
    scheduled: status === 'to_run' || status === 'done',
    redo: spec.redo ?? false,
    staleMarker: spec.staleMarker ?? false,
    preds: deps,
    deps,
    predecessors: preds,
    depJobs: preds,
    ancestors: ancestors(preds, earlier),
    final: spec.final ?? {},
    command,
    commandPieces: [command],
    ownPieces: undefined,
    kind: {},
    defaultOutputs: false,
    config: spec.config ?? {},
    configJson: toJson(spec.config ?? {}),
    configParts: { inherited: '', own: toJson(spec.config ?? {}).slice(1, -1) },
    fingerprint: createHash('sha256').update(`${spec.id}\0${command}`).digest('hex').slice(0, 16),
    outputs,
    outputPath: (name) => outputs[name] as string,
    ancestorDirs: ancestors(preds, earlier).map((job) => job.dir),
    links: preds.flatMap((pred) => predSuccLinks(pred, spec.node, spec.id, dir)),
    resources: spec.resources ?? {},
    rowOptions: spec.rowOptions ?? {},
    rows: [0],
  };
}

/** Transitive predecessors, ordered by id (enough for fixtures). */
function ancestors(preds: readonly Job[], byId: ReadonlyMap<string, Job>): Job[] {
  const seen = new Map<string, Job>();
  const stack = [...preds];
  while (stack.length) {
    const job = stack.pop() as Job;
    if (seen.has(job.id)) continue;
    seen.set(job.id, job);
    for (const id of job.deps) stack.push(byId.get(id) as Job);
  }
  return [...seen.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function predSuccLinks(pred: Job, node: string, id: string, dir: string): JobLink[] {
  const predLink = `${dir}/.pred/${pred.node}/${pred.id}`;
  const succLink = `${pred.dir}/.succ/${node}/${id}`;
  return [
    { path: predLink, target: posix.relative(posix.dirname(predLink), pred.dir) },
    { path: succLink, target: posix.relative(posix.dirname(succLink), dir) },
  ];
}

function nodeSummaries(root: string, jobs: readonly Job[]): NodeSummary[] {
  const names = [...new Set(jobs.map((job) => job.node))];
  return names.map((name) => {
    const mine = jobs.filter((job) => job.node === name);
    const count = (status: JobStatus): number => mine.filter((job) => job.status === status).length;
    return {
      name,
      folder: posix.join(root, name),
      requestedRows: mine.length,
      uniqueJobs: mine.length,
      toRun: count('to_run'),
      done: count('done'),
      disabled: count('disabled'),
      skipped: count('skipped'),
      reasons: [],
      resources: mine[0]?.resources ?? {},
      targetOptions: {},
    };
  });
}

/** How {@link pipelineGraph} spells a job's command. */
export type FixtureCommand = (node: string, id: string, dir: string) => string;

/**
 * predict → track → evaluate: 2 predicts, 2 tracks per predict, 1 evaluate per track.
 * Defaults: root `/srv/gwc/runs`, workdir `/srv/gwc/pipeline`, kwdagger-style commands.
 */
export function pipelineGraph(
  options: Partial<FixtureGraphOptions> & { readonly command?: FixtureCommand } = {},
): JobGraph {
  const root = options.root ?? '/srv/gwc/runs';
  const workdir = options.workdir ?? '/srv/gwc/pipeline';
  const command: FixtureCommand =
    options.command ??
    ((node, _id, dir) => `python -m geowatch.cli.${node} --out_dpath=${dir} --note='it'"'"'s $HOME'`);
  const specs: FixtureJobSpec[] = [];
  const predicts = ['predict_id_aaaa', 'predict_id_bbbb'];
  for (const [p, id] of predicts.entries()) {
    specs.push({
      id,
      node: 'predict',
      command: command('predict', id, `${root}/predict/${id}`),
      config: { 'predict.model': `model_${p}.pt`, 'predict.thresh': 0.5 + p / 10, 'predict.workers': 2n },
      outputs: { pred_pxl: 'pred.kwcoco.zip' },
      resources: { gpus: 1 },
      ...(p === 1 ? { status: 'done' as const } : {}),
    });
  }
  for (const [p, predict] of predicts.entries()) {
    for (const t of [0, 1]) {
      const id = `track_id_${p}${t}cd`;
      specs.push({
        id,
        node: 'track',
        deps: [predict],
        command: command('track', id, `${root}/track/${id}`),
        config: { 'predict.model': `model_${p}.pt`, 'track.thresh': t ? 0.1 : 0.2 },
        outputs: { sites: 'sites', site_summary: 'summary.geojson' },
        ...(p === 0 && t === 1 ? { redo: true } : {}),
      });
    }
  }
  for (const [p] of predicts.entries()) {
    for (const t of [0, 1]) {
      const id = `evaluate_id_${p}${t}ef`;
      specs.push({
        id,
        node: 'evaluate',
        deps: [`track_id_${p}${t}cd`],
        command: command('evaluate', id, `${root}/evaluate/${id}`),
        config: { 'track.thresh': t ? 0.1 : 0.2, 'evaluate.region': 'KR_R001' },
        outputs: { eval_fpath: 'poly_eval.json' },
      });
    }
  }
  return fixtureGraph({ root, workdir }, specs);
}

/** Target options with test defaults. */
export function fixtureOptions(overrides: Partial<TargetOptions> = {}): TargetOptions {
  return {
    version: '0.1.0',
    inputs: ['pipeline.yaml', 'grid.yaml'],
    outDir: '/srv/gwc/out',
    workers: 2,
    devices: [],
    devicesAuto: false,
    queueName: 'gwc',
    enableLinks: true,
    ...overrides,
  };
}
