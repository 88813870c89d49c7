import { main } from '../../src/cli/main.js';

/** Runs the CLI in-process with captured output. */
export async function runCli(argv: readonly string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    cwd,
    console: { out: (t) => (stdout += t), err: (t) => (stderr += t) },
  });
  return { code, stdout, stderr };
}
