import { posix } from 'node:path';
import type { ValueMap } from '../values/value.js';
import { hashDataPrefix, memoizedHashPrefix, sha512Prefix, type HashBase } from './ubelt-hash.js';

/**
 * How ids are made and laid out.
 * - `kwdagger`: base36, 12 characters, `<root>/<group>/<node>/<process_id>`.
 * - `geowatch-v2`: hex, 8 characters, `<root>/<group>/flat/<node>/<process_id>`.
 */
export type HashProfile = 'kwdagger' | 'geowatch-v2';

const HASH_FORMAT: Readonly<Record<HashProfile, { base: HashBase; length: number }>> = {
  kwdagger: { base: 36, length: 12 },
  'geowatch-v2': { base: 16, length: 8 },
};

/** The digits of a profile's ids: their base and how many are kept. */
export function hashFormat(profile: HashProfile): { readonly base: HashBase; readonly length: number } {
  return HASH_FORMAT[profile];
}

/** `condense_config`: `<type>_<hash>`, the hash cut to the profile's length from its most significant end. */
export function condense(config: ValueMap, typeName: string, profile: HashProfile): string {
  return condenser(typeName, profile)(config);
}

/**
 * {@link condense} for one type name, its `<type>_` prefix made once: ids of one
 * node then share the prefix string instead of each holding a copy.
 */
export function condenser(typeName: string, profile: HashProfile): (config: ValueMap) => string {
  const { base, length } = HASH_FORMAT[profile];
  const prefix = `${typeName}_`;
  return (config) => prefix + hashDataPrefix(config, base, length);
}

/** How the graph builder names a node's jobs. */
export interface NodeIdMakers {
  /** `<node>_algo_id_<hash>`, remembered: a node's own config repeats across the rows of a sweep. */
  readonly algoId: (algo: ValueMap) => string;
  /** `<node>_id_`: a process id is this plus {@link processDigits}. */
  readonly processPrefix: string;
  /** The hash digits of a process id from the text of its `depends` stream (see `depends-stream.ts`). */
  readonly processDigits: (dependsStream: string) => string;
}

export function nodeIdMakers(nodeName: string, profile: HashProfile): NodeIdMakers {
  const { base, length } = HASH_FORMAT[profile];
  return {
    algoId: memoizedHashPrefix(`${nodeName}_algo_id_`, base, length),
    processPrefix: `${nodeName}_id_`,
    processDigits: (stream) => sha512Prefix(stream, base, length),
  };
}

/** `<node>_algo_id_<hash>` of the node's algo config; it does not depend on the DAG. */
export function algoId(nodeName: string, algoConfig: ValueMap, profile: HashProfile): string {
  return nodeIdMakers(nodeName, profile).algoId(algoConfig);
}

/** `<node>_id_<hash>` of `depends` = `{node or ancestor name: its algo id}`, the node itself included. */
export function processId(nodeName: string, depends: ValueMap, profile: HashProfile): string {
  return condenser(`${nodeName}_id`, profile)(depends);
}

/** The job directory: its node's folder plus the process id. */
export function jobDirectory(root: string, group: string, nodeName: string, processId: string, profile: HashProfile): string {
  return `${nodeDirectory(root, group, nodeName, profile)}/${processId}`;
}

/** The folder that holds a node's job directories; a group of '.' (or '') adds no level. */
export function nodeDirectory(root: string, group: string, nodeName: string, profile: HashProfile): string {
  const levels = profile === 'kwdagger' ? [group, nodeName] : [group, 'flat', nodeName];
  return posix.join(root, ...levels.filter((level) => level !== '.' && level !== ''));
}
