import { posix } from 'node:path';
import { error, type Diagnostic, type Span } from '../diagnostics/diagnostic.js';
import { suggest } from '../diagnostics/did-you-mean.js';
import type { LoadedYaml, YamlPath } from '../parse/load-yaml.js';
import { isValueList, isValueMap } from '../values/value.js';
import { spanInside } from './normalize-node.js';
import type { InputSource, OutputRef, PipelineNode } from './pipeline.js';

/** `<node>.output` names a node's primary output. */
export const PRIMARY_OUTPUT_ALIAS = 'output';

/** What the checks need: the nodes by name and a way to point into the file. */
interface CheckContext {
  readonly byName: ReadonlyMap<string, PipelineNode>;
  readonly loaded: LoadedYaml;
  readonly diagnostics: Diagnostic[];
}

function at(ctx: CheckContext, path: YamlPath, part: 'key' | 'value' = 'value'): { span?: Span } {
  const span = ctx.loaded.locate(['nodes', ...path], part);
  return span ? { span } : {};
}

function quotedList(names: Iterable<string>): string {
  const list = [...names];
  return list.length ? list.map((n) => `"${n}"`).join(', ') : 'none';
}

/** The path of a declared name: its key in a mapping, or its position in a list of names. */
function declarationPath(ctx: CheckContext, node: string, section: string, name: string): YamlPath {
  const nodes = ctx.loaded.value;
  const raw = isValueMap(nodes) && isValueMap(nodes['nodes']) ? nodes['nodes'][node] : undefined;
  const declared = isValueMap(raw) ? raw[section] : undefined;
  return isValueList(declared) ? [node, section, declared.indexOf(name)] : [node, section, name];
}

const SECTIONS = [
  ['inputs', 'an input', (n: PipelineNode) => n.inputs.keys()],
  ['outputs', 'an output', (n: PipelineNode) => n.outputs.keys()],
  ['params', 'a param', (n: PipelineNode) => n.params.keys()],
  ['perf_params', 'a perf param', (n: PipelineNode) => n.perfParams.keys()],
] as const;

/** Inputs, outputs, params and perf params share one namespace: each becomes one `--name`. */
function checkNameClashes(ctx: CheckContext, node: PipelineNode): void {
  const firstSeen = new Map<string, string>();
  for (const [section, what, names] of SECTIONS) {
    for (const name of names(node)) {
      const earlier = firstSeen.get(name);
      if (earlier === undefined) {
        firstSeen.set(name, what);
        continue;
      }
      ctx.diagnostics.push(
        error('E_SCHEMA', `"${name}" is declared twice in node "${node.name}"`, {
          ...at(ctx, declarationPath(ctx, node.name, section, name), 'key'),
          found: `"${name}" as ${earlier} and as ${what}`,
          expected: 'each name once per node (inputs, outputs, params and perf params share one namespace)',
          hint: 'rename one of them: each becomes the same --name argument',
        }),
      );
    }
  }
}

/** Why a relative path leaves its directory, or undefined when it stays inside. */
function escapeReason(path: string): string | undefined {
  if (posix.isAbsolute(path) || /^[A-Za-z]:[\\/]/.test(path) || path.startsWith('~')) return 'an absolute path';
  const normal = posix.normalize(path.replace(/\\/g, '/'));
  if (normal === '..' || normal.startsWith('../')) return 'a path that climbs out with ".."';
  return undefined;
}

function checkPaths(ctx: CheckContext, node: PipelineNode): void {
  for (const [output, path] of node.outputs) {
    const reason = escapeReason(path);
    if (!reason) continue;
    ctx.diagnostics.push(
      error('E_PATH_ESCAPES', `output "${output}" of node "${node.name}" leaves the job dir`, {
        ...at(ctx, [node.name, 'outputs', output]),
        found: `"${path}", ${reason}`,
        expected: 'a path inside the job dir, e.g. "heatmaps.json" (or "." for the job dir itself)',
        hint: 'every job writes into its own dir; name the file relative to it',
      }),
    );
  }
  const reason = escapeReason(node.group);
  if (reason) {
    ctx.diagnostics.push(
      error('E_PATH_ESCAPES', `group of node "${node.name}" leaves the root dir`, {
        ...at(ctx, [node.name, 'group']),
        found: `"${node.group}", ${reason}`,
        expected: 'a folder name relative to the root, e.g. "pred" (or "." for none)',
        hint: 'choose where everything goes with --root instead',
      }),
    );
  }
}

/** A path written where an output name belongs gets the name of the output with that path. */
function primaryOutputHint(node: PipelineNode, written: string, outputs: readonly string[]): string {
  const byPath = [...node.outputs].find(([, path]) => path === written);
  return byPath ? `"${written}" is the path of output "${byPath[0]}": write \`primary_output: ${byPath[0]}\`` : suggest(written, outputs);
}

