import { error, type Diagnostic, type Span } from '../diagnostics/diagnostic.js';
import { closest, suggest } from '../diagnostics/did-you-mean.js';
import type { OutputRef, Pipeline, PipelineNode } from '../pipeline/pipeline.js';
import type { Value } from '../values/value.js';

/** What a routed key is to its node. */
export type RouteKind = 'param' | 'perf' | 'input' | 'output' | 'special';

/** One receiver of a grid key: `trk.pxl.data.x` → node `pred_trk_pxl`, local key `data.x`. */
export interface Route {
  readonly node: string;
  readonly local: string;
  readonly kind: RouteKind;
}

/** Per-node keys the scheduler reads itself instead of passing them to the command. */
export const SPECIAL_KEYS: ReadonlySet<string> = new Set(['__enabled__', 'enabled', '__slurm_options__']);

/** A grid key as the router sees it: its text, where it is, and every value written for it. */
export interface RoutableKey {
  readonly key: string;
  readonly span?: Span;
  readonly values: readonly Value[];
}

/** The routing table of one grid against one pipeline. */
export interface Router {
  readonly routes: ReadonlyMap<string, readonly Route[]>;
  /** `node\0input\0value` → the output a reference string connects that input to. */
  readonly references: ReadonlyMap<string, OutputRef>;
  /** `node\0input\0value` → the grid key that wrote the reference, to point at it in errors. */
  readonly referenceSpans: ReadonlyMap<string, Span>;
}

export function referenceKey(node: string, input: string, value: string): string {
  return `${node}\0${input}\0${value}`;
}

function kindOf(node: PipelineNode, local: string): RouteKind | undefined {
  if (SPECIAL_KEYS.has(local)) return 'special';
  if (node.params.has(local)) return 'param';
  if (node.perfParams.has(local)) return 'perf';
  if (node.inputs.has(local)) return 'input';
  if (node.outputs.has(local)) return 'output';
  return undefined;
}

/** Every prefix (node name or namespace) a node answers to. */
function prefixesOf(node: PipelineNode): readonly string[] {
  return [node.name, ...node.namespaces];
}

/** Nodes whose name or namespace is a whole-segment prefix of `key`, with the rest of the key. */
function candidates(pipeline: Pipeline, key: string): { node: PipelineNode; local: string }[] {
  const found: { node: PipelineNode; local: string }[] = [];
  for (const node of pipeline.nodes) {
    for (const prefix of prefixesOf(node)) {
      if (key.length > prefix.length + 1 && key.startsWith(`${prefix}.`)) {
        found.push({ node, local: key.slice(prefix.length + 1) });
      }
    }
  }
  return found;
}

function declaredKeys(node: PipelineNode): string[] {
  return [...node.params.keys(), ...node.perfParams.keys(), ...node.inputs.keys(), ...node.outputs.keys()];
}

/**
 * `did you mean` for the misspelt prefix of a key. Namespaces are dotted (`trk.pxl`),
 * so every cut is tried, longest first: `trk.pxll.data.x` → `trk.pxl`.
 */
function guessPrefix(key: string, prefixes: readonly string[]): string | undefined {
  for (let cut = key.lastIndexOf('.'); cut > 0; cut = key.lastIndexOf('.', cut - 1)) {
    const match = closest(key.slice(0, cut), prefixes);
    if (match !== undefined) return `did you mean "${match}"?`;
  }
  return undefined;
}

/** A key that lacks its node prefix (`window`) but names a declared key: `did you mean "predict.window"?` */
function guessFullKey(pipeline: Pipeline, key: string): string | undefined {
  const full = pipeline.nodes.flatMap((node) =>
    declaredKeys(node)
      .filter((local) => local === key || local.endsWith(`.${key}`))
      .map((local) => `"${node.name}.${local}"`),
  );
  if (full.length === 0) return undefined;
  return full.length === 1 ? `did you mean ${full[0]}?` : `did you mean one of ${full.slice(0, 4).join(', ')}?`;
}

function unroutedKey(pipeline: Pipeline, key: RoutableKey): Diagnostic {
  const prefixes = pipeline.nodes.flatMap(prefixesOf);
  const guess = guessPrefix(key.key, prefixes) ?? guessFullKey(pipeline, key.key) ?? suggest(key.key.split('.')[0] ?? key.key, prefixes);
  return error('E_UNROUTED_KEY', `grid key "${key.key}" routes to no node`, {
    ...(key.span ? { span: key.span } : {}),
    found: key.key.includes('.') ? `the prefix of "${key.key}" names no node or namespace` : 'a key with no `<node>.` prefix',
    expected: `"<node>.<param>" with a node or namespace of the pipeline: ${[...new Set(prefixes)].sort().join(', ')}`,
    hint: guess,
  });
}

