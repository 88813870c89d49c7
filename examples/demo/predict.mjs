// Stage 1: "predict" a saliency heatmap per scene. A stand-in for a model:
// the ground-truth sites and some clutter are painted, noise is added from a
// seeded generator, and the result is box-blurred. `smooth` blurs more and is
// less noisy than `sharp`; a bigger `window` blurs more. Deterministic.
import { fail, parseArgs, readDataset, writeJson } from './args.mjs';

const MODELS = {
  // blur radius as a fraction of the window, and noise amplitude
  smooth: { radiusPerWindow: 1 / 4, noise: 0.35 },
  sharp: { radiusPerWindow: 1 / 8, noise: 0.6 },
};

const args = parseArgs({
  dataset: { type: 'path' },
  heatmaps: { type: 'path' },
  workers: { type: 'int', default: 0, min: 0 }, // a perf param: accepted, not used
  window: { type: 'int', default: 8, min: 1, max: 64 },
  model: { type: 'string', default: 'smooth', choices: Object.keys(MODELS) },
  seed: { type: 'int', default: 0 },
});

/** FNV-1a of a string: seeds the generator per scene so scenes are independent. */
function hashString(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** mulberry32: a small deterministic PRNG returning floats in [0, 1). */
function generator(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function paint(grid, box, value) {
  const [x0, y0, x1, y1] = box;
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) grid[y][x] = Math.max(grid[y][x], value);
}

/** Separable box blur with edge clamping. */
function blur(grid, radius) {
  if (radius < 1) return grid;
  const h = grid.length;
  const w = grid[0].length;
  const pass = (get, set, n, m) => {
    for (let j = 0; j < m; j++) {
      for (let i = 0; i < n; i++) {
        let sum = 0;
        for (let k = -radius; k <= radius; k++) sum += get(Math.min(n - 1, Math.max(0, i + k)), j);
        set(i, j, sum / (2 * radius + 1));
      }
    }
  };
  const tmp = grid.map((row) => row.slice());
  pass((x, y) => grid[y][x], (x, y, v) => (tmp[y][x] = v), w, h);
  const out = tmp.map((row) => row.slice());
  pass((y, x) => tmp[y][x], (y, x, v) => (out[y][x] = v), h, w);
  return out;
}

function predictScene(scene) {
  const { radiusPerWindow, noise } = MODELS[args.model];
  const random = generator(hashString(`${args.seed}/${scene.id}`));
  let grid = Array.from({ length: scene.height }, () => Array.from({ length: scene.width }, () => 0));
  for (const site of scene.sites ?? []) paint(grid, site.box, 1);
  for (const clutter of scene.clutter ?? []) paint(grid, clutter.box, clutter.strength ?? 0.5);
  grid = grid.map((row) => row.map((v) => v + noise * (random() - 0.5)));
  grid = blur(grid, Math.round(args.window * radiusPerWindow));
  const heatmap = grid.map((row) => row.map((v) => Math.round(Math.min(1, Math.max(0, v)) * 1000) / 1000));
  return { id: scene.id, width: scene.width, height: scene.height, heatmap };
}

const scenes = readDataset(args.dataset).map(predictScene);
if (scenes.length === 0) fail('no scenes to predict');
writeJson(args.heatmaps, { dataset: args.dataset, model: args.model, window: args.window, seed: args.seed, scenes });
console.log(`predict: ${scenes.length} heatmaps (model=${args.model}, window=${args.window}, seed=${args.seed}) -> ${args.heatmaps}`);
