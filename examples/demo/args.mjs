// Tiny shared helpers for the demo stage scripts: a `--key=value` parser that
// understands the values geowatch-compile passes (Python str(): None, True,
// 0.5, 8), plus JSON read/write with readable failures. No dependencies.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, basename } from 'node:path';

const SCRIPT = basename(process.argv[1] ?? 'stage');

/** Prints `<script>: error: <message>` and exits non-zero. */
export function fail(message, code = 2) {
  process.stderr.write(`${SCRIPT}: error: ${message}\n`);
  process.exit(code);
}

/** Converters from the command-line text to a value; each throws a message on bad input. */
const TYPES = {
  path(text) {
    if (text === '' || text === 'None') throw new Error('expected a path');
    return text;
  },
  int(text) {
    if (!/^[+-]?\d+$/.test(text)) throw new Error('expected an integer');
    return Number(text);
  },
  float(text) {
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value)) throw new Error('expected a number');
    return value;
  },
  string(text) {
    return text;
  },
};

/**
 * Parses `--key=value` (or `--key value`) arguments against a spec
 * `{ name: { type, default?, choices?, min?, max? } }`. A spec without a
 * default is required. `None` means "not given" (the default applies).
 */
export function parseArgs(spec, argv = process.argv.slice(2)) {
  const raw = new Map();
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i];
    if (!word.startsWith('--')) fail(`unexpected argument ${JSON.stringify(word)} (arguments are --key=value)`);
    const eq = word.indexOf('=');
    const key = eq < 0 ? word.slice(2) : word.slice(2, eq);
    let value = eq < 0 ? argv[++i] : word.slice(eq + 1);
    if (value === undefined) fail(`--${key} needs a value`);
    if (!(key in spec)) fail(`unknown option --${key}; known: ${Object.keys(spec).map((k) => `--${k}`).join(', ')}`);
    raw.set(key, value);
  }
  const args = {};
  for (const [key, rule] of Object.entries(spec)) {
    const text = raw.get(key);
    if (text === undefined || text === 'None') {
      if (!('default' in rule)) fail(`--${key} is required`);
      args[key] = rule.default;
      continue;
    }
    args[key] = convert(key, text, rule);
  }
  return args;
}

function convert(key, text, rule) {
  let value;
  try {
    value = TYPES[rule.type](text);
  } catch (err) {
    fail(`--${key}=${JSON.stringify(text)}: ${err.message}`);
  }
  if (rule.choices && !rule.choices.includes(value)) {
    fail(`--${key}=${JSON.stringify(text)}: expected one of ${rule.choices.join(', ')}`);
  }
  if (rule.min !== undefined && value < rule.min) fail(`--${key}=${text}: must be >= ${rule.min}`);
  if (rule.max !== undefined && value > rule.max) fail(`--${key}=${text}: must be <= ${rule.max}`);
  return value;
}

/** Reads a JSON file, failing with the path in the message. */
export function readJson(path) {
  let text;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    fail(`cannot read ${path}: ${err.code ?? err.message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    fail(`${path} is not valid JSON: ${err.message}`);
  }
}

/** Writes text to a file, creating its parent directory first. */
export function writeText(path, text) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** Writes pretty JSON to a file, creating its parent directory first. */
export function writeJson(path, value) {
  writeText(path, `${JSON.stringify(value, null, 1)}\n`);
}

/** Checks `[x0, y0, x1, y1]` (half-open, integer cells) lies inside a width × height grid. */
export function isBox(box, width, height) {
  if (!Array.isArray(box) || box.length !== 4 || !box.every(Number.isInteger)) return false;
  const [x0, y0, x1, y1] = box;
  return x0 >= 0 && y0 >= 0 && x1 <= width && y1 <= height && x0 < x1 && y0 < y1;
}

/** Validates the dataset file (scenes with sizes and ground-truth sites); returns its scenes. */
export function readDataset(path) {
  const data = readJson(path);
  if (!data || !Array.isArray(data.scenes) || data.scenes.length === 0) fail(`${path}: expected {"scenes": [...]} with at least one scene`);
  for (const scene of data.scenes) {
    const where = `${path}: scene ${JSON.stringify(scene?.id)}`;
    if (typeof scene?.id !== 'string') fail(`${path}: every scene needs a string "id"`);
    if (!Number.isInteger(scene.width) || !Number.isInteger(scene.height) || scene.width < 1 || scene.height < 1) {
      fail(`${where}: "width" and "height" must be positive integers`);
    }
    for (const list of ['sites', 'clutter']) {
      for (const item of scene[list] ?? []) {
        if (!isBox(item.box, scene.width, scene.height)) fail(`${where}: bad ${list} box ${JSON.stringify(item.box)}`);
      }
    }
  }
  return data.scenes;
}

/** Intersection over union of two half-open boxes. */
export function iou(a, b) {
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  const area = (box) => (box[2] - box[0]) * (box[3] - box[1]);
  return inter / (area(a) + area(b) - inter);
}
