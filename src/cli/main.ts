import { Command, CommanderError } from 'commander';
import { TARGETS } from '../targets/registry.js';
import { VERSION } from '../version.js';
import { runCompile } from './commands/compile.js';
import { runExpand } from './commands/expand.js';
import { runPlan } from './commands/plan.js';
import { addCompileOptions, addGridOptions, resolveOptions, type RawOptions, type ResolvedOptions } from './options.js';
import { PROCESS_CONSOLE, reportDiagnostics, type Console } from './print.js';
import { rewriteSeedArgv } from './seed-argv.js';

type Action = (options: ResolvedOptions, io: { cwd: string; console: Console }) => number;

const EXAMPLES = `
Examples:
  geowatch-compile --pipeline pipeline.yaml --params grid.yaml --target make --run=1
  geowatch-compile plan --pipeline pipeline.yaml --params grid.yaml --format json
  geowatch-compile expand --params "matrix: {predict.window: [8, 16]}"`;

function program(io: { cwd: string; console: Console }, setCode: (code: number) => void): Command {
  const targets = Object.keys(TARGETS);
  const act = (action: Action, needsPipeline: boolean) => (raw: RawOptions) => {
    const { options, diagnostics } = resolveOptions(raw, { cwd: io.cwd, targets, needsPipeline });
    if (reportDiagnostics(io.console, diagnostics) || !options) return setCode(1);
    setCode(action(options, io));
  };
  const root = new Command('geowatch-compile')
    .description('Compile a stage graph and a param grid into workflow artifacts (make, bash, tmux, slurm, argo, snakemake)')
    .version(VERSION)
    .addHelpText('after', EXAMPLES)
    .configureOutput({ writeOut: (s) => io.console.out(s), writeErr: (s) => io.console.err(s) })
    .exitOverride();
  addCompileOptions(root.command('compile', { isDefault: true }).description('write the artifacts of one target (the default command)'))
    .action(act(runCompile, true));
  addCompileOptions(root.command('plan').description('show per node: requested rows, unique jobs, done, to run, disabled, skipped and why'))
    .action(act(runPlan, true));
  addGridOptions(root.command('expand').description('print the grid rows in order (JSON with --format json)'))
    .action(act(runExpand, false));
  root
    .command('targets')
    .description('list the targets')
    .action(() => {
      for (const target of Object.values(TARGETS)) io.console.out(`${target.name.padEnd(10)} ${target.description}\n`);
      setCode(0);
    });
  return root;
}

/** Runs the CLI; returns the exit code (0 ok, 1 user error, 2 internal error). */
export async function main(argv: readonly string[], io = { cwd: process.cwd(), console: PROCESS_CONSOLE }): Promise<number> {
  let code = 0;
  try {
    await program(io, (c) => (code = c)).parseAsync(rewriteSeedArgv(argv), { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 1;
    io.console.err(`internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\nplease report this with the command that caused it\n`);
    return 2;
  }
}
