/**
 * A job command for tests: `node record-argv.js OUT.json ARGS...` writes what the job
 * received (argv, cwd and the runner's environment) to OUT.json.
 */
import { writeFileSync } from 'node:fs';

/** What {@link record-argv} writes. */
export interface RecordedCall {
  readonly argv: string[];
  readonly cwd: string;
  readonly env: Record<string, string | null>;
}

const RECORDED_ENV = ['CUDA_VISIBLE_DEVICES', 'GWC_PREAMBLE', 'GWC_DEVICES', 'GWC_TEST_PRE'];

const [out, ...argv] = process.argv.slice(2);
if (out !== undefined) {
  const env = Object.fromEntries(RECORDED_ENV.map((name) => [name, process.env[name] ?? null]));
  const call: RecordedCall = { argv, cwd: process.cwd(), env };
  writeFileSync(out, JSON.stringify(call));
}
