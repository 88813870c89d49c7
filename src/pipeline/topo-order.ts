import type { Span } from '../diagnostics/diagnostic.js';

/** `from` must run before `to` (an output → input, input → input or ordering link). */
export interface OrderEdge {
  readonly from: string;
  readonly to: string;
  /** Where the link is written, to locate a cycle through it. */
  readonly span?: Span;
}

/** A topological order, and every cycle that prevented a complete one. */
export interface TopoResult {
  /** Every name once; names stuck on a cycle come last, in declaration order. */
  readonly order: readonly string[];
  /** One cycle per strongly connected component, as the edges walked around it. */
  readonly cycles: readonly (readonly OrderEdge[])[];
}

/**
 * Orders `names` so every edge points forward, breaking ties by position in
 * `names` (declaration order), so the result is deterministic.
 */
export function topoOrder(names: readonly string[], edges: readonly OrderEdge[]): TopoResult {
  const index = new Map(names.map((name, i) => [name, i]));
  const out = names.map((): OrderEdge[] => []);
  const indegree = names.map(() => 0);
  for (const edge of edges) {
    const from = index.get(edge.from);
    const to = index.get(edge.to);
    if (from === undefined || to === undefined) throw new Error(`topoOrder: edge ${edge.from} → ${edge.to} names an unknown node`);
    out[from]?.push(edge);
    indegree[to] = (indegree[to] ?? 0) + 1;
  }
  const order: number[] = [];
  const ready = indegree.flatMap((d, i) => (d === 0 ? [i] : []));
  while (ready.length > 0) {
    // Smallest declaration index first; `ready` stays short, so a linear scan is enough.
    const pick = ready.reduce((best, i, at) => (i < (ready[best] ?? Infinity) ? at : best), 0);
    const [node] = ready.splice(pick, 1) as [number];
    order.push(node);
    for (const edge of out[node] ?? []) {
      const to = index.get(edge.to) as number;
      indegree[to] = (indegree[to] ?? 0) - 1;
      if (indegree[to] === 0) ready.push(to);
    }
  }
  if (order.length === names.length) return { order: order.map((i) => names[i] as string), cycles: [] };
  const placed = new Set(order);
  const stuck = names.flatMap((_, i) => (placed.has(i) ? [] : [i]));
  const cycles = stronglyConnected(stuck, out, index).flatMap((component) => {
    const cycle = shortestCycle(component, out, index);
    return cycle ? [cycle] : [];
  });
  return { order: [...order, ...stuck].map((i) => names[i] as string), cycles };
}

/** `a → b → a`: the nodes of a cycle, back to where it started. */
export function describeCycle(cycle: readonly OrderEdge[]): string {
  const first = cycle[0];
  return first ? [first.from, ...cycle.map((edge) => edge.to)].join(' → ') : '';
}

/** Tarjan's strongly connected components among `nodes`, each sorted, ordered by their first member. */
function stronglyConnected(nodes: readonly number[], out: readonly OrderEdge[][], index: ReadonlyMap<string, number>): number[][] {
  const inSet = new Set(nodes);
  const low = new Map<number, number>();
  const disc = new Map<number, number>();
  const stack: number[] = [];
  const onStack = new Set<number>();
  const components: number[][] = [];
  const visit = (v: number): void => {
    disc.set(v, disc.size);
    low.set(v, disc.get(v) as number);
    stack.push(v);
    onStack.add(v);
    for (const edge of out[v] ?? []) {
      const w = index.get(edge.to) as number;
      if (!inSet.has(w)) continue;
      if (!disc.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) as number, disc.get(w) as number));
      }
    }
    if (low.get(v) !== disc.get(v)) return;
    const component: number[] = [];
    for (let w = stack.pop(); w !== undefined; w = stack.pop()) {
      onStack.delete(w);
      component.push(w);
      if (w === v) break;
    }
    components.push(component.sort((a, b) => a - b));
  };
  for (const v of nodes) if (!disc.has(v)) visit(v);
  return components.sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0));
}

/** The shortest cycle through the first member of a component (breadth first), or none for a lone node without a self-loop. */
function shortestCycle(component: readonly number[], out: readonly OrderEdge[][], index: ReadonlyMap<string, number>): OrderEdge[] | undefined {
  const start = component[0];
  if (start === undefined) return undefined;
  const inComponent = new Set(component);
  const via = new Map<number, OrderEdge>();
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head] as number;
    for (const edge of out[v] ?? []) {
      const w = index.get(edge.to) as number;
      if (w === start) return [...pathTo(v, via, index), edge];
      if (!inComponent.has(w) || via.has(w) || w === start) continue;
      via.set(w, edge);
      queue.push(w);
    }
  }
  return undefined;
}

/** The edges from the search start to `v`, following the recorded parent edges. */
function pathTo(v: number, via: ReadonlyMap<number, OrderEdge>, index: ReadonlyMap<string, number>): OrderEdge[] {
  const path: OrderEdge[] = [];
  for (let edge = via.get(v); edge; edge = via.get(index.get(edge.from) as number)) path.unshift(edge);
  return path;
}
