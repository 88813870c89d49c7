import { isValueList, isValueMap, type Value } from './value.js';

/**
 * Python's `repr(float)`: the shortest round-tripping digits (as JavaScript),
 * but with Python's exponent thresholds (1e16 and 1e-4) and spelling (`1e-05`, `1.0`).
 */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, expText] = x.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  if (exp < -4 || exp >= 16) {
    const sign = exp < 0 ? '-' : '+';
    const digits = String(Math.abs(exp)).padStart(2, '0');
    return `${mantissa}e${sign}${digits}`;
  }
  const plain = positionalDigits(x);
  return plain.includes('.') ? plain : `${plain}.0`;
}

/** Positional notation for |x| in [1e-4, 1e16), built from the shortest digits. */
function positionalDigits(x: number): string {
  const [mantissa, expText] = x.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  let body: string;
  if (exp >= 0) {
    const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
    const frac = digits.slice(exp + 1);
    body = frac ? `${intPart}.${frac}` : intPart;
  } else {
    body = `0.${'0'.repeat(-exp - 1)}${digits}`;
  }
  return negative ? `-${body}` : body;
}

/** Python's `str(value)` for the values a command line receives. */
export function pyStr(value: Value): string {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return pyFloatRepr(value);
  if (typeof value === 'string') return value;
  return toJson(value);
}

/**
 * Canonical one-line JSON for job configs and markers: keys in the order given,
 * floats that stay floats (`1.0`), ints as ints. Non-finite floats are written as
 * Python's json module writes them (`NaN`, `Infinity`).
 */
export function toJson(value: Value): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return jsonFloat(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (isValueList(value)) return `[${value.map(toJson).join(', ')}]`;
  if (isValueMap(value)) {
    const parts = Object.keys(value).map((k) => `${JSON.stringify(k)}: ${toJson(value[k] as Value)}`);
    return `{${parts.join(', ')}}`;
  }
  throw new TypeError('unreachable value kind');
}

function jsonFloat(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  return pyFloatRepr(x);
}

/** Pretty JSON (two-space indent, one key per line), for files people read. */
export function toPrettyJson(value: Value, indent = ''): string {
  const inner = `${indent}  `;
  if (isValueList(value) && value.length > 0) {
    return `[\n${value.map((v) => inner + toPrettyJson(v, inner)).join(',\n')}\n${indent}]`;
  }
  if (isValueMap(value) && Object.keys(value).length > 0) {
    const parts = Object.keys(value).map(
      (k) => `${inner}${JSON.stringify(k)}: ${toPrettyJson(value[k] as Value, inner)}`,
    );
    return `{\n${parts.join(',\n')}\n${indent}}`;
  }
  return isValueList(value) ? '[]' : isValueMap(value) ? '{}' : toJson(value);
}
