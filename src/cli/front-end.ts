import { dirname, resolve } from 'node:path';
import { compileGraph, type FrontEndInput, type GraphSettings, type StageResult } from '../compile.js';
import type { JobGraph } from '../graph/job-graph.js';
import { diskProbe } from '../io/probe-jobs.js';
import { readParams, readSourceFile } from '../io/read-inputs.js';
import type { ResolvedOptions } from './options.js';

/** Reads the inputs the options name; the returned diagnostics say what could not be read. */
export function readFrontEnd(options: ResolvedOptions, cwd: string, withPipeline: boolean): StageResult<FrontEndInput> {
  const params = readParams(options.paramsArg, cwd);
  const pipeline = withPipeline ? readSourceFile(options.pipelineFile, cwd) : { diagnostics: [] };
  const diagnostics = [...pipeline.diagnostics, ...params.diagnostics];
  if (!params.source || (withPipeline && !pipeline.source)) return { diagnostics };
  const value: FrontEndInput = {
    ...(pipeline.source ? { pipeline: pipeline.source } : {}),
    params: params.source,
    paramsDir: params.dir,
    pipelineDir: dirname(options.pipelineFile),
    readSource: (path, relativeTo) => readSourceFile(resolve(relativeTo, path), cwd),
  };
  return { value, diagnostics };
}

export function graphSettings(options: ResolvedOptions): GraphSettings {
  return {
    root: options.root,
    workdir: options.workdir,
    profile: options.hashProfile,
    enable: options.enable,
    skipExisting: options.skipExisting,
    probe: diskProbe(),
    ...(options.gridSemantics ? { gridSemantics: options.gridSemantics } : {}),
    ...(options.maxConfigs !== undefined ? { maxConfigs: options.maxConfigs } : {}),
  };
}

/** Reads the inputs and builds the job graph. */
export function graphFromOptions(options: ResolvedOptions, cwd: string): StageResult<JobGraph> {
  const input = readFrontEnd(options, cwd, true);
  if (!input.value) return { diagnostics: input.diagnostics };
  return compileGraph(input.value, graphSettings(options));
}
