import { error, type Diagnostic, type SourceText, type Span } from '../diagnostics/diagnostic.js';
import { describeCycle, pipelineEdges, topoOrder, type OrderEdge } from '../pipeline/parse-pipeline.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import type { StageResult } from '../compile.js';
import type { Router } from './routing.js';

/** An edge the grid adds, with the grid key and value that wrote it. */
interface ReferenceEdge extends OrderEdge {
  readonly input: string;
  readonly value: string;
}

/** Edges the grid adds: an input set to `<node>.<output>` runs after that node. */
function referenceEdges(router: Router): ReferenceEdge[] {
  const edges: ReferenceEdge[] = [];
  for (const [key, ref] of router.references) {
    const [consumer = '', input = '', value = ''] = key.split('\0');
    const span = router.referenceSpans.get(key);
    edges.push({ from: ref.node, to: consumer, input, value, ...(span ? { span } : {}) });
  }
  return edges;
}

function isReference(edge: OrderEdge): edge is ReferenceEdge {
  return 'value' in edge;
}

/** The cycle error, at the grid reference that closes it (the file's start if none is known). */
function cycleError(cycle: readonly OrderEdge[], grid: SourceText): Diagnostic {
  const closing = cycle.find(isReference);
  const span: Span = closing?.span ?? { source: grid, start: 0, end: 1 };
  const found = closing
    ? `"${closing.to}.${closing.input}: ${closing.value}" makes "${closing.to}" wait for "${closing.from}", which itself depends on "${closing.to}"`
    : describeCycle(cycle);
  return error('E_CYCLE', `the grid's references close a cycle: ${describeCycle(cycle)}`, {
    span,
    found,
    expected: 'references to outputs of upstream nodes only',
    hint: 'point the input at an output of a node that does not depend on it',
  });
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
  if (cycles.length > 0) return { diagnostics: cycles.map((cycle) => cycleError(cycle, grid)) };
  const byName = new Map(pipeline.nodes.map((n) => [n.name, n]));
  return { value: { ...pipeline, nodes: order.map((name) => byName.get(name)!) }, diagnostics: [] };
}
