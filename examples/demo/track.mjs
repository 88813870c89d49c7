// Stage 2: "track" sites. Thresholds each heatmap, finds 4-connected
// components, drops those smaller than `min_area` cells and writes one box
// (and its polygon) per remaining component, scored by its mean heat.
import { fail, parseArgs, readJson, writeJson } from './args.mjs';

const args = parseArgs({
  heatmaps: { type: 'path' },
  sites: { type: 'path' },
  thresh: { type: 'float', default: 0.5, min: 0, max: 1 },
  min_area: { type: 'int', default: 4, min: 0 },
});

/** Connected components of the cells at or above the threshold (iterative flood fill). */
function components(heatmap, thresh) {
  const h = heatmap.length;
  const w = heatmap[0]?.length ?? 0;
  const seen = heatmap.map((row) => row.map(() => false));
  const found = [];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (seen[y][x] || heatmap[y][x] < thresh) continue;
      const cells = [];
      const stack = [[x, y]];
      seen[y][x] = true;
      while (stack.length) {
        const [cx, cy] = stack.pop();
        cells.push([cx, cy]);
        for (const [nx, ny] of [[cx + 1, cy], [cx - 1, cy], [cx, cy + 1], [cx, cy - 1]]) {
          if (nx < 0 || ny < 0 || nx >= w || ny >= h || seen[ny][nx] || heatmap[ny][nx] < thresh) continue;
          seen[ny][nx] = true;
          stack.push([nx, ny]);
        }
      }
      found.push(cells);
    }
  }
  return found;
}

function toSite(sceneId, index, cells, heatmap) {
  const xs = cells.map(([x]) => x);
  const ys = cells.map(([, y]) => y);
  const box = [Math.min(...xs), Math.min(...ys), Math.max(...xs) + 1, Math.max(...ys) + 1];
  const score = cells.reduce((sum, [x, y]) => sum + heatmap[y][x], 0) / cells.length;
  const [x0, y0, x1, y1] = box;
  const polygon = [[x0, y0], [x1, y0], [x1, y1], [x0, y1]];
  return { id: `${sceneId}_${index}`, box, polygon, area: cells.length, score: Math.round(score * 1000) / 1000 };
}

const input = readJson(args.heatmaps);
if (!Array.isArray(input?.scenes)) fail(`${args.heatmaps}: expected {"scenes": [...]} (a predict output)`);
const scenes = input.scenes.map((scene) => {
  if (!Array.isArray(scene.heatmap)) fail(`${args.heatmaps}: scene ${JSON.stringify(scene.id)} has no heatmap`);
  const kept = components(scene.heatmap, args.thresh).filter((cells) => cells.length >= args.min_area);
  return { id: scene.id, sites: kept.map((cells, i) => toSite(scene.id, i, cells, scene.heatmap)) };
});
writeJson(args.sites, { heatmaps: args.heatmaps, thresh: args.thresh, min_area: args.min_area, scenes });
const total = scenes.reduce((n, s) => n + s.sites.length, 0);
console.log(`track: ${total} sites in ${scenes.length} scenes (thresh=${args.thresh}, min_area=${args.min_area}) -> ${args.sites}`);
