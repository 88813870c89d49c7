/** Entry of the thread that hashes process-id digits (see `digits-channel.ts`). */
import { workerData } from 'node:worker_threads';
import { convertHexBasePrefix, type HashBase } from './base-convert.js';
import { serveDigits, type ChannelBuffers } from './digits-channel.js';
import { sha512Hex } from './ubelt-hash.js';

const { buffers, base, length } = workerData as { buffers: ChannelBuffers; base: HashBase; length: number };
serveDigits(buffers, (stream) => convertHexBasePrefix(sha512Hex(stream), base, length));
