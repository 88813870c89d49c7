// Stage 3: score tracked sites against the ground truth. Predictions are
// matched greedily (highest score first) to the unmatched true site with the
// best IoU, if that IoU reaches `iou_thresh`; writes precision/recall/F1.
import { fail, iou, parseArgs, readDataset, readJson, writeJson } from './args.mjs';

const args = parseArgs({
  sites: { type: 'path' },
  truth: { type: 'path' },
  metrics: { type: 'path' },
  iou_thresh: { type: 'float', default: 0.3, min: 0, max: 1 },
});

function matchScene(predicted, truth) {
  const free = new Set(truth.map((_, i) => i));
  const ious = [];
  for (const pred of [...predicted].sort((a, b) => b.score - a.score)) {
    let best = -1;
    let bestIou = args.iou_thresh;
    for (const i of free) {
      const overlap = iou(pred.box, truth[i].box);
      if (overlap >= bestIou) [best, bestIou] = [i, overlap];
    }
    if (best >= 0) {
      free.delete(best);
      ious.push(bestIou);
    }
  }
  return { tp: ious.length, fp: predicted.length - ious.length, fn: free.size, ious };
}

const round = (x) => Math.round(x * 10000) / 10000;

const truthScenes = new Map(readDataset(args.truth).map((scene) => [scene.id, scene]));
const predictions = readJson(args.sites);
if (!Array.isArray(predictions?.scenes)) fail(`${args.sites}: expected {"scenes": [...]} (a track output)`);
const predictedById = new Map(predictions.scenes.map((scene) => [scene.id, scene.sites ?? []]));
for (const id of predictedById.keys()) {
  if (!truthScenes.has(id)) fail(`${args.sites}: scene ${JSON.stringify(id)} is not in ${args.truth}`);
}

const perScene = {};
const totals = { tp: 0, fp: 0, fn: 0, ious: [] };
for (const [id, scene] of truthScenes) {
  const result = matchScene(predictedById.get(id) ?? [], scene.sites ?? []);
  perScene[id] = { tp: result.tp, fp: result.fp, fn: result.fn };
  totals.tp += result.tp;
  totals.fp += result.fp;
  totals.fn += result.fn;
  totals.ious.push(...result.ious);
}
const precision = totals.tp + totals.fp ? totals.tp / (totals.tp + totals.fp) : 0;
const recall = totals.tp + totals.fn ? totals.tp / (totals.tp + totals.fn) : 0;
const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
const meanIou = totals.ious.length ? totals.ious.reduce((a, b) => a + b, 0) / totals.ious.length : 0;
const metrics = {
  precision: round(precision),
  recall: round(recall),
  f1: round(f1),
  mean_iou: round(meanIou),
  tp: totals.tp,
  fp: totals.fp,
  fn: totals.fn,
  iou_thresh: args.iou_thresh,
  scenes: perScene,
};
writeJson(args.metrics, metrics);
console.log(`evaluate: precision=${metrics.precision} recall=${metrics.recall} f1=${metrics.f1} -> ${args.metrics}`);
