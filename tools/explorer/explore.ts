import fc from 'fast-check';
import type { AdmissionMode } from '../../src/contract/names';
import type { Backends } from './backends';
import type { RunReport } from './checks';
import { Quiescence } from './quiescence';
import { runWorkload, STEP_MS, schedulerAct, type WorkloadSize, workloadArbitrary } from './run';

// The fault explorer's property: for every generated workload, fault plan and interleaving, the guarantees
// hold (tools/explorer/run.ts checks them). A failure is reported with fast-check's seed and path, which replay it, and
// the shrunk counterexample.

/** Options of {@link explore}. */
export interface ExploreOptions {
  /** fast-check's seed; the same seed replays the same runs. @default - a random seed, printed */
  readonly seed?: number;
  /** Runs to make. */
  readonly runs: number;
  /** The admission modes to explore. @default both */
  readonly modes?: readonly AdmissionMode[];
  /** Replays one failure: fast-check's `path` of a reported counterexample (with its seed). */
  readonly path?: string;
  /** Only these guarantees (1-6) fail a run, to hunt one kind of counterexample. @default all of them */
  readonly guarantees?: readonly number[];
  /** How large the generated days are (tools/explorer/run.ts WorkloadSize). @default 'small' */
  readonly size?: WorkloadSize;
  /** Stops (and reports) after this long, ms; the runs made so far count. @default no limit */
  readonly timeLimitMs?: number;
}

/** What an exploration found. */
export interface ExploreResult {
  readonly seed: number;
  readonly runs: number;
  readonly failed: boolean;
  /** When failed: fast-check's report (seed, path, shrunk counterexample and the guarantees it broke). */
  readonly report?: string;
  /** The last failing run's report, when failed. */
  readonly counterexample?: RunReport;
}

/** Runs the explorer's property against `backends`. */
export async function explore(backends: Backends, options: ExploreOptions): Promise<ExploreResult> {
  const quiet = new Quiescence();
  const clock = { now: Date.now() };
  let lastFailure: RunReport | undefined;
  const restoreTimers = quiet.installTimerTracking();
  try {
    const property = fc.asyncProperty(
      workloadArbitrary(options.modes, options.size),
      fc.scheduler({
        act: schedulerAct(
          () => quiet,
          () => {
            clock.now += STEP_MS;
          },
        ),
      }),
      async (workload, s) => {
        clock.now = Date.now();
        const started = Date.now();
        const report = await runWorkload(backends, workload, s, clock, quiet);
        if (process.env.EXPLORER_TRACE) {
          console.log(`${Date.now() - started} ms ${JSON.stringify(workload)} -> ${JSON.stringify(report)}`);
        }
        const broken = report.violations.filter(
          (v) => !options.guarantees || options.guarantees.includes(Number(v.split('.')[0])),
        );
        if (broken.length > 0) {
          lastFailure = report;
          throw new Error(`guarantees broken:\n  ${broken.join('\n  ')}\n${JSON.stringify(report)}`);
        }
      },
    );
    const details = await fc.check(property, {
      numRuns: options.runs,
      seed: options.seed,
      path: options.path,
      timeout: 60_000,
      interruptAfterTimeLimit: options.timeLimitMs,
      markInterruptAsFailure: false,
    });
    return {
      seed: details.seed,
      runs: details.numRuns,
      failed: details.failed,
      report: details.failed ? `${fc.defaultReportMessage(details)}\n${String(details.errorInstance)}` : undefined,
      counterexample: details.failed ? lastFailure : undefined,
    };
  } finally {
    restoreTimers();
  }
}
