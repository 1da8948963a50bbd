/**
 * The capacity figures of a drop and where they come from: the one place the dry run's warnings
 * (src/functions/domain/drop-plan/drop-plan.ts) and BENCHMARKS.md's capacity model ("Capacity and cost model") take them from.
 * A figure that changes here changes there (test/unit/domain/capacity.test.ts checks that BENCHMARKS.md cites
 * every source of this module).
 */

/** A limit or price with its public source. */
interface SourcedFigure {
  readonly value: number;
  /** Unit of `value`. */
  readonly unit: string;
  /** Where the figure is published. */
  readonly source: string;
}

/** The figures the capacity warnings use. */
export const CAPACITY = {
  /** API Gateway's default throttle per account and region, steady rate. */
  apiGatewayAccountRps: {
    value: 10_000,
    unit: 'requests/s',
    source: 'https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html',
  },
  /** API Gateway's default burst per account and region: the token bucket's size, requests. */
  apiGatewayAccountBurst: {
    value: 5_000,
    unit: 'requests',
    source: 'https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html',
  },
  /** CloudFront's default request rate per distribution (the edge, construct prop `edge`). */
  cloudFrontRequestsPerSecond: {
    value: 250_000,
    unit: 'requests/s',
    source: 'https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-limits.html',
  },
  /** Lambda's default concurrency quota per account and region (raised through Service Quotas). */
  lambdaAccountConcurrency: {
    value: 1_000,
    unit: 'concurrent executions',
    source: 'https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html',
  },
  /** How fast one function adds execution environments under a burst: this many every 10 s. */
  lambdaScalingPer10s: {
    value: 1_000,
    unit: 'execution environments per 10 s',
    source: 'https://docs.aws.amazon.com/lambda/latest/dg/scaling-behavior.html',
  },
  /** Write units per second one partition (so one item) serves: one counter item's admission attempts. */
  dynamoDbItemWritesPerSecond: {
    value: 1_000,
    unit: 'writes/s',
    source: 'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-partition-key-design.html',
  },
  /** Read units per second one partition (so one item) serves: a strongly consistent read of up to 4 KB is one. */
  dynamoDbItemReadsPerSecond: {
    value: 3_000,
    unit: 'reads/s',
    source: 'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-partition-key-design.html',
  },
  /** Upstash pay-as-you-go commands per second per database; one admission is one EVALSHA. */
  upstashCommandsPerSecond: {
    value: 10_000,
    unit: 'commands/s',
    source: 'https://upstash.com/docs/redis/overall/pricing',
  },
  /**
   * Average billed duration of one issue invocation, s: the cost model's assumption (BENCHMARKS.md, "Capacity and
   * cost model": 20 ms per admission in Redis mode); concurrency = requests/s x duration (Little's law).
   */
  issueSecondsPerRequest: {
    value: 0.02,
    unit: 's',
    source: 'BENCHMARKS.md, "Capacity and cost model" (assumption: 20 ms billed per issue request)',
  },
  /** The same in DynamoDB mode (its read, rank ticket and transaction): the cost model's 30 ms. */
  issueSecondsPerRequestDynamoDb: {
    value: 0.03,
    unit: 's',
    source: 'BENCHMARKS.md, "Capacity and cost model" (assumption: 30 ms billed per issue request, DynamoDB mode)',
  },
  /**
   * Billed duration of a sold-out answer from an instance's memory (src/functions/domain/admission/sold-out-cache.ts):
   * Lambda's 1 ms minimum, as Q3 measures about 0.07 ms of CPU for it.
   */
  soldOutSecondsPerRequest: {
    value: 0.001,
    unit: 's',
    source:
      'BENCHMARKS.md, Q3 ("sold out, from the instance\'s cache") and https://aws.amazon.com/lambda/pricing/ (billed per 1 ms)',
  },
  /** Billed duration of one count read by the query function (README.md, "Preparing a drop": ~10 ms at 512 MB). */
  querySecondsPerRequest: {
    value: 0.01,
    unit: 's',
    source: 'README.md, "Preparing a drop" (the edge count\'s cost table: ~10 ms billed per count read)',
  },
} as const satisfies Record<string, SourcedFigure>;

