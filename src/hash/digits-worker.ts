/** Entry of the thread that hashes process-id digits (see `digits-channel.ts`). */
import { workerData } from 'node:worker_threads';
import type { HashBase } from './base-convert.js';
import { serveDigits, type ChannelBuffers } from './digits-channel.js';
import { sha512Prefix } from './ubelt-hash.js';

const { buffers, base, length } = workerData as { buffers: ChannelBuffers; base: HashBase; length: number };
serveDigits(buffers, (stream) => sha512Prefix(stream, base, length));
