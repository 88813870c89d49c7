import { error, hasErrors, type Diagnostic, type Span } from '../diagnostics/diagnostic.js';
import type { LoadedYaml, YamlPath } from '../parse/load-yaml.js';
import { validateAgainstSchema } from '../validate/schema-validator.js';
import { keysInSourceOrder, normalizeNode, type RawNode } from './normalize-node.js';
import { checkPipeline } from './pipeline-checks.js';
import type { Pipeline, PipelineNode } from './pipeline.js';
import { describeCycle, topoOrder, type OrderEdge } from './topo-order.js';

export { topoOrder, describeCycle, type OrderEdge, type TopoResult } from './topo-order.js';

/** The schema file of the pipeline language, under schemas/. */
export const PIPELINE_SCHEMA = 'pipeline.schema.json';

/** Finds where a path under `nodes.<name>` is written; omitted when spans are not wanted. */
export type LocateInNodes = (path: YamlPath) => Span | undefined;

/**
 * Every ordering edge of the pipeline: output → input (`from`), input → input
 * (`same_as`, except within one node) and `after`. Links to unknown nodes are skipped.
 */
export function pipelineEdges(nodes: readonly PipelineNode[], locate?: LocateInNodes): OrderEdge[] {
  const known = new Set(nodes.map((n) => n.name));
  const edges: OrderEdge[] = [];
  const add = (from: string, to: string, path: YamlPath): void => {
    if (!known.has(from)) return;
    const span = locate?.(path);
    edges.push(span ? { from, to, span } : { from, to });
  };
  for (const node of nodes) {
    for (const [input, source] of node.inputs) {
      if (source.kind === 'from') source.refs.forEach((ref, i) => add(ref.node, node.name, [node.name, 'inputs', input, 'from', i]));
      if (source.kind === 'same_as' && source.node !== node.name) add(source.node, node.name, [node.name, 'inputs', input, 'same_as']);
    }
    node.after.forEach((name, i) => add(name, node.name, [node.name, 'after', i]));
  }
  return edges;
}

function cycleDiagnostic(cycle: readonly OrderEdge[]): Diagnostic {
  // Point at the link that closes the cycle.
  const closing = cycle[cycle.length - 1];
  return error('E_CYCLE', `the pipeline has a cycle: ${describeCycle(cycle)}`, {
    ...(closing?.span ? { span: closing.span } : {}),
    found: 'nodes that wait for each other through from, same_as or after links',
    expected: 'links that never lead back to the node they start from',
    hint: 'remove one of the links of the cycle, e.g. this one',
  });
}

function bySourcePosition(a: Diagnostic, b: Diagnostic): number {
  return (a.span?.start ?? 0) - (b.span?.start ?? 0);
}

/**
 * Parses a pipeline file: schema validation, normalization to {@link PipelineNode}s,
 * semantic checks, then topological order. Each stage reports all its errors;
 * the pipeline is returned only when there are none.
 */
export function parsePipeline(loaded: LoadedYaml, baseDir: string): { pipeline?: Pipeline; diagnostics: Diagnostic[] } {
  const schemaDiagnostics = validateAgainstSchema(loaded, PIPELINE_SCHEMA);
  if (hasErrors(schemaDiagnostics)) return { diagnostics: schemaDiagnostics };
  // The schema accepted the document, so it has this shape.
  const rawNodes = (loaded.value as unknown as { nodes: Readonly<Record<string, RawNode>> }).nodes;
  const names = keysInSourceOrder(rawNodes, ['nodes'], loaded);
  const nodeNames = new Set(names);
  const normalized = names.map((name) => normalizeNode(name, rawNodes[name] as RawNode, { loaded, nodeNames }));
  const checked = checkPipeline(
    normalized.map((n) => n.node),
    loaded,
  );
  const edges = pipelineEdges(checked.nodes, (path) => loaded.locate(['nodes', ...path]));
  const { order, cycles } = topoOrder(names, edges);
  const diagnostics = [...normalized.flatMap((n) => n.diagnostics), ...checked.diagnostics, ...cycles.map(cycleDiagnostic)].sort(bySourcePosition);
  if (hasErrors(diagnostics)) return { diagnostics };
  const byName = new Map(checked.nodes.map((n) => [n.name, n]));
  return { pipeline: { nodes: order.map((name) => byName.get(name) as PipelineNode), baseDir }, diagnostics };
}
