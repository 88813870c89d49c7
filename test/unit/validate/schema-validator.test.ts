import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import type { Diagnostic } from '../../../src/diagnostics/diagnostic.js';
import { lineCol, renderDiagnostic } from '../../../src/diagnostics/render.js';
import { loadYaml, type LoadedYaml } from '../../../src/parse/load-yaml.js';
import {
  compileSchema,
  compileSchemaObject,
  describeValue,
  displayPath,
  pointerToPath,
  toJsonCompatible,
  validateAgainstSchema,
  validateWith,
} from '../../../src/validate/schema-validator.js';
import type { Value } from '../../../src/values/value.js';
import { repoPath } from '../../helpers/paths.js';

function load(text: string): LoadedYaml {
  const { loaded, diagnostics } = loadYaml({ path: 'pipeline.yaml', text });
  if (!loaded) throw new Error(`test YAML does not parse: ${diagnostics.map((d) => d.message).join('; ')}`);
  return loaded;
}

function where(d: Diagnostic): string {
  if (!d.span) return '-';
  const { line, col } = lineCol(d.span.source.text, d.span.start);
  return `${line}:${col}`;
}

/** `line:col message` of every diagnostic, the shape most cases compare. */
function summary(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.map((d) => `${d.code} ${where(d)} ${d.message}`);
}

describe('toJsonCompatible', () => {
  test('ints become numbers at any depth, everything else is kept', () => {
    const value: Value = { a: 1n, b: [2n, 0.5, 'x', null, true], c: { d: -3n } };
    assert.deepEqual(toJsonCompatible(value), { a: 1, b: [2, 0.5, 'x', null, true], c: { d: -3 } });
  });
  test('a __proto__ key stays an own key', () => {
    const value = JSON.parse('{"__proto__": {"x": 1}}') as Value;
    const copy = toJsonCompatible(value) as Record<string, unknown>;
    assert.deepEqual(Object.keys(copy), ['__proto__']);
    assert.equal(Object.getPrototypeOf(copy), Object.prototype);
  });
});

describe('pointerToPath and displayPath', () => {
  const value: Value = { nodes: { 'a/b': { after: ['x', 'y'] } } };
  const cases: [string, (string | number)[], string][] = [
    ['', [], 'the top level'],
    ['/nodes', ['nodes'], '"nodes"'],
    ['/nodes/a~1b/after/1', ['nodes', 'a/b', 'after', 1], '"nodes.a/b.after[1]"'],
  ];
  for (const [pointer, path, shown] of cases) {
    test(JSON.stringify(pointer), () => {
      assert.deepEqual(pointerToPath(pointer, value), path);
      assert.equal(displayPath(pointerToPath(pointer, value)), shown);
    });
  }
});

describe('describeValue', () => {
  const cases: [Value | undefined, string][] = [
    [null, 'nothing (null)'],
    [3n, 'an int 3'],
    [0.5, 'a float 0.5'],
    [true, 'a bool true'],
    ['x y', 'a string "x y"'],
    [[1n], 'a list of 1 item'],
    [{}, 'an empty mapping'],
    [{ a: 1n, b: 2n }, 'a mapping with keys "a", "b"'],
  ];
  for (const [value, want] of cases) test(want, () => assert.equal(describeValue(value), want));
});

