import { MAX_FIELD_NAME } from './limits.js';

/** A lowercase RFC 1123 label: what pod names, template and task names are made of. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** A lowercase RFC 1123 subdomain: what ConfigMap, PVC and ServiceAccount names are made of. */
export const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * Text as a lowercase DNS label that starts with a letter (task names may not
 * start with a digit when `dependencies` are used): other characters become `-`.
 */
export function dnsName(text: string, maxLength = MAX_FIELD_NAME): string {
  let name = text.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+/, '');
  if (!/^[a-z]/.test(name)) name = `x-${name}`;
  return name.slice(0, maxLength).replace(/-+$/, '');
}

/** Hands out unique names within one scope: a second `a` becomes `a-2`, and so on. */
export class NameScope {
  readonly #taken = new Set<string>();

  constructor(private readonly maxLength = MAX_FIELD_NAME) {}

  /** A unique name for the text (reserved for the rest of the scope). */
  claim(text: string): string {
    const base = dnsName(text, this.maxLength);
    let name = base;
    for (let n = 2; this.#taken.has(name); n += 1) {
      const suffix = `-${n}`;
      name = `${base.slice(0, this.maxLength - suffix.length).replace(/-+$/, '')}${suffix}`;
    }
    this.#taken.add(name);
    return name;
  }
}

/** A number padded to a fixed width, for names that sort in order (`p0001`). */
export function padded(n: number, width: number): string {
  return String(n).padStart(width, '0');
}
