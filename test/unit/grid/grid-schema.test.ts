import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { parse as parsePlainYaml } from 'yaml';
import { loadYaml } from '../../../src/parse/load-yaml.js';
import { parseGrid } from '../../../src/grid/index.js';

// dist/test/unit/grid → repo root
const schemaUrl = new URL('../../../../schemas/grid.schema.json', import.meta.url);
const schema = JSON.parse(readFileSync(schemaUrl, 'utf8')) as Record<string, unknown>;

function parserAccepts(text: string): boolean {
  const { loaded } = loadYaml({ path: 'grid.yaml', text });
  assert.ok(loaded);
  return parseGrid(loaded, { readFile: () => ({ source: { path: 'x.yaml', text: '[1]' }, diagnostics: [] }) }).grid !== undefined;
}

/** Inputs whose acceptance the schema can decide; parser and schema must agree on each. */
const GRIDS: readonly string[] = [
  'matrix: {a: [1, 2]}\ninclude: [{b: 1}]',
  'a: [1, 2]\nexclude: [{a: 1}]\npipeline: p',
  'matrices:\n  - matrix: {a: 1}\n  - submatrices: [{b: [1]}]\nmax_configs: 3',
  'matrices:\n  - a: 1',
  'matrix: {a: 1}\nexlude: []',
  'a: []',
  'matrix: {a: []}',
  'submatrices: [{a: []}]',
  'grid_semantics: githib\na: 1',
  'grid_semantics: github\na: 1',
  'max_configs: 0\na: 1',
  'max_configs: 2.5\na: 1',
  'matrix: {a: 1}\nmatrices: []',
  'include: [{a: 1}]\nsubmatrices12: [{b: [1]}]',
  'include: [1]',
  'include: {a: 1}',
  'exclude: [{a: 1}]\na: [1, 2]',
  'a: {__include__: x.yaml}',
  'a: [[]]',
  '- a',
  'slurm_options: {mem: 8G}\na: 1',
  'slurm_options: 5\na: 1',
  'pipeline: [p]\na: 1',
  'matrices: [5]',
];

describe('grid.schema.json agrees with parseGrid', () => {
  const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);
  for (const text of GRIDS) {
    test(text.replace(/\n/g, ' | '), () => {
      const schemaOk = validate(parsePlainYaml(text));
      assert.equal(schemaOk, parserAccepts(text), JSON.stringify(validate.errors));
    });
  }

  test('every property has a description', () => {
    const missing: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (typeof node !== 'object' || node === null) return;
      for (const [key, value] of Object.entries(node)) {
        if ((key === 'properties' || key === 'patternProperties' || key === 'definitions') && typeof value === 'object' && value) {
          for (const [name, sub] of Object.entries(value)) {
            const described = typeof sub === 'object' && sub !== null && ('description' in sub || '$ref' in sub);
            if (!described) missing.push(`${path}/${key}/${name}`);
          }
        }
        walk(value, `${path}/${key}`);
      }
    };
    walk(schema, '#');
    assert.deepEqual(missing, []);
  });
});