function checkPrimaryOutput(ctx: CheckContext, node: PipelineNode): void {
  const outputs = [...node.outputs.keys()];
  if (node.primaryOutput !== undefined && !node.outputs.has(node.primaryOutput)) {
    ctx.diagnostics.push(
      error('E_PRIMARY_OUTPUT', `primary_output "${node.primaryOutput}" of node "${node.name}" is not one of its outputs`, {
        ...at(ctx, [node.name, 'primary_output']),
        found: `"${node.primaryOutput}"`,
        expected: `one of its outputs: ${quotedList(outputs)}`,
        hint: primaryOutputHint(node, node.primaryOutput, outputs),
      }),
    );
  } else if (node.primaryOutput === undefined && outputs.length > 1) {
    ctx.diagnostics.push(
      error('E_PRIMARY_OUTPUT', `node "${node.name}" has ${outputs.length} outputs but no primary_output`, {
        ...at(ctx, [node.name, 'outputs'], 'key'),
        found: `outputs ${quotedList(outputs)} and no primary_output`,
        expected: 'a primary_output naming the output that marks a job as done',
        hint: `add \`primary_output: ${outputs[0]}\` (or another of its outputs)`,
      }),
    );
  }
}

/** Every `{key}` of the template names a param, perf param, input or output of the node. */
function checkArgKeys(ctx: CheckContext, node: PipelineNode): void {
  const known = [...new Set([...node.params.keys(), ...node.perfParams.keys(), ...node.inputs.keys(), ...node.outputs.keys()])];
  (node.args ?? []).forEach((pieces, i) => {
    let offset = 0;
    for (const piece of pieces) {
      if (piece.kind === 'ref' && !known.includes(piece.key)) {
        const span = ctx.loaded.locate(['nodes', node.name, 'args', i]);
        const word = pieces.map((p) => (p.kind === 'literal' ? p.text.replace(/[{}]/g, '$&$&') : `{${p.key}}`)).join('');
        ctx.diagnostics.push(
          error('E_ARG_TEMPLATE', `unknown key "{${piece.key}}" in argument template of node "${node.name}"`, {
            ...(span ? { span: spanInside(span, word, offset, piece.key.length + 2) } : {}),
            found: `"${piece.key}"`,
            expected: `a param, perf param, input or output of "${node.name}": ${quotedList(known)}`,
            hint: suggest(piece.key, known),
          }),
        );
      }
      offset += piece.kind === 'literal' ? escapedLength(piece.text) : piece.key.length + 2;
    }
  });
}

/** Length of literal text as written in a template, where each brace is doubled. */
function escapedLength(text: string): number {
  return text.length + (text.match(/[{}]/g)?.length ?? 0);
}

function unknownNode(ctx: CheckContext, name: string, path: YamlPath, message: string, hint?: string): void {
  const nodes = [...ctx.byName.keys()];
  ctx.diagnostics.push(
    error('E_UNKNOWN_NODE', message, {
      ...at(ctx, path),
      found: `"${name}"`,
      expected: `a node of the pipeline: ${quotedList(nodes)}`,
      hint: hint ?? suggest(name, nodes),
    }),
  );
}

/** Resolves one `from` reference to a real output (`output` → the primary one), reporting what it cannot resolve. */
function resolveFrom(ctx: CheckContext, reader: PipelineNode, input: string, ref: OutputRef, path: YamlPath): OutputRef | undefined {
  const source = ctx.byName.get(ref.node);
  const written = `${ref.node}.${ref.output}`;
  if (!source) {
    // `from: trk.pxl` where `trk.pxl` is itself a (dotted) node name: the output is missing.
    const wholeIsNode = ctx.byName.has(written) ? `"${written}" is a node: write "${written}.<output>", or "${written}.${PRIMARY_OUTPUT_ALIAS}" for its primary output` : undefined;
    unknownNode(ctx, ref.node, path, `input "${input}" of node "${reader.name}" reads from unknown node "${ref.node}"`, wholeIsNode);
    return undefined;
  }
  if (source.outputs.has(ref.output)) return ref;
  const outputs = [...source.outputs.keys()];
  if (ref.output === PRIMARY_OUTPUT_ALIAS && source.primaryOutput !== undefined) return { node: ref.node, output: source.primaryOutput };
  if (source.inputs.has(ref.output)) {
    ctx.diagnostics.push(
      error('E_FROM_INPUT', `"${written}" is an input, but \`from:\` reads an output`, {
        ...at(ctx, path),
        found: `an input of ${ref.node}`,
        expected: 'an output',
        hint: `use {same_as: ${written}} to share an input's value, or name one of ${ref.node}'s outputs: ${outputs.join(', ') || 'none'}`,
      }),
    );
    return undefined;
  }
  const noPrimary = ref.output === PRIMARY_OUTPUT_ALIAS;
  ctx.diagnostics.push(
    error('E_UNKNOWN_OUTPUT', noPrimary ? `node "${ref.node}" has no primary output` : `node "${ref.node}" has no output "${ref.output}"`, {
      ...at(ctx, path),
      found: `"${written}"`,
      expected: `an output of "${ref.node}": ${quotedList(outputs)}`,
      hint: noPrimary ? `name one of its outputs, or give "${ref.node}" a primary_output` : suggest(ref.output, outputs),
    }),
  );
  return undefined;
}

