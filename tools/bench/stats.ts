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

/** A median over rounds with its spread and a confidence interval of the median. */
export interface RoundsSummary {
  /** Median of the rounds. */
  readonly median: number;
  /** Lowest and highest round: the spread. */
  readonly min: number;
  readonly max: number;
  /**
   * Distribution-free confidence interval of the median: order statistics k and n + 1 - k of the n rounds, k the
   * largest with coverage 1 - 2 P(Binomial(n, 1/2) <= k - 1) >= 95% (for fewer than 6 rounds no such k exists: the
   * whole range, at its lower coverage). More rounds narrow it; the spread of single rounds does not narrow.
   */
  readonly low: number;
  readonly high: number;
  /** Coverage of [low, high], 0..1. */
  readonly confidence: number;
  /** Every round's value, in the order run. */
  readonly rounds: readonly number[];
}

/** Coverage of the order-statistic interval [x(k), x(n+1-k)] for the median of n samples. */
function medianCoverage(n: number, k: number): number {
  let tail = 0;
  let term = 0.5 ** n; // P(B = 0)
  for (let i = 0; i < k; i++) {
    tail += term;
    term = (term * (n - i)) / (i + 1);
  }
  return 1 - 2 * tail;
}

/** Median, spread and 95% interval of the median (see {@link RoundsSummary}) of per-round values; rounded to 0.001. */
export function summarizeRounds(rounds: readonly number[]): RoundsSummary {
  const sorted = [...rounds].sort((a, b) => a - b);
  const n = sorted.length;
  const round = (v: number) => Math.round(v * 1000) / 1000;
  let k = 1;
  while (k + 1 <= Math.floor((n + 1) / 2) && medianCoverage(n, k + 1) >= 0.95) k++;
  const mid =
    n === 0
      ? 0
      : n % 2 === 1
        ? (sorted[(n - 1) / 2] as number)
        : ((sorted[n / 2 - 1] as number) + (sorted[n / 2] as number)) / 2;
  return {
    median: round(mid),
    min: round(sorted[0] ?? 0),
    max: round(sorted.at(-1) ?? 0),
    low: round(sorted[k - 1] ?? 0),
    high: round(sorted[n - k] ?? 0),
    confidence: n === 0 ? 0 : round(medianCoverage(n, k)),
    rounds: rounds.map(round),
  };
}

/**
 * Where a measured median stands against a goal's threshold: true when the 95% interval of the median lies wholly
 * on one side of it (the verdict is not noise); false otherwise, and always below 6 rounds, where no 95% interval
 * exists (more rounds may decide it).
 */
export function clearOfNoise(summary: RoundsSummary, threshold: number): boolean {
  if (summary.confidence < 0.95) return false; // fewer than 6 rounds: no interval says anything yet
  return (summary.low > threshold && summary.high > threshold) || (summary.low < threshold && summary.high < threshold);
}

/** `1.23x (95% CI 1.10-1.31, 9 rounds, range 0.98-1.40)`. */
export function formatRounds(summary: RoundsSummary, unit = 'x'): string {
  const pct = Math.round(summary.confidence * 100);
  return `${summary.median}${unit} (${pct}% CI ${summary.low}-${summary.high}, ${summary.rounds.length} rounds, range ${summary.min}-${summary.max})`;
}
