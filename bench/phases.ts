// scratch: phase timings (not committed)
import { compileGraph, emitTarget, loadGrid } from '../src/compile.js';
import { expandGrid } from '../src/grid/index.js';
import { diskProbe } from '../src/io/probe-jobs.js';
import { TARGETS, type TargetName } from '../src/targets/registry.js';
import { writeOutDir } from '../src/io/write-files.js';
const NODES = ['a', 'b', 'c', 'd', 'e'];
const counts = [2, 5, 10, 10, Number(process.argv[3] ?? 1000)];
const pipe = `nodes:\n${NODES.map((name, i) => {
    const input = i === 0 ? '      src: data/input.txt' : `      src: {from: ${NODES[i - 1]}.out}`;
    return `  ${name}:\n    command: sh -c true\n    group: g\n    inputs:\n${input}\n    outputs:\n      out: out.txt\n    params:\n      p: 0\n    perf_params:\n      workers: 1\n`;
  }).join('')}`;
const grid = `matrix:\n${NODES.map((name, i) => `  ${name}.p: [${Array.from({ length: counts[i] ?? 1 }, (_, v) => v).join(', ')}]`).join('\n')}\n`;
const t = () => { const g = (globalThis as any).__gc; if (g) console.log('  gc so far minor', g.minor.toFixed(0), 'major', g.major.toFixed(0)); return performance.now(); };
let t0 = t();
const g = loadGrid({ params: { path: 'g', text: grid }, paramsDir: '/tmp', readSource: () => ({ diagnostics: [] }) }, {});
let n = 0; for (const _ of expandGrid(g.value!)) n++;
console.log('expand', n, (t() - t0).toFixed(0));
t0 = t();
const built = compileGraph({ pipeline: { path: 'p', text: pipe }, params: { path: 'g', text: grid }, paramsDir: '/tmp', pipelineDir: '/tmp', readSource: () => ({ diagnostics: [] }) },
  { root: '/tmp/phase/runs', workdir: '/tmp/phase', profile: 'kwdagger', enable: new Map(), skipExisting: false, probe: diskProbe() });
console.log('graph', built.value!.jobs.length, (t() - t0).toFixed(0));
const target = (process.argv[2] ?? 'make') as TargetName;
const options = { version: 'bench', inputs: ['bench'], outDir: '/tmp/phase/out', workers: 2, devices: [], devicesAuto: false, queueName: 'bench', enableLinks: true };
t0 = t();
const emitted = emitTarget(built.value!, TARGETS[target], options);
let chars = 0;
for (const f of emitted.value!) if (typeof f.content !== 'string') for (const c of f.content) chars += c.length;
console.log('emit', chars, (t() - t0).toFixed(0));
t0 = t();
writeOutDir(options.outDir, emitted.value!);
console.log('emit+write', (t() - t0).toFixed(0), 'rss', (process.resourceUsage().maxRSS / 1024).toFixed(0));
