/**
 * The seed's whole `schedule_evaluation` invocation (examples/geowatch/schedule.sh),
 * run as users run it: through bash and the built CLI, with its root in a temp dir.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { repoPath } from '../helpers/paths.js';
import type { PlanJob } from '../helpers/plan-json.js';
import { isScheduled } from '../helpers/demo.js';

const SCHEDULE = repoPath('examples', 'geowatch', 'schedule.sh');
const SCHEDULED_NODES: Readonly<Record<string, number>> = {
  pred_trk_pxl: 1,
  eval_trk_pxl: 1,
  pred_trk_poly: 4,
  eval_trk_poly: 4,
  viz_pred_trk_poly: 4,
};
const DISABLED_NODES = ['crop', 'pred_act_pxl', 'eval_act_pxl', 'pred_act_poly', 'eval_act_poly', 'viz_pred_act_poly'];


const base = mkdtempSync(join(tmpdir(), 'gwc-seed-'));
let counter = 0;
after(() => rmSync(base, { recursive: true, force: true }));

/** Runs schedule.sh with ROOT_DPATH in a fresh temp dir; extra words go to the CLI. */
function schedule(...args: string[]) {
  counter += 1;
  const root = join(base, `root${counter}`);
  const env: NodeJS.ProcessEnv = { ...process.env, ROOT_DPATH: root };
  for (const name of ['DVC_EXPT_DPATH', 'DVC_DATA_DPATH', 'TEST_DATASET', 'DATASET_CODE']) delete env[name];
  const result = spawnSync('bash', [SCHEDULE, ...args], { cwd: base, encoding: 'utf8', env });
  return { root, status: result.status, stdout: result.stdout, stderr: result.stderr };
}


describe('the seed invocation (examples/geowatch/schedule.sh)', () => {
  test('plan --format json: 14 scheduled jobs, crop and act nodes disabled', () => {
    const result = schedule('plan', '--format', 'json');
    assert.equal(result.status, 0, result.stderr);
    const plan = JSON.parse(result.stdout) as { rows: number; root: string; jobs: PlanJob[] };
    assert.equal(plan.root, result.root);
    const scheduled = plan.jobs.filter(isScheduled);
    assert.equal(scheduled.length, 14);
    const perNode: Record<string, number> = {};
    for (const job of scheduled) perNode[job.node] = (perNode[job.node] ?? 0) + 1;
    assert.deepEqual(perNode, SCHEDULED_NODES);
    assert.ok(scheduled.every((j) => j.status === 'to_run'), 'a fresh root has nothing done');
    for (const node of DISABLED_NODES) {
      const jobs = plan.jobs.filter((j) => j.node === node);
      assert.ok(jobs.length > 0 && jobs.every((j) => j.status === 'disabled'), `${node} is disabled`);
    }
    assert.ok(!existsSync(result.root), 'plan writes nothing');
  });

  test('one BAS predict and one pixel eval are shared by the four thresholds', () => {
    const plan = JSON.parse(schedule('plan', '--format', 'json').stdout) as { jobs: PlanJob[] };
    const scheduled = plan.jobs.filter(isScheduled);
    const only = (node: string) => scheduled.filter((j) => j.node === node);
    const [predict] = only('pred_trk_pxl');
    assert.ok(predict);
    assert.deepEqual(only('eval_trk_pxl').map((j) => j.deps), [[predict.id]]);
    const polys = only('pred_trk_poly');
    assert.ok(polys.every((j) => j.deps.includes(predict.id)));
    for (const node of ['eval_trk_poly', 'viz_pred_trk_poly']) {
      const upstream = only(node).map((j) => polys.find((p) => j.deps.includes(p.id))?.id);
      assert.deepEqual([...upstream].sort(), polys.map((p) => p.id).sort(), `each ${node} job reads its own tracking job`);
    }
  });

  test('as written (--backend=serial) it compiles to the bash target: one script with 14 jobs, the seed options applied', () => {
    const result = schedule();
    assert.equal(result.status, 0, result.stderr);
    const out = join(result.root, '_gwc', 'secondary-eval', 'bash');
    assert.equal(result.stdout, `wrote bash artifacts for 14 jobs (14 to run) to ${out}\nto run: cd ${out} && sh run.sh\n`);
    const script = readFileSync(join(out, 'run.sh'), 'utf8');
    const jobs = [...script.matchAll(/^gwc_job \d+ ([a-z_]+)_id_[0-9a-z]{12} /gm)].map((m) => m[1] as string);
    const perNode: Record<string, number> = {};
    for (const node of jobs) perNode[node] = (perNode[node] ?? 0) + 1;
    assert.deepEqual(perNode, SCHEDULED_NODES);
    assert.match(script, /^\[ -n "\$\{GWC_DEVICES\+set\}" \] \|\| GWC_DEVICES=0,1; export GWC_DEVICES$/m, '--devices="0,1"');
    assert.match(script, /^gwc_name='"secondary-eval"'$/m, "--queue_name='secondary-eval'");
    assert.match(script, / --link /, '--enable_links=1');
    assert.ok(existsSync(join(out, 'gwc-run.sh')));
    const lint = spawnSync('shellcheck', [join(out, 'run.sh')], { encoding: 'utf8' });
    assert.equal(lint.status, 0, lint.stdout);
  });

  test('with --target=make it compiles: a Makefile with 14 job rules, the seed options applied', () => {
    const result = schedule('--target=make');
    assert.equal(result.status, 0, result.stderr);
    const out = join(result.root, '_gwc', 'secondary-eval', 'make');
    assert.equal(result.stdout, `wrote make artifacts for 14 jobs (14 to run) to ${out}\nto run: cd ${out} && make -j 2\n`);
    const makefile = readFileSync(join(out, 'Makefile'), 'utf8');
    const rules = [...makefile.matchAll(/^(\S+)\/\.gwc-done:/gm)].map((m) => m[1] as string);
    assert.equal(rules.length, 14);
    const perNode: Record<string, number> = {};
    for (const rule of rules) {
      const node = /\/([a-z_]+)\/\1_id_[0-9a-z]{12}$/.exec(rule)?.[1] ?? rule;
      perNode[node] = (perNode[node] ?? 0) + 1;
    }
    assert.deepEqual(perNode, SCHEDULED_NODES);
    assert.match(makefile, /^export GWC_DEVICES \?= 0,1$/m, '--devices="0,1"');
    assert.match(makefile, / --link /, '--enable_links=1');
    assert.ok(existsSync(join(out, 'gwc-run.sh')));
  });
});