describe('validateAgainstSchema with the pipeline schema', () => {
  const cases: { name: string; yaml: string; want: string[] }[] = [
    { name: 'a valid pipeline', yaml: 'nodes:\n  a:\n    command: run\n    params: {x: 1}\n', want: [] },
    {
      name: 'an empty document',
      yaml: '',
      want: ['E_SCHEMA 1:1 wrong type for the top level'],
    },
    {
      name: 'a missing command',
      yaml: 'nodes:\n  a:\n    group: g\n',
      want: ['E_SCHEMA 2:3 missing key "command" in "nodes.a"'],
    },
    {
      name: 'an unknown node key',
      yaml: 'nodes:\n  a:\n    command: run\n    paramz: {x: 1}\n',
      want: ['E_SCHEMA 4:5 unknown key "paramz" in "nodes.a"'],
    },
    {
      name: 'a node with nothing in it points at its name',
      yaml: 'nodes:\n  a:\n',
      want: ['E_SCHEMA 2:3 wrong type for "nodes.a"'],
    },
    {
      name: 'a bad node name',
      yaml: 'nodes:\n  bad name:\n    command: run\n',
      want: ['E_SCHEMA 2:3 invalid name "bad name" in "nodes"'],
    },
    {
      name: 'a reserved param name, in both forms',
      yaml: 'nodes:\n  a:\n    command: run\n    params: {enabled: 1}\n    perf_params: [__enabled__]\n',
      want: ['E_SCHEMA 4:14 invalid name "enabled" in "nodes.a.params"', 'E_SCHEMA 5:19 invalid value for "nodes.a.perf_params[0]"'],
    },
    {
      name: 'an input link with two keys',
      yaml: 'nodes:\n  a:\n    command: run\n    inputs:\n      x: {from: b.y, default: 1}\n',
      want: ['E_SCHEMA 5:10 invalid value for "nodes.a.inputs.x"'],
    },
    {
      name: 'a list as an input default',
      yaml: 'nodes:\n  a:\n    command: run\n    inputs:\n      x: [1, 2]\n',
      want: ['E_SCHEMA 5:10 wrong type for "nodes.a.inputs.x"'],
    },
    {
      name: 'a reference without a dot',
      yaml: 'nodes:\n  a:\n    command: run\n    inputs:\n      x: {from: b}\n',
      want: ['E_SCHEMA 5:17 invalid value for "nodes.a.inputs.x.from"'],
    },
    {
      name: 'an output name with an empty segment',
      yaml: 'nodes:\n  a:\n    command: run\n    outputs: {x..y: out.json}\n',
      want: ['E_SCHEMA 4:15 invalid name "x..y" in "nodes.a.outputs"'],
    },
    {
      name: 'resources out of range',
      yaml: 'nodes:\n  a:\n    command: run\n    resources: {cpus: 0, mem: 8X, time: "2h"}\n',
      want: [
        'E_SCHEMA 4:23 invalid value for "nodes.a.resources.cpus"',
        'E_SCHEMA 4:31 invalid value for "nodes.a.resources.mem"',
        'E_SCHEMA 4:41 invalid value for "nodes.a.resources.time"',
      ],
    },
    {
      name: 'a duplicate after entry points at the second one',
      yaml: 'nodes:\n  a:\n    command: run\n    after: [b, b]\n',
      want: ['E_SCHEMA 4:16 duplicate item in "nodes.a.after"'],
    },
    {
      name: 'every error at once, in source order',
      yaml: 'nodez: 1\nnodes:\n  a:\n    command: [run]\n  b:\n    command: ""\n',
      want: [
        'E_SCHEMA 1:1 unknown key "nodez" in the top level',
        'E_SCHEMA 4:14 wrong type for "nodes.a.command"',
        'E_SCHEMA 6:14 invalid value for "nodes.b.command"',
      ],
    },
  ];
  for (const c of cases) {
    test(c.name, () => assert.deepEqual(summary(validateAgainstSchema(load(c.yaml), 'pipeline.schema.json')), c.want));
  }

  test('an unknown key renders with found, expected and did-you-mean', () => {
    const [d] = validateAgainstSchema(load('nodes:\n  predict:\n    comand: node predict.js\n'), 'pipeline.schema.json').filter((x) => x.message.startsWith('unknown'));
    assert.ok(d);
    assert.equal(
      renderDiagnostic(d),
      [
        'pipeline.yaml:3:5: error[E_SCHEMA]: unknown key "comand" in "nodes.predict"',
        '  |',
        '3 |     comand: node predict.js',
        '  |     ^^^^^^',
        '  = found: "comand"',
        '  = expected: one of command, group, namespace, inputs, outputs, primary_output, params, perf_params, resources, after, args, slurm_options, argo, snakemake',
        '  = help: did you mean "command"?',
      ].join('\n'),
    );
  });

  test('a wrong type renders what was found and the x-expected text', () => {
    const [d] = validateAgainstSchema(load('nodes:\n  a:\n    command: run\n    inputs:\n      x: {from: 3}\n'), 'pipeline.schema.json');
    assert.ok(d);
    assert.equal(
      renderDiagnostic(d),
      [
        'pipeline.yaml:5:17: error[E_SCHEMA]: wrong type for "nodes.a.inputs.x.from"',
        '  |',
        '5 |       x: {from: 3}',
        '  |                 ^',
        '  = found: an int 3',
        '  = expected: "<node>.<name>", e.g. "predict.heatmaps"',
      ].join('\n'),
    );
  });

  test('ints and floats are both numbers to the schema', () => {
    const yaml = 'nodes:\n  a:\n    command: run\n    inputs: {x: 1, y: 0.5, z: {default: 2}}\n    resources: {cpus: 2, mem: 4000}\n';
    assert.deepEqual(validateAgainstSchema(load(yaml), 'pipeline.schema.json'), []);
  });
});

