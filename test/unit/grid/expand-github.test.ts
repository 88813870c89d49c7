import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadYaml } from '../../../src/parse/load-yaml.js';
import { assertRows, gridOf, rowsOf } from '../../helpers/grid-of.js';
import { countRows, expandGrid, parseGrid } from '../../../src/grid/index.js';




const GITHUB = 'grid_semantics: github\n';

/** Each case runs under both semantics, so the differences are pinned side by side. */
const cases: { name: string; grid: string; github: string; kwdagger: string }[] = [
  {
    name: 'the docs fruit/animal example',
    grid: `
matrix: {fruit: [apple, pear], animal: [cat, dog]}
include:
  - {color: green}
  - {color: pink, animal: cat}
  - {fruit: apple, shape: circle}
  - {fruit: banana}
  - {fruit: banana, animal: cat}`,
    github: `
- {fruit: apple, animal: cat, color: pink, shape: circle}
- {fruit: apple, animal: dog, color: green, shape: circle}
- {fruit: pear, animal: cat, color: pink}
- {fruit: pear, animal: dog, color: green}
- {fruit: banana}
- {fruit: banana, animal: cat}`,
    kwdagger: 'same',
  },
  {
    name: 'the docs exclude example (12 -> 9)',
    grid: `
matrix:
  os: [macos-latest, windows-latest]
  version: [12, 14, 16]
  environment: [staging, production]
exclude:
  - {os: macos-latest, version: 12, environment: production}
  - {os: windows-latest, version: 16}`,
    github: `
- {os: macos-latest, version: 12, environment: staging}
- {os: macos-latest, version: 14, environment: staging}
- {os: macos-latest, version: 14, environment: production}
- {os: macos-latest, version: 16, environment: staging}
- {os: macos-latest, version: 16, environment: production}
- {os: windows-latest, version: 12, environment: staging}
- {os: windows-latest, version: 12, environment: production}
- {os: windows-latest, version: 14, environment: staging}
- {os: windows-latest, version: 14, environment: production}`,
    kwdagger: 'same',
  },
  {
    name: 'exclude first, then include adds the excluded combination back',
    grid: 'matrix: {os: [w, u], node: [14, 16]}\nexclude: [{os: w, node: 16}]\ninclude: [{os: w, node: 16, npm: 6}]',
    github: '[{os: w, node: 14}, {os: u, node: 14}, {os: u, node: 16}, {os: w, node: 16, npm: 6}]',
    kwdagger: '[{os: w, node: 14}, {os: u, node: 14}, {os: u, node: 16}]',
  },
  {
    name: 'an include whose only matches were excluded becomes its own job',
    grid: 'matrix: {a: [1, 2]}\nexclude: [{a: 1}]\ninclude: [{a: 1, z: q}]',
    github: '[{a: 2}, {a: 1, z: q}]',
    kwdagger: '[{a: 2}]',
  },
  {
    name: 'include-only: each entry is a job',
    grid: 'include: [{a: 1}, {a: 2, b: 3}]',
    github: '[{a: 1}, {a: 2, b: 3}]',
    kwdagger: '[{a: 2, b: 3}]',
  },
  {
    name: 'includes that only add a key do not make an axis (last one wins)',
    grid: 'matrix: {java: [8]}\ninclude: [{step: a}, {step: b}, {step: c}]',
    github: '[{java: 8, step: c}]',
    kwdagger: 'same',
  },
  {
    name: 'an include cannot overwrite an original value: it adds a job instead',
    grid: 'matrix: {a: [1, 2]}\ninclude: [{a: 1, b: x}, {a: 3, b: y}]',
    github: '[{a: 1, b: x}, {a: 2}, {a: 3, b: y}]',
    kwdagger: 'same',
  },
  {
    name: 'original values keep their type under github; kwdagger replaces 1 with 1.0',
    grid: 'matrix: {a: [1]}\ninclude: [{a: 1.0, b: x}]',
    github: '[{a: 1, b: x}]',
    kwdagger: '[{a: 1.0, b: x}]',
  },
  {
    name: 'exclude cannot see keys that includes add',
    grid: 'matrix: {a: [1, 2]}\ninclude: [{b: x}]\nexclude: [{b: x}, {a: 2}]',
    github: '[{a: 1, b: x}]',
    kwdagger: 'none',
  },
  {
    name: 'later includes never merge into standalone jobs',
    grid: 'matrix: {a: [1]}\ninclude: [{a: 2}, {a: 2, b: 3}, {c: 4}]',
    github: '[{a: 1, c: 4}, {a: 2}, {a: 2, b: 3}]',
    kwdagger: 'same',
  },
  {
    name: 'matrices concatenate under github too',
    grid: 'matrices:\n  - include: [{a: 1}, {a: 2}]\n  - matrix: {b: [1, 2]}',
    github: '[{a: 1}, {a: 2}, {b: 1}, {b: 2}]',
    kwdagger: '[{a: 2}, {b: 1}, {b: 2}]',
  },
];

describe('github semantics, side by side with kwdagger', () => {
  for (const c of cases) {
    test(c.name, () => {
      const github = gridOf(GITHUB + c.grid);
      assertRows([...expandGrid(github)], rowsOf(c.github));
      assert.equal(countRows(github), rowsOf(c.github).length);
      if (c.kwdagger === 'none') return;
      const kwdagger = gridOf(c.grid);
      assertRows([...expandGrid(kwdagger)], rowsOf(c.kwdagger === 'same' ? c.github : c.kwdagger));
    });
  }

  test('a grid that is empty only under kwdagger is refused there', () => {
    const { loaded } = loadYaml({ path: 'g.yaml', text: cases.find((c) => c.kwdagger === 'none')?.grid ?? '' });
    assert.ok(loaded);
    const { grid, diagnostics } = parseGrid(loaded, { readFile: () => ({ diagnostics: [] }) });
    assert.equal(grid, undefined);
    assert.deepEqual(diagnostics.map((d) => d.code), ['E_EMPTY_GRID']);
  });
});
