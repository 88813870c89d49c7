import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CommandPieces, commandText, renderCommand } from '../../../src/graph/render-command.js';
import { shlexQuote } from '../../../src/graph/shlex-quote.js';
import type { ValueMap } from '../../../src/values/value.js';

describe('shlexQuote is Python shlex.quote', () => {
  const cases: [string, string][] = [
    ['', "''"],
    ['abc', 'abc'],
    ['/a/b-c_d.json', '/a/b-c_d.json'],
    ['a=b:c,d@e%f+g', 'a=b:c,d@e%f+g'],
    ['a b', "'a b'"],
    ["it's", `'it'"'"'s'`],
    ['$HOME', "'$HOME'"],
    ['x\ny', "'x\ny'"],
    ['é', "'é'"],
  ];
  for (const [text, want] of cases) test(JSON.stringify(text), () => assert.equal(shlexQuote(text), want));
});

describe('renderCommand', () => {
  const cases: { name: string; config: ValueMap; args?: Parameters<typeof renderCommand>[0]['args']; want: string }[] = [
    { name: 'no args', config: {}, want: 'node predict.js' },
    {
      name: 'kwdagger --key=value rendering',
      config: { dataset: 'data/test.json', heatmaps: '/r/p/heatmaps.json', workers: 2n, window: 8n, model: null, thresh: 0.5, flag: true },
      want: 'node predict.js --dataset=data/test.json --heatmaps=/r/p/heatmaps.json --workers=2 --window=8 --model=None --thresh=0.5 --flag=True',
    },
    { name: 'lists are varargs', config: { srcs: ['a b', 'c'] }, want: "node predict.js --srcs 'a b' c" },
    { name: 'dicts are one JSON word', config: { kw: { a: 1n } }, want: `node predict.js --kw='{"a": 1}'` },
    {
      name: 'explicit template',
      config: { heatmaps: '/r/h.json', thresh: 0.1 },
      args: [[{ kind: 'ref', key: 'heatmaps' }], [{ kind: 'literal', text: '--track_kwargs={"thresh": ' }, { kind: 'ref', key: 'thresh' }, { kind: 'literal', text: '}' }]],
      want: `node predict.js /r/h.json '--track_kwargs={"thresh": 0.1}'`,
    },
    {
      name: 'a template word that is one list value expands to several words',
      config: { srcs: ['a', 'b c'] },
      args: [[{ kind: 'literal', text: '--srcs' }], [{ kind: 'ref', key: 'srcs' }]],
      want: "node predict.js --srcs a 'b c'",
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const node = c.args ? { command: 'node predict.js', args: c.args } : { command: 'node predict.js' };
      assert.equal(renderCommand(node, c.config), c.want);
    });
  }
});

describe('CommandPieces joined are renderCommand', () => {
  const outputs = new Map([['out', 'out.json']]);
  const configs: ValueMap[] = [
    {},
    { p: 1n, q: 1, r: -0, s: 0, t: 'a b', out: '/r/x/out.json', flag: true, none: null },
    { p: 2n, q: 1, r: 0, s: -0, t: "it's", out: '/r/y/out.json', flag: false, none: null },
    { list: ['a', 'b c'], map: { k: 1n }, out: '/r/z/out.json' },
    { list: ['a', 'b c'], map: { k: 2n }, out: '/r/z/out.json', nan: NaN },
    // The keys of configs[1] in another order: the pieces follow the order of each config.
    { q: 1, p: 1n, s: 0, r: -0, t: 'a b', out: '/r/x/out.json', none: null, flag: true },
  ];
  const nodes = [
    { command: 'node predict.js', outputs },
    { command: 'node predict.js', outputs, args: [[{ kind: 'literal', text: '--x' }], [{ kind: 'ref', key: 'p' }]] as const },
  ];
  for (const node of nodes) {
    test(node.args ? 'with a template' : 'key=value', () => {
      const pieces = new CommandPieces(node);
      // Twice over: the second pass reads remembered pieces.
      for (const config of [...configs, ...configs, configs[1] as ValueMap, configs[1] as ValueMap, configs[2] as ValueMap]) {
        const got = pieces.of(config);
        assert.ok(got.every((piece) => typeof piece === 'string'), 'no layout, no pieces around a job dir');
        assert.equal(commandText(got, '/unused'), renderCommand(node, config));
        for (const piece of got.slice(1)) assert.ok((piece as string).startsWith(' '), piece as string);
      }
    });
  }
});

describe('CommandPieces around the job dir', () => {
  const outputs = new Map([['out', 'out.json'], ['dir', '.'], ['odd', 'a b.json']]);
  const suffixes = new Map([['out', '/out.json'], ['dir', ''], ['odd', '/a b.json']]);
  const node = { command: 'run', outputs };
  // [case, layout prefix, job dir, the job's outputs are the default paths, outputs expected as pieces around the dir]
  const cases: [string, string, string, boolean, string[]][] = [
    ['a bare dir: bare default paths become pieces', '/r/g/n/n_id_', '/r/g/n/n_id_abc', true, ['out', 'dir']],
    ['paths the grid set stay text', '/r/g/n/n_id_', '/r/g/n/n_id_abc', false, []],
    ['a dir that needs quoting stays text', '/r/ü/n/n_id_', '/r/ü/n/n_id_abc', true, []],
    ['a dir with a blank stays text', '/r/a b/n_id_', '/r/a b/n_id_abc', true, []],
  ];
  for (const [name, prefix, dir, defaults, expected] of cases) {
    test(name, () => {
      const pieces = new CommandPieces(node, { prefix, suffixes });
      const config: ValueMap = { p: 1n, out: `${dir}/out.json`, dir, odd: `${dir}/a b.json` };
      for (let pass = 0; pass < 2; pass++) {
        const got = pieces.of(config, defaults);
        assert.equal(commandText(got, dir), renderCommand(node, config));
        const around = Object.keys(config).filter((_key, i) => typeof got[i + 1] !== 'string');
        assert.deepEqual(around, expected);
      }
      if (expected.length > 0) assert.equal(pieces.of(config, defaults)[2], pieces.of({ ...config, out: '/r/g/n/n_id_other/out.json' }, defaults)[2], 'one object for all jobs');
    });
  }
});