describe('validateWith, generic schemas', () => {
  test('a failed anyOf is one error whose expected line lists the branches', () => {
    const validate = compileSchemaObject({
      type: 'object',
      properties: { limit: { description: 'a limit', anyOf: [{ $ref: '#/definitions/positive' }, { type: 'null' }] } },
      definitions: { positive: { type: 'integer', minimum: 1 } },
    });
    const diagnostics = validateWith(validate, load('limit: 0\n'));
    assert.deepEqual(
      diagnostics.map((d) => [where(d), d.message, d.found, d.expected]),
      [['1:8', 'invalid value for "limit"', 'an int 0', 'an integer >= 1 or null']],
    );
  });

  test('an error beside a union is kept', () => {
    const validate = compileSchemaObject({
      type: 'object',
      properties: { a: { type: 'string' }, b: { anyOf: [{ type: 'string' }, { type: 'null' }] } },
    });
    assert.deepEqual(summary(validateWith(validate, load('a: 1\nb: 2\n'))), ['E_SCHEMA 1:4 wrong type for "a"', 'E_SCHEMA 2:4 invalid value for "b"']);
  });

  test('compileSchema compiles a schema file once', () => {
    assert.equal(compileSchema('pipeline.schema.json'), compileSchema('pipeline.schema.json'));
  });
});

describe('pipeline.schema.json', () => {
  const schema = JSON.parse(readFileSync(repoPath('schemas', 'pipeline.schema.json'), 'utf8')) as Record<string, unknown>;

  /** Every subschema under a `properties` keyword, with its JSON path. */
  function properties(node: unknown, path: string): [string, Record<string, unknown>][] {
    if (typeof node !== 'object' || node === null) return [];
    const found: [string, Record<string, unknown>][] = [];
    for (const [key, child] of Object.entries(node)) {
      if (key === 'properties' && typeof child === 'object' && child !== null) {
        for (const [name, sub] of Object.entries(child)) found.push([`${path}/properties/${name}`, sub as Record<string, unknown>]);
      }
      found.push(...properties(child, `${path}/${key}`));
    }
    return found;
  }

  test('is draft-07 with an $id', () => {
    assert.equal(schema['$schema'], 'http://json-schema.org/draft-07/schema#');
    assert.match(String(schema['$id']), /pipeline\.schema\.json$/);
  });

  test('every property has a description', () => {
    const found = properties(schema, '#');
    assert.ok(found.length > 20, 'the walk finds the properties');
    assert.deepEqual(
      found.filter(([, sub]) => typeof sub['description'] !== 'string').map(([path]) => path),
      [],
    );
  });

  /** Every schema object that declares `properties` (maps of named subschemas are not schemas themselves). */
  function objectSchemas(node: unknown, path: string, isMap = false): [string, Record<string, unknown>][] {
    if (typeof node !== 'object' || node === null) return [];
    const record = node as Record<string, unknown>;
    const found: [string, Record<string, unknown>][] = !isMap && typeof record['properties'] === 'object' ? [[path, record]] : [];
    for (const [key, child] of Object.entries(record)) {
      found.push(...objectSchemas(child, `${path}/${key}`, !isMap && (key === 'properties' || key === 'definitions')));
    }
    return found;
  }

  test('every object with properties refuses unknown keys', () => {
    const schemas = objectSchemas(schema, '#');
    assert.ok(schemas.length >= 4, 'the walk finds the top level, nodes, resources and input links');
    assert.deepEqual(
      schemas.filter(([, sub]) => sub['additionalProperties'] !== false).map(([path]) => path),
      [],
    );
  });
});
