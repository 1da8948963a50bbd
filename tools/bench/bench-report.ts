import type { AdmissionCpuOptions, AdmissionCpuResult } from './admission-cpu';
import type { AdmissionBenchOptions, AdmissionRatio, StrategySummary } from './admission-strategies';
import type { BigDaysOptions, BigDaysResult } from './big-days';
import type { ColdStartResult } from './cold-start';
import type { CounterShardOptions, ShardRunResult } from './counter-shards';
import type { DynamoDbAdmissionOptions, DynamoDbAdmissionResult } from './dynamodb-admission';
import type { EndToEndOptions, EndToEndResult } from './end-to-end';
import type { OpeningSecondOptions, OpeningSecondResult } from './opening-second';
import type { WhyQueueOptions, WhyQueueResult } from './why-a-queue';

// The shape of a benchmark run's report, apart from run.ts (which runs the benchmarks and writes the report with
// report.ts, charts.ts and pipeline-report.ts), so those can name it without an import cycle.

/** Sizes of every benchmark. */
export interface BenchSizes {
  readonly admission: AdmissionBenchOptions;
  readonly admissionCpu: AdmissionCpuOptions;
  readonly coldStartRuns: number;
  readonly shards: CounterShardOptions;
  readonly dynamodbAdmission: DynamoDbAdmissionOptions;
  readonly endToEnd: EndToEndOptions;
  readonly whyQueue: WhyQueueOptions;
  readonly openingSecond: OpeningSecondOptions;
  readonly bigDays: BigDaysOptions;
}

/** A goal of a benchmark and whether this run met it. */
export interface Goal {
  /** The question it answers (BENCHMARKS.md, Q1 to Q6), e.g. `Q3`; unset for a goal of no question. */
  readonly question?: string;
  readonly goal: string;
  readonly measured: string;
  readonly met: boolean;
  /**
   * For a median over rounds: whether its 95% interval lies on one side of the threshold (stats.ts
   * clearOfNoise); false says the verdict is within this machine's noise. Unset for a single measurement.
   */
  readonly clear?: boolean;
}

/** Everything one `npm run bench` measured. */
export interface BenchReport {
  readonly date: string;
  readonly machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string; platform: string };
  readonly sizes: BenchSizes;
  readonly admission?: StrategySummary[];
  /** Question 4's goal ratios, per transport, over the rounds at the goal concurrency. */
  readonly admissionRatios?: AdmissionRatio[];
  /** Question 3. */
  readonly admissionCpu?: AdmissionCpuResult;
  readonly coldStart?: ColdStartResult[];
  readonly shards?: ShardRunResult[];
  /** Question 4 in DynamoDB mode: the bare counter, the previous two writes, the transaction. */
  readonly dynamodbAdmission?: DynamoDbAdmissionResult;
  readonly endToEnd?: EndToEndResult;
  readonly whyQueue?: WhyQueueResult;
  readonly openingSecond?: OpeningSecondResult;
  /** Question 6: per-admission and per-run cost against the quota. */
  readonly bigDays?: BigDaysResult;
  readonly goals: Goal[];
}
