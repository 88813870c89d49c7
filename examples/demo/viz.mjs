// Stage 4: draw each scene's heatmap with the true (green) and predicted
// (red, dashed) boxes into one SVG.
import { fail, parseArgs, readDataset, readJson, writeText } from './args.mjs';

const CELL = 8; // pixels per heatmap cell
const GAP = 24; // room for a scene's caption

const args = parseArgs({
  heatmaps: { type: 'path' },
  sites: { type: 'path' },
  truth: { type: 'path' },
  viz: { type: 'path' },
});

const escape = (text) => String(text).replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]);

function rect(box, style) {
  const [x0, y0, x1, y1] = box;
  return `<rect x="${x0 * CELL}" y="${y0 * CELL}" width="${(x1 - x0) * CELL}" height="${(y1 - y0) * CELL}" ${style}/>`;
}

function drawScene(scene, truth, predicted, top) {
  const parts = [`<g transform="translate(0,${top})">`];
  parts.push(`<text x="2" y="-6" font-family="monospace" font-size="12">${escape(scene.id)}: ${truth.length} true, ${predicted.length} predicted</text>`);
  parts.push(`<rect width="${scene.width * CELL}" height="${scene.height * CELL}" fill="#fff" stroke="#999"/>`);
  scene.heatmap.forEach((row, y) =>
    row.forEach((heat, x) => {
      // faint cells are skipped to keep the file small
      if (heat >= 0.05) parts.push(`<rect x="${x * CELL}" y="${y * CELL}" width="${CELL}" height="${CELL}" fill="#225" fill-opacity="${heat.toFixed(2)}"/>`);
    }),
  );
  for (const site of truth) parts.push(rect(site.box, 'fill="none" stroke="#1a1" stroke-width="2"'));
  for (const site of predicted) parts.push(rect(site.box, 'fill="none" stroke="#d22" stroke-width="2" stroke-dasharray="4 3"'));
  parts.push('</g>');
  return parts.join('\n');
}

const heat = readJson(args.heatmaps);
const tracked = readJson(args.sites);
if (!Array.isArray(heat?.scenes)) fail(`${args.heatmaps}: expected {"scenes": [...]} (a predict output)`);
if (!Array.isArray(tracked?.scenes)) fail(`${args.sites}: expected {"scenes": [...]} (a track output)`);
const truth = new Map(readDataset(args.truth).map((scene) => [scene.id, scene.sites ?? []]));
const predicted = new Map(tracked.scenes.map((scene) => [scene.id, scene.sites ?? []]));

let top = GAP;
let width = 0;
const groups = [];
for (const scene of heat.scenes) {
  groups.push(drawScene(scene, truth.get(scene.id) ?? [], predicted.get(scene.id) ?? [], top));
  top += scene.height * CELL + GAP;
  width = Math.max(width, scene.width * CELL);
}
const title = `model=${heat.model} window=${heat.window} thresh=${tracked.thresh} min_area=${tracked.min_area}`;
const svg = [
  `<svg xmlns="http://www.w3.org/2000/svg" width="${width + 4}" height="${top}" viewBox="-2 0 ${width + 4} ${top}">`,
  `<title>${escape(title)}</title>`,
  ...groups,
  '</svg>',
  '',
].join('\n');
writeText(args.viz, svg);
console.log(`viz: ${heat.scenes.length} scenes (${title}) -> ${args.viz}`);
