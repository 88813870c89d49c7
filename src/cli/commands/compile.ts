import { spawnSync } from 'node:child_process';
import { relative } from 'node:path';
import { error } from '../../diagnostics/diagnostic.js';
import { emitTarget } from '../../compile.js';
import { scheduledJobs } from '../../graph/job-graph.js';
import { INLINE_PARAMS_NAME, paramsIsFile } from '../../io/read-inputs.js';
import { outDirProblem, writeOutDir } from '../../io/write-files.js';
import { TARGETS, type TargetName } from '../../targets/registry.js';
import type { TargetOptions } from '../../targets/target.js';
import { VERSION } from '../../version.js';
import { graphFromOptions } from '../front-end.js';
import type { ResolvedOptions } from '../options.js';
import { reportDiagnostics, type Console } from '../print.js';

function targetOptions(options: ResolvedOptions, cwd: string): TargetOptions {
  return {
    version: VERSION,
    inputs: [relative(cwd, options.pipelineFile) || options.pipelineFile, paramsIsFile(options.paramsArg, cwd) ? options.paramsArg : INLINE_PARAMS_NAME],
    outDir: options.outDir,
    workers: options.workers,
    devices: options.devices,
    devicesAuto: options.devicesAuto,
    queueName: options.queueName,
    ...(options.preamble ? { preamble: options.preamble } : {}),
    enableLinks: options.enableLinks,
    ...(options.settings !== undefined ? { settings: options.settings } : {}),
  };
}

function shellWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'"'"'`)}'`;
}

/** `geowatch-compile compile`: writes the artifacts of one target, then runs them when asked. */
export function runCompile(options: ResolvedOptions, io: { cwd: string; console: Console }): number {
  const target = TARGETS[options.target as TargetName];
  const built = graphFromOptions(options, io.cwd);
  if (reportDiagnostics(io.console, built.diagnostics) || !built.value) return 1;
  const graph = built.value;
  const opts = targetOptions(options, io.cwd);
  const emitted = emitTarget(graph, target, opts);
  const problem = outDirProblem(options.outDir);
  const diagnostics = problem ? [...emitted.diagnostics, error('E_OPTION', `will not write the artifacts: ${problem}`, { hint: 'pass an empty or new --out directory' })] : emitted.diagnostics;
  if (reportDiagnostics(io.console, diagnostics) || !emitted.value) return 1;
  writeOutDir(options.outDir, emitted.value);
  const jobs = scheduledJobs(graph);
  const toRun = jobs.filter((j) => j.status === 'to_run').length;
  const command = target.runCommand(opts);
  io.console.out(`wrote ${options.target} artifacts for ${jobs.length} jobs (${toRun} to run) to ${options.outDir}\n`);
  if (!options.run) {
    io.console.out(`to run: cd ${shellWord(options.outDir)} && ${command.map(shellWord).join(' ')}\n`);
    return 0;
  }
  const [program, ...args] = command as [string, ...string[]];
  const result = spawnSync(program, args, { cwd: options.outDir, stdio: 'inherit' });
  if (result.error) {
    io.console.err(`error: cannot start ${program}: ${result.error.message}\n`);
    return 1;
  }
  if (result.status === 0) return 0;
  // A failed job is the user's to fix, not ours: exit 1, never 2 (our internal errors).
  io.console.err(`${program} exited with ${result.status === null ? `signal ${result.signal}` : `code ${result.status}`}; fix the failed jobs and run again\n`);
  return 1;
}
