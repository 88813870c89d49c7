// Reads `geowatch-compile plan --format json` on stdin and prints one row per
// `evaluate` job: the params that vary between those jobs (from each job's
// job_config.json) and its metrics (metrics.json), best F1 first.
//
//   node bin/geowatch-compile.js plan ... --format json | node examples/demo/report.mjs
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const EVAL_NODE = process.env.REPORT_NODE ?? 'evaluate';
const METRICS = ['f1', 'precision', 'recall', 'mean_iou', 'tp', 'fp', 'fn'];
/** Metrics that are ratios, printed with three decimals so the column lines up. */
const RATIOS = new Set(['f1', 'precision', 'recall', 'mean_iou']);

function fail(message) {
  process.stderr.write(`report.mjs: error: ${message}\n`);
  process.exit(2);
}

function readStdin() {
  try {
    return readFileSync(0, 'utf8');
  } catch (err) {
    fail(`cannot read the plan from stdin: ${err.message}`);
  }
}

function parsePlan(text) {
  let plan;
  try {
    plan = JSON.parse(text);
  } catch (err) {
    fail(`stdin is not JSON (expected the output of "geowatch-compile plan --format json"): ${err.message}`);
  }
  if (!Array.isArray(plan?.jobs)) fail('the plan has no "jobs" list');
  return plan;
}

const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));

/** One result per evaluate job; jobs that have not run yet are counted, not shown. */
function loadResults(jobs) {
  const results = [];
  const missing = [];
  for (const job of jobs) {
    const metricsPath = join(job.dir, 'metrics.json');
    const configPath = join(job.dir, 'job_config.json');
    if (!existsSync(metricsPath) || !existsSync(configPath)) {
      missing.push(job);
      continue;
    }
    results.push({ id: job.id, config: readJson(configPath), metrics: readJson(metricsPath) });
  }
  return { results, missing };
}

/** Config keys whose value is not the same in every result, in first-seen order. */
function variedKeys(results) {
  const values = new Map();
  for (const { config } of results) {
    for (const [key, value] of Object.entries(config)) {
      if (!values.has(key)) values.set(key, new Set());
      values.get(key).add(JSON.stringify(value));
    }
  }
  return [...values].filter(([key, seen]) => seen.size > 1 || results.some((r) => !(key in r.config))).map(([key]) => key);
}

function cell(value) {
  if (value === undefined) return '-';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function metricCell(name, value) {
  return RATIOS.has(name) && typeof value === 'number' ? value.toFixed(3) : cell(value);
}

/** Fixed-width table: text columns left-aligned, numbers right-aligned. */
function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => r[i] === '-' || /^-?[\d.]+$/.test(r[i])));
  const line = (r) => r.map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const plan = parsePlan(readStdin());
const evalJobs = plan.jobs.filter((job) => job.node === EVAL_NODE);
if (evalJobs.length === 0) fail(`the plan has no "${EVAL_NODE}" jobs`);
const { results, missing } = loadResults(evalJobs);
if (results.length === 0) fail(`none of the ${evalJobs.length} ${EVAL_NODE} jobs has results yet (run the jobs first)`);

const keys = variedKeys(results);
// best F1 first; ties in the order of their params, so equal rows read predictably
const paramText = (r) => keys.map((k) => cell(r.config[k])).join('\0');
results.sort((a, b) => (b.metrics.f1 ?? -1) - (a.metrics.f1 ?? -1) || paramText(a).localeCompare(paramText(b), 'en', { numeric: true }));
const header = ['#', ...keys, ...METRICS];
const rows = results.map((r, i) => [String(i + 1), ...keys.map((k) => cell(r.config[k])), ...METRICS.map((m) => metricCell(m, r.metrics[m]))]);
console.log(table(header, rows));
if (missing.length) console.log(`(${missing.length} of ${evalJobs.length} ${EVAL_NODE} jobs have no results yet)`);
