import { error, hasErrors, type Diagnostic, type SourceText } from './diagnostics/diagnostic.js';
import { buildGraph, type BuildOptions } from './graph/build-graph.js';
import type { EnableState } from './graph/enable.js';
import type { JobGraph } from './graph/job-graph.js';
import { buildRouter, type Router } from './graph/routing.js';
import { validateGridValues } from './graph/validate-grid-values.js';
import { expandGrid, gridKeys, parseGrid, type Grid, type GridSemantics } from './grid/index.js';
import { loadYaml } from './parse/load-yaml.js';
import { UnhashableValueError } from './hash/ubelt-hash.js';
import { parsePipeline } from './pipeline/parse-pipeline.js';
import { orderWithReferences } from './graph/order-nodes.js';
import type { Pipeline } from './pipeline/pipeline.js';
import type { EmittedFile, Target, TargetOptions } from './targets/target.js';

/** Reads a file named inside an input (e.g. `__include__`); injected so compilation stays pure. */
export type ReadSource = (path: string, relativeTo: string) => { source?: SourceText; diagnostics: Diagnostic[] };

/** Everything the front end needs, already read from disk by the caller. */
export interface FrontEndInput {
  readonly pipeline?: SourceText;
  readonly params: SourceText;
  /** Directory relative paths in the grid resolve against. */
  readonly paramsDir: string;
  readonly pipelineDir: string;
  readonly readSource: ReadSource;
}

/** How to build the graph, plus command-line overrides of the grid's own options. */
export interface GraphSettings extends BuildOptions {
  readonly gridSemantics?: GridSemantics;
  readonly maxConfigs?: number;
}

/** The outcome of a stage: a value when it succeeded, and everything it found. */
export interface StageResult<T> {
  readonly value?: T;
  readonly diagnostics: readonly Diagnostic[];
}

/** Parses and validates the param grid (stage 1 of `expand`). */
export function loadGrid(input: Pick<FrontEndInput, 'params' | 'paramsDir' | 'readSource'>, settings: Pick<GraphSettings, 'gridSemantics' | 'maxConfigs'>): StageResult<Grid> {
  const { loaded, diagnostics } = loadYaml(input.params);
  if (!loaded) return { diagnostics };
  const overrides = {
    ...(settings.gridSemantics ? { semantics: settings.gridSemantics } : {}),
    ...(settings.maxConfigs !== undefined ? { maxConfigs: settings.maxConfigs } : {}),
  };
  const parsed = parseGrid(loaded, { readFile: input.readSource, baseDir: input.paramsDir }, overrides);
  if (!parsed.grid || hasErrors(parsed.diagnostics)) return { diagnostics: parsed.diagnostics };
  return { value: parsed.grid, diagnostics: parsed.diagnostics };
}

function loadPipeline(input: FrontEndInput): StageResult<Pipeline> {
  if (!input.pipeline) return { diagnostics: [error('E_OPTION', '--pipeline is required')] };
  const { loaded, diagnostics } = loadYaml(input.pipeline);
  if (!loaded) return { diagnostics };
  const parsed = parsePipeline(loaded, input.pipelineDir);
  return parsed.pipeline ? { value: parsed.pipeline, diagnostics: parsed.diagnostics } : { diagnostics: parsed.diagnostics };
}

/** Routes grid keys to nodes and checks every value the scheduler itself reads. */
function connect(pipeline: Pipeline, grid: Grid, enable: ReadonlyMap<string, EnableState>): StageResult<{ router: Router; pipeline: Pipeline }> {
  const keys = gridKeys(grid);
  const { router, diagnostics } = buildRouter(pipeline, keys);
  diagnostics.push(...validateGridValues(pipeline, router, keys, enable));
  if (hasErrors(diagnostics)) return { diagnostics };
  const ordered = orderWithReferences(pipeline, router, grid.source);
  diagnostics.push(...ordered.diagnostics);
  return ordered.value ? { value: { router, pipeline: ordered.value }, diagnostics } : { diagnostics };
}

/**
 * parse → validate → expand → graph. Stops after the first stage with errors
 * and returns all of that stage's diagnostics.
 */
export function compileGraph(input: FrontEndInput, settings: GraphSettings): StageResult<JobGraph> {
  const pipeline = loadPipeline(input);
  const grid = loadGrid(input, settings);
  const parseDiagnostics = [...pipeline.diagnostics, ...grid.diagnostics];
  if (!pipeline.value || !grid.value || hasErrors(parseDiagnostics)) return { diagnostics: parseDiagnostics };
  const connected = connect(pipeline.value, grid.value, settings.enable);
  const soFar = [...parseDiagnostics, ...connected.diagnostics];
  if (!connected.value) return { diagnostics: soFar };
  try {
    const slurmOptions = grid.value.options.slurmOptions;
    const gridOptions = slurmOptions ? { slurm_options: slurmOptions } : {};
    const built = buildGraph(connected.value.pipeline, connected.value.router, expandGrid(grid.value), { ...settings, gridOptions });
    return { value: built.graph, diagnostics: [...soFar, ...built.diagnostics] };
  } catch (e) {
    if (!(e instanceof UnhashableValueError)) throw e;
    return { diagnostics: [...soFar, unhashable(e, grid.value.source)] };
  }
}

/** A value ubelt cannot hash (text that is not valid Unicode) reached an id. */
function unhashable(e: UnhashableValueError, grid: SourceText): Diagnostic {
  return error('E_BAD_VALUE', 'a grid value cannot be hashed into an id', {
    span: { source: grid, start: 0, end: 1 },
    found: e.message,
    expected: 'text that is valid Unicode (no lone surrogate escapes such as "\\ud800")',
    hint: 'remove the escape from the value',
  });
}

/** Runs a target's own checks, then emits its files. */
export function emitTarget(graph: JobGraph, target: Target, options: TargetOptions): StageResult<readonly EmittedFile[]> {
  const diagnostics = target.validate?.(graph, options) ?? [];
  if (hasErrors(diagnostics)) return { diagnostics };
  return { value: target.emit(graph, options), diagnostics };
}
