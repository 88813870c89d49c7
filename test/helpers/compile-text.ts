import { compileGraph, type GraphSettings } from '../../src/compile.js';
import type { ProbeResult } from '../../src/graph/build-graph.js';
import type { EnableState } from '../../src/graph/enable.js';

/** Settings for in-memory compilation: fixed root and workdir, nothing on disk. */
export function testSettings(overrides: Partial<GraphSettings> = {}): GraphSettings {
  return {
    root: '/srv/gwc/runs',
    workdir: '/srv/gwc/pipeline',
    profile: 'kwdagger',
    enable: new Map<string, EnableState>(),
    skipExisting: false,
    probe: (): ProbeResult => 'absent',
    ...overrides,
  };
}

/** Compiles pipeline and grid YAML text to a job graph without touching disk. */
export function compileText(pipeline: string, grid: string, overrides: Partial<GraphSettings> = {}) {
  return compileGraph(
    {
      pipeline: { path: 'pipeline.yaml', text: pipeline },
      params: { path: 'grid.yaml', text: grid },
      paramsDir: '/srv/gwc/pipeline',
      pipelineDir: '/srv/gwc/pipeline',
      readSource: () => ({ diagnostics: [] }),
    },
    testSettings(overrides),
  );
}