/** The deployed settings a capacity check reads (the construct sets them on the admin function). */
export interface DeployedCapacity {
  /** `redis` (Upstash) or `dynamodb` admission. */
  readonly admissionMode: 'redis' | 'dynamodb';
  /** The stage's steady-state throttle, requests/s: the issue route's limit (construct prop `throttleRateLimit`). */
  readonly stageThrottleRateLimit: number;
  /** The stage's burst, requests (construct prop `throttleBurstLimit`). */
  readonly stageThrottleBurstLimit: number;
  /**
   * The issue function's reserved concurrency; undefined when it draws on the account's unreserved pool
   * (assumed {@link CAPACITY}.lambdaAccountConcurrency unless `accountConcurrency` says otherwise).
   */
  readonly issueReservedConcurrency?: number;
  /** The account's concurrency quota when known. @default CAPACITY.lambdaAccountConcurrency */
  readonly accountConcurrency?: number;
  /** Whether CloudFront fronts the API and caches the count (construct prop `edge`). @default false */
  readonly edge?: boolean;
}

/** What a campaign asks of the deployment. */
interface CampaignLoad {
  /** Requests/s expected at the opening second; undefined: nothing to compare, no warnings. */
  readonly expectedPeakRps?: number;
  /** DynamoDB mode: counter items the day's quota is split over. */
  readonly counterShards: number;
  /** Admissions a day: in DynamoDB mode, how long the attempts find quota left (and take a rank). */
  readonly dailyQuota: number;
  /** Provisioned concurrency the campaign asks for at each opening; undefined without pre-warming. */
  readonly prewarmConcurrency?: number;
}

/** A capacity problem the dry run reports; `setting` names what to change. */
export interface CapacityWarning {
  /** Stable code, e.g. `STAGE_THROTTLE`. */
  readonly code: string;
  /** The setting (construct prop, campaign field or service quota) that raises the limit. */
  readonly setting: string;
  /** The limit as deployed, in `unit`. */
  readonly limit: number;
  /** What the campaign needs, in `unit`. */
  readonly needed: number;
  readonly unit: string;
  /** One sentence for the operator. */
  readonly message: string;
  /** Where the limit is published (a figure of {@link CAPACITY}), when it is not a setting of this deployment. */
  readonly source?: string;
}

/**
 * Execution environments that serve `requestsPerSecond` (Little's law: rate x {@link CAPACITY}.issueSecondsPerRequest),
 * rounded up; at least 1.
 */
export function concurrencyFor(requestsPerSecond: number): number {
  return Math.max(1, Math.ceil(requestsPerSecond * CAPACITY.issueSecondsPerRequest.value));
}

/** The issue function's concurrency limit as deployed: its reserved concurrency, else the account's quota. */
export function issueConcurrencyLimit(deployed: DeployedCapacity): number {
  return deployed.issueReservedConcurrency ?? deployed.accountConcurrency ?? CAPACITY.lambdaAccountConcurrency.value;
}

/**
 * Compares what a campaign asks with what is deployed and lists every limit it would hit, each with the setting
 * to change. Without `expectedPeakRps` only the pre-warm request is checked.
 */