function checkSameAs(ctx: CheckContext, reader: PipelineNode, input: string, link: { node: string; input: string }): void {
  const path = [reader.name, 'inputs', input, 'same_as'];
  const source = ctx.byName.get(link.node);
  if (!source) {
    unknownNode(ctx, link.node, path, `input "${input}" of node "${reader.name}" is the same as an input of unknown node "${link.node}"`);
    return;
  }
  if (source.inputs.has(link.input)) return;
  const inputs = [...source.inputs.keys()];
  const written = `${link.node}.${link.input}`;
  const isOutput = source.outputs.has(link.input);
  ctx.diagnostics.push(
    error('E_UNKNOWN_INPUT', `node "${link.node}" has no input "${link.input}"`, {
      ...at(ctx, path),
      found: isOutput ? `"${written}", an output` : `"${written}"`,
      expected: `an input of "${link.node}": ${quotedList(inputs)}`,
      hint: isOutput ? `use {from: ${written}} to read an output` : suggest(link.input, inputs),
    }),
  );
}

/** Checks every link of one node and returns its inputs with `from` references resolved. */
function checkLinks(ctx: CheckContext, node: PipelineNode): Map<string, InputSource> {
  const inputs = new Map<string, InputSource>();
  for (const [input, source] of node.inputs) {
    if (source.kind === 'from') {
      const refs = source.refs.map((ref, i) => resolveFrom(ctx, node, input, ref, [node.name, 'inputs', input, 'from', i]) ?? ref);
      inputs.set(input, { ...source, refs });
      continue;
    }
    if (source.kind === 'same_as') checkSameAs(ctx, node, input, source);
    inputs.set(input, source);
  }
  node.after.forEach((name, i) => {
    if (!ctx.byName.has(name)) unknownNode(ctx, name, [node.name, 'after', i], `node "${node.name}" runs after unknown node "${name}"`);
  });
  return inputs;
}

/** `same_as` chains inside one node that come back to where they started (links across nodes are node cycles). */
function checkSameAsLoops(ctx: CheckContext, node: PipelineNode): void {
  const reported = new Set<string>();
  for (const start of node.inputs.keys()) {
    const chain = [start];
    for (let link = node.inputs.get(start); link?.kind === 'same_as' && link.node === node.name; link = node.inputs.get(link.input)) {
      if (link.input === start && !chain.some((name) => reported.has(name))) {
        chain.forEach((name) => reported.add(name));
        ctx.diagnostics.push(
          error('E_CYCLE', `same_as links loop: ${[...chain, start].map((name) => `${node.name}.${name}`).join(' → ')}`, {
            ...at(ctx, [node.name, 'inputs', start, 'same_as']),
            found: 'inputs that take their value from each other',
            expected: 'a chain of same_as links that ends at an input with a value',
            hint: 'give one of these inputs a value instead of a same_as link',
          }),
        );
      }
      if (chain.includes(link.input)) break;
      chain.push(link.input);
    }
  }
}

/**
 * The semantic checks (every error at once, each located) and the nodes with
 * `<node>.output` references resolved to the primary output's name.
 */
export function checkPipeline(nodes: readonly PipelineNode[], loaded: LoadedYaml): { nodes: PipelineNode[]; diagnostics: Diagnostic[] } {
  const ctx: CheckContext = { byName: new Map(nodes.map((n) => [n.name, n])), loaded, diagnostics: [] };
  const checked = nodes.map((node): PipelineNode => {
    checkNameClashes(ctx, node);
    checkPaths(ctx, node);
    checkPrimaryOutput(ctx, node);
    checkArgKeys(ctx, node);
    checkSameAsLoops(ctx, node);
    return { ...node, inputs: checkLinks(ctx, node) };
  });
  return { nodes: checked, diagnostics: ctx.diagnostics };
}
