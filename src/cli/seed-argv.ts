/**
 * Rewrites the seed's (cmd_queue / mlops) option spellings into ours, so the
 * invocation users run today works unchanged:
 * `--enable_<node>=1` → `--enable <node>=1`, `--skip_existing=0` → `--skip-existing=0`,
 * `--queue_size=2` / `--tmux_workers=2` → `--workers=2`, and so on.
 */
const RENAMED: Readonly<Record<string, string>> = {
  '--skip_existing': '--skip-existing',
  '--queue_size': '--workers',
  '--tmux_workers': '--workers',
  '--queue_name': '--queue-name',
  '--enable_links': '--enable-links',
  '--virtualenv_cmd': '--virtualenv-cmd',
  '--root_dpath': '--root',
  '--hash_profile': '--hash-profile',
  '--grid_semantics': '--grid-semantics',
  '--max_configs': '--max-configs',
  '--slurm_options': '--slurm-options',
  '--max_array_size': '--max-array-size',
};

/** `--enable_<node>` takes its value after `=` or as the next word. */
function rewriteEnable(arg: string, next: string | undefined): { words: string[]; consumed: number } {
  const body = arg.slice('--enable_'.length);
  const eq = body.indexOf('=');
  if (eq >= 0) return { words: ['--enable', `${body.slice(0, eq)}=${body.slice(eq + 1)}`], consumed: 1 };
  if (next !== undefined && !next.startsWith('--')) return { words: ['--enable', `${body}=${next}`], consumed: 2 };
  return { words: ['--enable', `${body}=1`], consumed: 1 };
}

function rename(arg: string): string {
  const eq = arg.indexOf('=');
  const name = eq >= 0 ? arg.slice(0, eq) : arg;
  const renamed = RENAMED[name];
  if (!renamed) return arg;
  return eq >= 0 ? `${renamed}${arg.slice(eq)}` : renamed;
}

export function rewriteSeedArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; ) {
    const arg = argv[i] as string;
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    if (arg.startsWith('--enable_') && arg !== '--enable_links' && !arg.startsWith('--enable_links=')) {
      const { words, consumed } = rewriteEnable(arg, argv[i + 1]);
      out.push(...words);
      i += consumed;
      continue;
    }
    out.push(rename(arg));
    i += 1;
  }
  return out;
}
