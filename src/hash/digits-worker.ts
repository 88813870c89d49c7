/** Entry of the thread that hashes process-id digits (see `digits-channel.ts`). */
import { workerData } from 'node:worker_threads';
import { digestPrefix, type HashBase } from './base-convert.js';
import { serveDigits, type ChannelBuffers } from './digits-channel.js';
import { sha512Bytes } from './ubelt-hash.js';

const { buffers, base, length } = workerData as { buffers: ChannelBuffers; base: HashBase; length: number };
serveDigits(buffers, (stream) => digestPrefix(sha512Bytes(stream), base, length));
