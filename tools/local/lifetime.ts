import { readFileSync } from 'node:fs';

/**
 * The parent pid in a /proc/<pid>/stat line, `pid (comm) state ppid ...`: comm may hold spaces and parentheses, so the
 * fields after it are read from the last ')'.
 */
export function parentPidOf(stat: string): number {
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

/**
 * The pids of this process's ancestors, nearest first, up to (not including) pid 1, read from /proc (Linux); empty
 * where there is no /proc.
 */
export function ancestorPids(pid = process.pid, readStat = (p: number) => readFileSync(`/proc/${p}/stat`, 'utf8')) {
  const found: number[] = [];
  for (let current = pid; ; ) {
    let stat: string;
    try {
      stat = readStat(current);
    } catch {
      return found;
    }
    const ppid = parentPidOf(stat);
    if (!Number.isInteger(ppid) || ppid <= 1 || found.includes(ppid)) return found;
    found.push(ppid);
    current = ppid;
  }
}

/** True while a process with this pid exists (signal 0 checks without sending anything). */
function exists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Runs `stop` once, with the reason, on SIGINT, SIGTERM or SIGHUP, or when any process that was an ancestor of this
 * one at the start has exited (checked every `pollMs`). The second case is what a signal to the pid of `npm start`
 * leaves: npm exits at once and its `sh -c` does not pass the signal on, so without it tsx, this process and
 * everything it started (DynamoDB Local, redis-server, fauxqs, the function workers) would run on, orphaned.
 * @returns a function that stops watching.
 */
export function stopWithLauncher(stop: (reason: string) => void, pollMs = 500): () => void {
  let stopped = false;
  const once = (reason: string) => {
    if (stopped) return;
    stopped = true;
    dispose();
    stop(reason);
  };
  const ancestors = ancestorPids();
  const timer = setInterval(() => {
    const gone = ancestors.find((pid) => !exists(pid));
    if (gone !== undefined) once(`process ${gone}, which started this one, has exited`);
  }, pollMs);
  timer.unref();
  const handlers = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((signal) => {
    const handler = () => once(signal);
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  function dispose() {
    clearInterval(timer);
    for (const [signal, handler] of handlers) process.off(signal, handler);
  }
  return dispose;
}

/**
 * Stops the parts of a local cloud in the order given, waiting for each at most `stepMs` and for all at most
 * `budgetMs`: past the budget each part left is still asked to stop, without waiting. A part that throws counts as
 * stopped. Defaults: 3 s a part, 10 s in all, within the 15 s a test gives a child cloud before SIGKILL
 * (tools/local/child-cloud.ts; the emulators, stopped last, are SIGKILLed when the process exits,
 * tools/local/emulators.ts).
 */
export async function stopInOrder(
  parts: readonly (() => Promise<void>)[],
  { stepMs = 3_000, budgetMs = 10_000 }: { stepMs?: number; budgetMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + budgetMs;
  for (const stop of parts) {
    const stopping = stop().catch(() => undefined);
    const waitMs = Math.min(stepMs, deadline - Date.now());
    if (waitMs <= 0) continue;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      stopping,
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, waitMs);
      }),
    ]);
    clearTimeout(timer);
  }
}
