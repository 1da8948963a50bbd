/** Latency summary of one measured run, ms. */
export interface Latency {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/** Nearest-rank percentile of ascending `sorted` (ms); 0 for no samples. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

/** p50/p95/p99/max of raw samples (ms), rounded to 0.01 ms. */
export function latency(samples: readonly number[]): Latency {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (v: number) => Math.round(v * 100) / 100;
  return {
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.at(-1) ?? 0),
  };
}

/** Median of samples; 0 for none. */
export function median(samples: readonly number[]): number {
  return percentile(
    [...samples].sort((a, b) => a - b),
    50,
  );
}

/**
 * Runs `total` operations with at most `concurrency` in flight (a closed loop: each worker starts its next
 * operation when the previous one ends), timing each. `operation(i, w)` gets the index of the request and of the
 * worker running it (0 .. concurrency - 1), so a worker can keep its own connection. After `budgetMs` no new
 * operation starts (a slow strategy cannot hold the whole benchmark hostage); `completed` says how many ran.
 * @returns the wall time (ms), every operation's latency (ms) in completion order, and the completed count.
 */
export async function closedLoop(
  total: number,
  concurrency: number,
  operation: (index: number, worker: number) => Promise<void>,
  budgetMs = Number.POSITIVE_INFINITY,
): Promise<{ elapsedMs: number; samples: number[]; completed: number }> {
  const samples: number[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async (_: unknown, w: number) => {
    while (next < total && performance.now() - started < budgetMs) {
      const index = next++;
      const t0 = performance.now();
      await operation(index, w);
      samples.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  return { elapsedMs: performance.now() - started, samples, completed: samples.length };
}

/** Formats rows as a Markdown table with the given columns (header -> cell). */
export function markdownTable<T>(rows: readonly T[], columns: Record<string, (row: T) => string | number>): string {
  const headers = Object.keys(columns);
  const cells = rows.map((row) => Object.values(columns).map((cell) => String(cell(row))));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (values: string[]) => `| ${values.map((v, i) => v.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}
