/**
 * YAML scalars the emitted documents are made of. Every user-given text goes
 * through {@link yamlString}: a double-quoted scalar is read back exactly by YAML
 * 1.1 (Kubernetes' sigs.k8s.io/yaml) and 1.2 parsers alike.
 * @see https://yaml.org/spec/1.2.2/#double-quoted-style
 */

/**
 * Characters JSON leaves raw but YAML must not see raw: C1 controls and DEL are not
 * printable, NEL, LS and PS are line breaks in YAML 1.1 (folded inside quotes), and
 * FEFF/FFFE/FFFF are not printable characters.
 */
const YAML_UNSAFE_IN_JSON = /[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/;
const YAML_UNSAFE_IN_JSON_ALL = new RegExp(YAML_UNSAFE_IN_JSON.source, 'g');

function unicodeEscape(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** A double-quoted YAML scalar that reads back as exactly `text`. */
export function yamlString(text: string): string {
  const json = JSON.stringify(text);
  return YAML_UNSAFE_IN_JSON.test(json) ? json.replace(YAML_UNSAFE_IN_JSON_ALL, unicodeEscape) : json;
}

/** A flow sequence of double-quoted strings, e.g. `["a", "b"]`. */
export function yamlStringList(items: readonly string[]): string {
  return `[${items.map(yamlString).join(', ')}]`;
}

/**
 * A literal block scalar (`|`) for multi-line text such as a script, indented by
 * `indent` spaces; text a block cannot hold exactly falls back to a quoted scalar.
 */
export function yamlBlock(text: string, indent: number): string {
  const blockSafe = text.endsWith('\n') && !text.endsWith('\n\n') && !/^[ \t\n]/.test(text) && !/[ \t]\n/.test(text);
  if (!blockSafe || YAML_UNSAFE_IN_JSON.test(text) || /[\x00-\x08\x0b-\x1f]/.test(text)) return yamlString(text);
  const pad = ' '.repeat(indent);
  const lines = text.slice(0, -1).split('\n');
  return `|\n${lines.map((line) => (line === '' ? '' : pad + line)).join('\n')}`;
}