export function capacityWarnings(deployed: DeployedCapacity, load: CampaignLoad): CapacityWarning[] {
  const warnings: CapacityWarning[] = [];
  const concurrencyLimit = issueConcurrencyLimit(deployed);
  const concurrencySetting =
    deployed.issueReservedConcurrency === undefined
      ? 'Service Quotas: Lambda "Concurrent executions" (the issue function has no reserved concurrency)'
      : "the issue function's reserved concurrency";
  const concurrencySource =
    deployed.issueReservedConcurrency === undefined ? CAPACITY.lambdaAccountConcurrency.source : undefined;
  if (load.prewarmConcurrency !== undefined && load.prewarmConcurrency > concurrencyLimit) {
    warnings.push({
      code: 'PREWARM_ABOVE_CONCURRENCY',
      setting: concurrencySetting,
      limit: concurrencyLimit,
      needed: load.prewarmConcurrency,
      unit: 'concurrent executions',
      message: `prewarm.concurrency ${load.prewarmConcurrency} exceeds the issue function's concurrency limit ${concurrencyLimit}; Lambda refuses provisioned concurrency above it`,
      source: concurrencySource,
    });
  }
  const rps = load.expectedPeakRps;
  if (rps === undefined) return warnings;
  if (rps > deployed.stageThrottleRateLimit) {
    warnings.push({
      code: 'STAGE_THROTTLE',
      setting: 'throttleRateLimit (construct prop)',
      limit: deployed.stageThrottleRateLimit,
      needed: rps,
      unit: 'requests/s',
      message: `API Gateway answers 429 above the stage throttle of ${deployed.stageThrottleRateLimit} requests/s`,
    });
  }
  if (rps > deployed.stageThrottleBurstLimit) {
    warnings.push({
      code: 'STAGE_BURST',
      setting: 'throttleBurstLimit (construct prop)',
      limit: deployed.stageThrottleBurstLimit,
      needed: rps,
      unit: 'requests',
      message: `the opening second's ${rps} requests exceed the stage burst of ${deployed.stageThrottleBurstLimit}`,
    });
  }
  if (rps > CAPACITY.apiGatewayAccountRps.value) {
    warnings.push({
      code: 'API_GATEWAY_ACCOUNT',
      setting: 'Service Quotas: API Gateway "Throttle rate" per account and region',
      limit: CAPACITY.apiGatewayAccountRps.value,
      needed: rps,
      unit: 'requests/s',
      message: `API Gateway's account-wide default is ${CAPACITY.apiGatewayAccountRps.value} requests/s`,
      source: CAPACITY.apiGatewayAccountRps.source,
    });
  }
  const needed = concurrencyFor(rps);
  if (needed > concurrencyLimit) {
    warnings.push({
      code: 'ISSUE_CONCURRENCY',
      setting: concurrencySetting,
      limit: concurrencyLimit,
      needed,
      unit: 'concurrent executions',
      message: `${rps} requests/s at ${CAPACITY.issueSecondsPerRequest.value * 1000} ms each need ${needed} concurrent executions; Lambda throttles above ${concurrencyLimit}`,
      source: concurrencySource,
    });
  }
  const provisioned = load.prewarmConcurrency ?? 0;
  if (needed > provisioned) {
    const ramp = CAPACITY.lambdaScalingPer10s.value;
    warnings.push({
      code: provisioned === 0 ? 'COLD_OPENING' : 'PREWARM_BELOW_PEAK',
      setting: 'prewarm.concurrency (campaign field)',
      limit: provisioned,
      needed,
      unit: 'concurrent executions',
      message:
        provisioned === 0
          ? `the window opens on a cold issue function: each of the ${needed} environments the peak needs pays a cold start${needed > ramp ? `, and Lambda adds at most ${ramp} every 10 s` : ''}`
          : `${provisioned} provisioned environments cover ${Math.round(provisioned / CAPACITY.issueSecondsPerRequest.value)} of the ${rps} requests/s; the rest meet cold starts`,
      source: CAPACITY.lambdaScalingPer10s.source,
    });
  }
  if (deployed.admissionMode === 'dynamodb') {
    const perItem = CAPACITY.dynamoDbItemWritesPerSecond.value;
    if (rps > load.counterShards * perItem) {
      warnings.push({
        code: 'COUNTER_SHARDS',
        setting: 'counterShards (campaign field)',
        limit: load.counterShards * perItem,
        needed: rps,
        unit: 'writes/s',
        message: `${load.counterShards} counter item(s) take about ${load.counterShards * perItem} admission attempts/s; use counterShards >= ${Math.ceil(rps / perItem)}`,
        source: CAPACITY.dynamoDbItemWritesPerSecond.source,
      });
    }
    // Every attempt that finds quota left first takes a rank from the day's one RANKS item
    // (src/functions/adapters/dynamodb/counter-shards.ts ticket): shards do not spread that write. A quota the item
    // hands out within a second is gone before the throttling matters.
    if (rps > perItem && load.dailyQuota > perItem) {
      warnings.push({
        code: 'RANK_TICKET',
        setting: 'upstashSecretName (construct prop: Redis admission)',
        limit: perItem,
        needed: rps,
        unit: 'writes/s',
        message: `each admission attempt while the day has quota left writes the day's one rank ticket item, which takes about ${perItem} writes/s whatever counterShards is; above that, attempts are throttled and answered 503 until the quota is gone. Redis admission takes ${CAPACITY.upstashCommandsPerSecond.value} commands/s`,
        source: CAPACITY.dynamoDbItemWritesPerSecond.source,
      });
    }
  } else if (rps > CAPACITY.upstashCommandsPerSecond.value) {
    warnings.push({
      code: 'UPSTASH_THROUGHPUT',
      setting: 'the Upstash database behind upstashSecretName (its plan)',
      limit: CAPACITY.upstashCommandsPerSecond.value,
      needed: rps,
      unit: 'commands/s',
      message: `one admission is one Upstash command; pay-as-you-go serves ${CAPACITY.upstashCommandsPerSecond.value} commands/s`,
      source: CAPACITY.upstashCommandsPerSecond.source,
    });
  }
  return warnings;
}
