import { error, type Diagnostic, type SourceText } from '../diagnostics/diagnostic.js';
import { describeCycle, pipelineEdges, topoOrder, type OrderEdge } from '../pipeline/parse-pipeline.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import type { StageResult } from '../compile.js';
import type { Router } from './routing.js';

/** Edges the grid adds: an input set to `<node>.<output>` runs after that node. */
function referenceEdges(router: Router): OrderEdge[] {
  const edges: OrderEdge[] = [];
  for (const [key, ref] of router.references) {
    const consumer = key.slice(0, key.indexOf('\0'));
    edges.push({ from: ref.node, to: consumer });
  }
  return edges;
}

/**
 * Re-orders the pipeline's nodes topologically once the grid's references are
 * known; a reference that closes a cycle is an error.
 */
export function orderWithReferences(pipeline: Pipeline, router: Router, grid: SourceText): StageResult<Pipeline> {
  const extra = referenceEdges(router);
  if (extra.length === 0) return { value: pipeline, diagnostics: [] };
  const names = pipeline.nodes.map((n) => n.name);
  const { order, cycles } = topoOrder(names, [...pipelineEdges(pipeline.nodes), ...extra]);
  if (cycles.length > 0) {
    const diagnostics: Diagnostic[] = cycles.map((cycle) =>
      error('E_CYCLE', `the grid's references close a cycle: ${describeCycle(cycle)}`, {
        span: { source: grid, start: 0, end: 1 },
        found: describeCycle(cycle),
        expected: 'references to outputs of upstream nodes only',
        hint: 'point the input at an output of a node that does not depend on it',
      }),
    );
    return { diagnostics };
  }
  const byName = new Map(pipeline.nodes.map((n) => [n.name, n]));
  return { value: { ...pipeline, nodes: order.map((name) => byName.get(name)!) }, diagnostics: [] };
}