function unknownParam(key: RoutableKey, receivers: { node: PipelineNode; local: string }[]): Diagnostic {
  const names = receivers.map((r) => `"${r.node.name}"`).join(', ');
  const local = receivers[0]?.local ?? key.key;
  const declared = [...new Set(receivers.flatMap((r) => declaredKeys(r.node)))].sort();
  // Special keys are valid too, so a misspelt `__enabled__` still gets its did-you-mean.
  const match = closest(local, [...declared, ...SPECIAL_KEYS]);
  const listed = declared.length ? declared.map((k) => `"${k}"`).join(', ') : 'nothing declared';
  return error('E_UNKNOWN_PARAM', `"${local}" is not declared by node ${names}`, {
    ...(key.span ? { span: key.span } : {}),
    found: `grid key "${key.key}"`,
    expected: `a param, perf param, input or output of ${names}: ${listed} (or "__enabled__")`,
    hint: match !== undefined ? `did you mean "${match}"? (or declare it under the node's params)` : `declare it under the params of ${names}, or fix the key`,
  });
}

/**
 * Routes every grid key to the nodes that read it (whole-segment prefix on node
 * names and namespaces). A key must reach at least one node that declares it:
 * kwdagger silently drops such keys, we refuse them.
 */
export function buildRouter(pipeline: Pipeline, keys: readonly RoutableKey[]): { router: Router; diagnostics: Diagnostic[] } {
  const routes = new Map<string, Route[]>();
  const references = new Map<string, OutputRef>();
  const referenceSpans = new Map<string, Span>();
  const diagnostics: Diagnostic[] = [];
  for (const key of keys) {
    const found = candidates(pipeline, key.key);
    if (found.length === 0) {
      diagnostics.push(unroutedKey(pipeline, key));
      continue;
    }
    const accepted: Route[] = [];
    for (const { node, local } of found) {
      const kind = kindOf(node, local);
      if (kind) accepted.push({ node: node.name, local, kind });
    }
    if (accepted.length === 0) {
      diagnostics.push(unknownParam(key, found));
      continue;
    }
    routes.set(key.key, accepted);
    for (const route of accepted.filter((r) => r.kind === 'input')) {
      collectReferences(pipeline, key, route, { references, referenceSpans }, diagnostics);
    }
  }
  return { router: { routes, references, referenceSpans }, diagnostics };
}

/** Finds `<node-or-namespace>.<output>` strings among an input's values (the seed's `crop.regions: trk.poly.output`). */
function collectReferences(
  pipeline: Pipeline,
  key: RoutableKey,
  route: Route,
  found: { references: Map<string, OutputRef>; referenceSpans: Map<string, Span> },
  diagnostics: Diagnostic[],
): void {
  for (const value of key.values) {
    if (typeof value !== 'string') continue;
    const cut = value.lastIndexOf('.');
    if (cut <= 0) continue;
    const [prefix, output] = [value.slice(0, cut), value.slice(cut + 1)];
    const owners = pipeline.nodes.filter((n) => prefixesOf(n).includes(prefix) && n.name !== route.node);
    if (owners.length === 0) continue;
    const ref = resolveReference(owners, output);
    if (ref) {
      const at = referenceKey(route.node, route.local, value);
      found.references.set(at, ref);
      if (key.span) found.referenceSpans.set(at, key.span);
    } else {
      const outputs = [...new Set(owners.flatMap((n) => [...n.outputs.keys(), ...(n.primaryOutput ? ['output'] : [])]))];
      diagnostics.push(
        error('E_BAD_REFERENCE', `"${value}" names no output of "${prefix}"`, {
          ...(key.span ? { span: key.span } : {}),
          found: `"${output}"`,
          expected: `one of ${outputs.map((o) => `"${o}"`).join(', ')} ("output" is the primary output)`,
          hint: suggest(output, outputs),
        }),
      );
    }
  }
}

/** The first node (pipeline order) of a namespace that has the output; `output` means the primary output. */
function resolveReference(owners: readonly PipelineNode[], output: string): OutputRef | undefined {
  for (const node of owners) {
    if (output === 'output' && node.primaryOutput !== undefined) return { node: node.name, output: node.primaryOutput };
    if (node.outputs.has(output)) return { node: node.name, output };
  }
  return undefined;
}
