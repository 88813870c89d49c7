import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { suggest } from '../diagnostics/did-you-mean.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import { pyFloatRepr } from '../values/py-format.js';
import type { Value } from '../values/value.js';
import { parseEnable, type EnableState } from './enable.js';
import type { RoutableKey, Router } from './routing.js';

function describe(value: Value): string {
  if (typeof value === 'number' && !Number.isFinite(value)) return yamlNonFinite(value);
  if (Array.isArray(value)) return `[${(value as readonly Value[]).map(describe).join(', ')}]`;
  return typeof value === 'string' ? `"${value}"` : typeof value === 'number' ? pyFloatRepr(value) : String(value);
}

/** A non-finite float as the user wrote it in YAML (`.inf`, `-.inf`, `.nan`), not Python's `inf`. */
function yamlNonFinite(value: number): string {
  return Number.isNaN(value) ? '.nan' : value > 0 ? '.inf' : '-.inf';
}

/** `__enabled__` values must be 0, 1 or redo. */
function checkEnableValues(router: Router, keys: readonly RoutableKey[]): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const key of keys) {
    const routes = router.routes.get(key.key) ?? [];
    if (!routes.some((r) => r.local === '__enabled__' || r.local === 'enabled')) continue;
    for (const value of key.values.filter((v) => parseEnable(v) === undefined)) {
      diagnostics.push(
        error('E_BAD_ENABLE', `cannot read ${describe(value)} as an enable state`, {
          ...(key.span ? { span: key.span } : {}),
          found: describe(value),
          expected: '0, 1 or redo',
          hint: 'write 0 to disable the node, 1 to enable it, redo to rerun it ignoring every cache',
        }),
      );
    }
  }
  return diagnostics;
}

/**
 * Non-finite floats (`.inf`, `.nan`) are refused: ubelt would hash their text, but as a
 * parameter they are almost always a YAML slip, and no command reads them back alike.
 */
function checkHashable(keys: readonly RoutableKey[]): Diagnostic[] {
  const bad = (v: Value): boolean =>
    (typeof v === 'number' && !Number.isFinite(v)) || (Array.isArray(v) && (v as readonly Value[]).some(bad));
  return keys
    .filter((key) => key.values.some(bad))
    .map((key) =>
      error('E_BAD_VALUE', `"${key.key}" has a non-finite float`, {
        ...(key.span ? { span: key.span } : {}),
        found: key.values.filter(bad).map(describe).join(', '),
        expected: 'a finite number, a string, a bool or null',
        hint: `write a finite number, or quote the value to pass it as text (e.g. '.inf')`,
      }),
    );
}

/** `--enable NODE=…` must name a node of the pipeline. */
function checkEnableFlags(pipeline: Pipeline, enable: ReadonlyMap<string, EnableState>): Diagnostic[] {
  const names = pipeline.nodes.map((n) => n.name);
  return [...enable.keys()]
    .filter((name) => !names.includes(name))
    .map((name) =>
      error('E_UNKNOWN_NODE', `--enable names no node "${name}"`, {
        found: `"${name}"`,
        expected: `a node of the pipeline: ${names.map((n) => `"${n}"`).join(', ')}`,
        hint: suggest(name, names),
      }),
    );
}

/** Checks the grid values the scheduler reads itself, and the command-line enables. */
export function validateGridValues(
  pipeline: Pipeline,
  router: Router,
  keys: readonly RoutableKey[],
  enable: ReadonlyMap<string, EnableState>,
): Diagnostic[] {
  return [...checkEnableValues(router, keys), ...checkHashable(keys), ...checkEnableFlags(pipeline, enable)];
}
