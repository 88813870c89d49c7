import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ProbedJob, ProbeResult } from '../../../src/graph/build-graph.js';
import { ATTEMPT_NAME, diskProbe } from '../../../src/io/probe-jobs.js';

const FP = '0123456789abcdef';

/** A job in `dir` with these output paths, as the graph builder describes it. */
function probed(dir: string, outputs: readonly string[]): ProbedJob {
  return { dir, folder: dirname(dir), name: basename(dir), fingerprint: FP, outputs: () => outputs };
}

let base = '';
let counter = 0;
before(() => {
  base = mkdtempSync(join(tmpdir(), 'gwc-probe-'));
});
after(() => rmSync(base, { recursive: true, force: true }));

/** What a case puts on disk in the job dir (relative names; `undefined`: no job dir at all). */
interface DiskState {
  readonly marker?: string;
  readonly attempt?: boolean;
  readonly files?: readonly string[];
}

function markerText(fingerprint: string): string {
  return `{"process_id": "n_id_x", "fingerprint": "${fingerprint}", "adopted": false}\n`;
}

/** Lays out `<base>/<case>/node/<id>` and returns the job dir. */
function layOut(state: DiskState | undefined): string {
  counter += 1;
  const dir = join(base, `case${counter}`, 'node', 'n_id_x');
  mkdirSync(join(base, `case${counter}`, 'node'), { recursive: true });
  if (!state) return dir;
  mkdirSync(dir);
  if (state.marker !== undefined) writeFileSync(join(dir, '.gwc-done'), state.marker);
  if (state.attempt) writeFileSync(join(dir, ATTEMPT_NAME), '');
  for (const file of state.files ?? []) writeFileSync(join(dir, file), 'x');
  return dir;
}

describe('diskProbe', () => {
  const cases: [string, DiskState | undefined, readonly string[], ProbeResult][] = [
    ['no job dir', undefined, ['out.json'], 'absent'],
    ['empty job dir', {}, ['out.json'], 'absent'],
    ['marker with the same fingerprint', { marker: markerText(FP) }, ['out.json'], 'done'],
    ['marker with the same fingerprint, outputs and an attempt', { marker: markerText(FP), attempt: true, files: ['out.json'] }, ['out.json'], 'done'],
    ['marker with another fingerprint', { marker: markerText('fedcba9876543210') }, ['out.json'], 'stale'],
    ['marker with another fingerprint and every output', { marker: markerText('fedcba9876543210'), files: ['out.json'] }, ['out.json'], 'stale'],
    ['empty marker', { marker: '' }, ['out.json'], 'stale'],
    ['every output and no attempt', { files: ['out.json', 'b.json'] }, ['out.json', 'b.json'], 'adoptable'],
    ['every output and an attempt of ours', { attempt: true, files: ['out.json'] }, ['out.json'], 'absent'],
    ['some outputs missing', { files: ['out.json'] }, ['out.json', 'b.json'], 'absent'],
    ['a node without outputs', { files: ['other.json'] }, [], 'absent'],
    ['the job dir itself as output', {}, ['.'], 'adoptable'],
  ];
  for (const [name, state, outputs, want] of cases) {
    test(`${name} → ${want}`, () => {
      const dir = layOut(state);
      const paths = outputs.map((o) => (o === '.' ? dir : join(dir, o)));
      assert.equal(diskProbe()(probed(dir, paths)), want);
    });
  }

  test('a missing node directory is absent, not an error', () => {
    assert.equal(diskProbe()(probed(join(base, 'nowhere', 'node', 'n_id_x'), [])), 'absent');
  });

  test('one probe tells sibling job dirs apart', () => {
    const parent = join(base, 'siblings', 'node');
    mkdirSync(join(parent, 'a'), { recursive: true });
    mkdirSync(join(parent, 'b'), { recursive: true });
    writeFileSync(join(parent, 'a', '.gwc-done'), markerText(FP));
    writeFileSync(join(parent, 'b', 'out.json'), '{}');
    const probe = diskProbe();
    assert.equal(probe(probed(join(parent, 'a'), [join(parent, 'a', 'out.json')])), 'done');
    assert.equal(probe(probed(join(parent, 'b'), [join(parent, 'b', 'out.json')])), 'adoptable');
    assert.equal(probe(probed(join(parent, 'c'), [join(parent, 'c', 'out.json')])), 'absent');
  });
});
