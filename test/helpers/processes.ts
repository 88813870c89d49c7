/** What the engine tests need to watch the processes a job starts: pid files and liveness. */
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Whether `pid` runs. A zombie counts as gone: a job whose worker was killed is reparented to
 * pid 1, and in a container pid 1 may never reap it, so `kill(pid, 0)` would say alive forever.
 */
export function isRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`not a process id: ${pid}`);
  try {
    return !/^\d+ \(.*\) [ZX]/s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** The file's text once a whole line is in it (`echo $$ > f` creates the file before it writes). */
function wholeLines(path: string): string | undefined {
  try {
    const text = readFileSync(path, 'utf8');
    return text.endsWith('\n') ? text : undefined;
  } catch {
    return undefined;
  }
}

/** The pid a job wrote to `path` with `echo $$ > path`, waiting up to `ms` for the whole line. */
export async function readPidFile(path: string, ms = 30_000): Promise<number> {
  for (const started = Date.now(); ; await sleep(25)) {
    const text = wholeLines(path);
    if (text !== undefined) return Number(text.trim());
    if (Date.now() - started > ms) throw new Error(`timed out waiting for ${path}`);
  }
}

/** Whether `pid` is gone within `ms`. A signalled process dies when it next runs, which on a loaded machine can take a while. */
export async function diesWithin(pid: number, ms: number): Promise<boolean> {
  for (const started = Date.now(); Date.now() - started < ms; await sleep(20)) if (!isRunning(pid)) return true;
  return !isRunning(pid);
}
