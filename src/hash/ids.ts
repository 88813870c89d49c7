import { posix } from 'node:path';
import type { ValueMap } from '../values/value.js';
import { hashData } from './ubelt-hash.js';

/**
 * How ids are made and laid out.
 * - `kwdagger`: base36, 12 characters, `<root>/<group>/<node>/<process_id>`.
 * - `geowatch-v2`: hex, 8 characters, `<root>/<group>/flat/<node>/<process_id>`.
 */
export type HashProfile = 'kwdagger' | 'geowatch-v2';

/** `condense_config`: `<type>_<hash>` with the profile's base and length. */
export function condense(config: ValueMap, typeName: string, profile: HashProfile): string {
  const hash = profile === 'kwdagger' ? hashData(config, 36).slice(0, 12) : hashData(config, 16).slice(0, 8);
  return `${typeName}_${hash}`;
}

/** `<node>_algo_id_<hash>` of the node's algo config. */
export function algoId(nodeName: string, algoConfig: ValueMap, profile: HashProfile): string {
  return condense(algoConfig, `${nodeName}_algo_id`, profile);
}

/** `<node>_id_<hash>` of `{node or ancestor: algo id}`. */
export function processId(nodeName: string, depends: ValueMap, profile: HashProfile): string {
  return condense(depends, `${nodeName}_id`, profile);
}

/** The job directory; a group of '.' collapses. */
export function jobDirectory(root: string, group: string, nodeName: string, id: string, profile: HashProfile): string {
  const parts = profile === 'kwdagger' ? [group, nodeName, id] : [group, 'flat', nodeName, id];
  return posix.join(root, ...parts.filter((p) => p !== '.' && p !== ''));
}
