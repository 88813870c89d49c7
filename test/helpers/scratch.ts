/** What the engine end-to-end tests share: a scratch dir per test file, and a small logging pipeline. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import type { Resources } from '../../src/pipeline/pipeline.js';
import type { FixtureJobSpec } from './fixture-graph.js';

/**
 * A temp dir for one test file, removed after its tests (after `beforeRemove`, e.g. ending the
 * sessions that still run in it). `counter` numbers what each test makes in it.
 */
export class Scratch {
  readonly base: string;
  counter = 0;

  constructor(prefix: string, beforeRemove?: () => void) {
    this.base = mkdtempSync(join(tmpdir(), prefix));
    after(() => {
      beforeRemove?.();
      rmSync(this.base, { recursive: true, force: true });
    });
  }

  /** A new dir `<base>/<name><n>`, with the next number. */
  freshDir(name: string): string {
    this.counter += 1;
    const dir = join(this.base, `${name}${this.counter}`);
    mkdirSync(dir, { recursive: true });
    return dir;
  }
}

/** The lines a pipeline's jobs appended to LOG, in order ([] before any job ran). */
export const logLines = (log: string): string[] => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []);

export interface LogPipelineOptions {
  /** The id of the job that fails, after logging. */
  readonly failing?: string | undefined;
  /** The shell text that makes it fail (default `exit 1`). */
  readonly failure?: string | undefined;
  /** Resources of the predict jobs. */
  readonly predictResources?: Resources;
  /** Evaluate jobs also depend on their predict job (fan-in). */
  readonly evaluateNeedsPredict?: boolean;
}

/** predict → track → evaluate, 2/4/4 jobs, each appending its id to LOG. */
export function logPipelineSpecs(log: string, options: LogPipelineOptions = {}): FixtureJobSpec[] {
  const { failing, failure = 'exit 1', predictResources, evaluateNeedsPredict = false } = options;
  const command = (id: string): string => `echo ${id} >> ${log}${id === failing ? `; ${failure}` : ''}`;
  const specs: FixtureJobSpec[] = [];
  for (const p of ['p0', 'p1']) {
    specs.push({ id: p, node: 'predict', command: command(p), ...(predictResources ? { resources: predictResources } : {}) });
  }
  for (const p of ['p0', 'p1']) {
    for (const t of ['a', 'b']) specs.push({ id: `${p}${t}`, node: 'track', deps: [p], command: command(`${p}${t}`) });
  }
  for (const p of ['p0', 'p1']) {
    for (const t of ['a', 'b']) {
      const deps = evaluateNeedsPredict ? [`${p}${t}`, p] : [`${p}${t}`];
      specs.push({ id: `${p}${t}e`, node: 'evaluate', deps, command: command(`${p}${t}e`) });
    }
  }
  return specs;
}
