import { AsyncLocalStorage } from 'node:async_hooks';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { Redis } from '@upstash/redis';
import fc from 'fast-check';
import { ADMISSION_MODES, type AdmissionMode, DEFAULTS } from '../../src/contract/names';
import { DynamoDbAdmissionStore } from '../../src/functions/adapters/dynamodb/admission-store';
import { DynamoDbCouponStore } from '../../src/functions/adapters/dynamodb/coupon-store';
import { DynamoDbFailedEventStore } from '../../src/functions/adapters/dynamodb/failed-event-store';
import { RedisAdmissionStore } from '../../src/functions/adapters/redis/admission-store';
import { SqsDeadLetterSource } from '../../src/functions/adapters/sqs/dead-letter-source';
import { SqsIssueQueue } from '../../src/functions/adapters/sqs/issue-queue';
import { queueDepth } from '../../src/functions/adapters/sqs/queue-depth';
import type { CampaignDay } from '../../src/functions/domain/admission/admission';
import { issueCoupon } from '../../src/functions/domain/admission/issue-coupon';
import type { AdmissionStore } from '../../src/functions/domain/admission/ports';
import { SoldOutCache } from '../../src/functions/domain/admission/sold-out-cache';
import type { Campaign } from '../../src/functions/domain/campaign/campaign';
import { issueDayOf } from '../../src/functions/domain/campaign/campaign';
import { reconcile } from '../../src/functions/domain/failed-events/reconcile';
import { replayDeadLetters } from '../../src/functions/domain/failed-events/replay';
import { DomainError } from '../../src/functions/domain/kernel/errors';
import type { Backends } from './backends';
import { type Answers, check, DEMAND_AFTER_CLEAR_MS, type RunReport } from './checks';
import { consumeBatch } from './consumer';
import { publishAndCheckEvents } from './events';
import { FaultPlan, type FaultRule, faultRule, type Outage, outageArbitrary, seededRandom } from './faults';
import type { Quiescence } from './quiescence';
import { SqsModel } from './sqs-model';
import { ExplorerRequestHandler, explorerFetch, type Network, realDelivery } from './transport';

// One run of the fault explorer: a generated campaign day, a burst of issue requests (some on the previous issue
// day, racing today's) racing consumer batches, replay and reconciliation runs while the plan's faults hit the
// backend calls (all interleaved by fast-check's scheduler); then the faults clear and new users keep asking for
// 10 s (virtual); then the pipeline settles. The guarantees of RELIABILITY.md are checked on what the backends hold.

/**
 * A generated workload: admission mode, quota, counter shards, the campaign limit, who asks in the burst (today and
 * on the previous issue day), background runs, faults.
 */
export interface Workload {
  readonly mode: AdmissionMode;
  readonly quota: number;
  readonly counterShards: number;
  /** Whether the campaign has `perUserCampaignLimit` (one coupon per user over its issue days). */
  readonly campaignLimit: boolean;
  /** User index of each request of the burst (repeats are the same user asking again). */
  readonly burst: readonly number[];
  /**
   * User index of each request on the previous issue day, racing the burst (as if its answer came late): with the
   * campaign limit, a user admitted on either day must be refused on the other.
   */
  readonly yesterday: readonly number[];
  /** Consumer batches, replay runs and reconciliation runs racing the burst. */
  readonly consumerRuns: number;
  readonly replayRuns: number;
  readonly reconcileRuns: number;
  /** Pending admissions reconciliation reads per run (small, so that a catch-up takes several runs). */
  readonly reconcilePage: number;
  /**
   * Rounds of the pipeline (consumer batches, replay, reconciliation, each a visibility timeout apart) after the
   * burst with the faults still on: an outage of the coupon writers long enough to reach the dead-letter queue.
   */
  readonly outageRounds: number;
  /** What fails during those rounds, besides the fault rules. */
  readonly outage?: Outage;
  readonly faults: readonly FaultRule[];
  /** Seed of the fault plan's draws. */
  readonly seed: number;
}

/**
 * How large a generated day is: `small` (quota 1-5, 8 users, bursts of up to 12 requests: the default, where
 * shrinking is quick) or `large` (quota 10-40, 80 users, bursts of up to 120: catch-ups that take several
 * reconciliation pages, many batches in flight at once; a run takes several times longer).
 */
export type WorkloadSize = 'small' | 'large';

/** The bounds of each {@link WorkloadSize}; `faultWindowCalls` is how many backend calls a fault rule may cover. */
const SIZES = {
  small: { quota: [1, 5], users: 8, burst: 12, page: 8, faultWindowCalls: 80 },
  large: { quota: [10, 40], users: 80, burst: 120, page: 50, faultWindowCalls: 800 },
} as const satisfies Record<WorkloadSize, object>;

/** The workload arbitrary; `modes` restricts the admission modes explored, `size` the day's size. */
export function workloadArbitrary(
  modes: readonly AdmissionMode[] = ADMISSION_MODES,
  size: WorkloadSize = 'small',
): fc.Arbitrary<Workload> {
  const bounds = SIZES[size];
  return fc.record({
    mode: fc.constantFrom(...modes),
    quota: fc.integer({ min: bounds.quota[0], max: bounds.quota[1] }),
    counterShards: fc.integer({ min: 1, max: 3 }),
    campaignLimit: fc.boolean(),
    burst: fc.array(fc.nat({ max: bounds.users - 1 }), { minLength: 1, maxLength: bounds.burst }),
    yesterday: fc.array(fc.nat({ max: bounds.users - 1 }), { maxLength: 6 }),
    consumerRuns: fc.nat({ max: 3 }),
    replayRuns: fc.nat({ max: 2 }),
    reconcileRuns: fc.nat({ max: 2 }),
    reconcilePage: fc.integer({ min: 1, max: bounds.page }),
    outageRounds: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 12 })),
    outage: fc.option(outageArbitrary, { nil: undefined }),
    faults: fc.array(faultRule(bounds.faultWindowCalls), { maxLength: 4 }),
    seed: fc.integer(),
  });
}

/** Virtual ms the clock advances per released task. */
export const STEP_MS = 5;
const GRACE_MS = 180_000;
const VISIBILITY_TIMEOUT_S = 180;
const MAX_RECEIVE_COUNT = DEFAULTS.maxReceiveCount;
const silent = { warn: () => undefined, error: () => undefined, info: () => undefined };

/** The scheduler's act for runs: after each released task, wait until the system is quiet again. */
export function schedulerAct(quiet: () => Quiescence | undefined, advance: () => void) {
  return async (release: () => Promise<void>) => {
    advance();
    await release();
    await quiet()?.settled();
  };
}

/** The campaign of a run, open all day around `now` in a zone whose local time is near noon. */
function campaignOf(workload: Workload, campaignId: string, now: number): Campaign {
  const hour = new Date(now).getUTCHours();
  const offset = Math.max(-12, Math.min(12, hour - 12));
  const timezone = offset === 0 ? 'Etc/GMT' : `Etc/GMT${offset > 0 ? '+' : '-'}${Math.abs(offset)}`;
  const today = issueDayOf({ timezone }, new Date(now));
  const shift = (days: number) => new Date(Date.parse(`${today}T00:00:00Z`) + days * 86_400_000).toISOString();
  return {
    campaignId,
    vendorId: 'explorer',
    name: campaignId,
    timezone,
    startDate: shift(-1).slice(0, 10),
    endDate: shift(1).slice(0, 10),
    dailyWindow: { open: '00:00', close: '23:59' },
    dailyQuota: workload.quota,
    perUserDailyLimit: 1,
    ...(workload.campaignLimit ? { perUserCampaignLimit: 1 } : {}),
    couponValidityDays: 30,
    counterShards: workload.mode === 'dynamodb' ? workload.counterShards : 1,
    discount: { type: 'PERCENT', value: 10 },
    createdAt: new Date(now - 86_400_000).toISOString(),
  } as Campaign;
}

let runs = 0;

/** One issue day, ms: a request on the previous issue day asks at the run's clock less this. */
const DAY_MS = 86_400_000;

/**
 * Runs one workload under scheduler `s` against `backends` and checks the guarantees.
 * `clock` is the run's virtual clock (epoch ms), advanced by the scheduler's act and by the phases.
 */
export async function runWorkload(
  backends: Backends,
  workload: Workload,
  s: fc.Scheduler,
  clock: { now: number },
  quiet: Quiescence,
): Promise<RunReport> {
  const run = ++runs;
  const campaignId = `x${process.pid}-${run}`;
  const campaign = campaignOf(workload, campaignId, clock.now);
  const day: CampaignDay = { campaignId, issueDate: issueDayOf(campaign, new Date(clock.now)) };
  const plan = new FaultPlan(workload.faults, seededRandom(workload.seed));
  const actors = new AsyncLocalStorage<string>();
  const crashes = new Map<string, () => void>();
  const lates: Promise<unknown>[] = [];
  /** Off once the runs are over: the checks read the backends directly. */
  let scheduling = true;
  const point = (label: string) => {
    if (!scheduling) return Promise.resolve();
    if (process.env.EXPLORER_DEBUG) console.log('point', label);
    return s.schedule(Promise.resolve(label), label).then(() => undefined);
  };
  const network: Network = {
    plan,
    point,
    later: (label, deliver) => {
      lates.push(
        point(label)
          .then(deliver)
          .catch(() => undefined),
      );
    },
    track: (work) => quiet.track(work),
    actor: () => actors.getStore() ?? 'explorer',
    crash: () => {
      crashes.get(actors.getStore() ?? '')?.();
      return new Promise<never>(() => undefined);
    },
  };
  const now = () => new Date(clock.now);
  const sqsModel = new SqsModel(() => clock.now);
  const issueQueueUrl = `http://sqs.model/000000000000/${campaignId}-issue`;
  const deadLetterQueueUrl = `http://sqs.model/000000000000/${campaignId}-dlq`;
  sqsModel.create(deadLetterQueueUrl, 60);
  sqsModel.create(issueQueueUrl, VISIBILITY_TIMEOUT_S, {
    deadLetterQueueUrl,
    maxReceiveCount: MAX_RECEIVE_COUNT,
  });

  const retryStrategy = new ConfiguredRetryStrategy(3, () => 0);
  const common = { region: 'us-east-1', credentials: backends.credentials, retryStrategy };
  const dynamo = new DynamoDBClient({
    ...common,
    endpoint: backends.dynamodbEndpoint,
    requestHandler: new ExplorerRequestHandler('dynamodb', network, realDelivery(network)),
  });
  const documents = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
  const sqs = new SQSClient({
    ...common,
    endpoint: 'http://sqs.model',
    requestHandler: new ExplorerRequestHandler('sqs', network, (request) => sqsModel.handle(request)),
  });
  const realFetch = globalThis.fetch;
  globalThis.fetch = explorerFetch(network, backends.redisUrl, realFetch);
  const redis = new Redis({
    url: backends.redisUrl,
    token: backends.redisToken,
    enableTelemetry: false,
    automaticDeserialization: false,
    retry: { retries: 2, backoff: () => 0 },
  });
  const store = (): AdmissionStore =>
    workload.mode === 'redis'
      ? new RedisAdmissionStore(redis)
      : new DynamoDbAdmissionStore(documents, backends.tables.admission);
  const coupons = new DynamoDbCouponStore(documents, backends.tables.coupon, backends.tables.admission);
  const failures = new DynamoDbFailedEventStore(documents, backends.tables.failedEvent);
  const queue = new SqsIssueQueue(sqs, issueQueueUrl);
  const campaigns = { get: async () => campaign, list: async () => [campaign] };

  const answers: Answers = {};
  let actorCount = 0;
  /** Runs `body` as an actor: started at a point the scheduler picks; resolves when it ends or crashes. */
  const actor = (name: string, body: (id: string) => Promise<void>): Promise<void> => {
    const id = `${name}#${++actorCount}`;
    const crashed = new Promise<void>((resolve) => crashes.set(id, resolve));
    return Promise.race([actors.run(id, () => point(`start ${id}`).then(() => body(id))), crashed]);
  };
  /** A request of `userId`, on the previous issue day when `daysAgo` is 1. */
  const issue = (userId: string, daysAgo = 0) =>
    actor(`issue:${userId}${daysAgo ? `@-${daysAgo}` : ''}`, async (id) => {
      const asked = () => new Date(clock.now - daysAgo * DAY_MS);
      const issueDate = issueDayOf(campaign, asked());
      answers[issueDate] ??= {};
      const onDay = answers[issueDate];
      onDay[userId] ??= [];
      const said = onDay[userId];
      const index = said.push('CRASHED') - 1;
      try {
        await issueCoupon(
          {
            campaigns,
            admissions: store(),
            queue,
            soldOut: new SoldOutCache(asked),
            clock: asked,
            log: silent,
            admissionRetentionDays: 7,
          },
          { campaignId, userId, requestId: `${run}-${id}` },
        );
        said[index] = 'ACCEPTED';
      } catch (error) {
        // By name, so that the explorer also runs against versions of the product without it.
        if ((error as Error).name === 'AdmissionUnsettledError') said[index] = 'OUTCOME_UNKNOWN';
        else said[index] = error instanceof DomainError ? error.code : 'UNAVAILABLE';
      }
    });
  const consume = () =>
    actor('consumer', async () => {
      await consumeBatch({ campaigns, admissions: store(), coupons, clock: now }, sqsModel, issueQueueUrl).catch(
        () => undefined,
      );
    });
  const replay = () =>
    actor('replay', async () => {
      let receives = 0;
      await replayDeadLetters({
        campaigns,
        admissions: store(),
        coupons,
        clock: now,
        deadLetters: new SqsDeadLetterSource(sqs, deadLetterQueueUrl, 60),
        failures,
        maxReplayAttempts: 3,
        hasTime: () => receives++ < 3,
      }).catch(() => undefined);
    });
  const reconcileRun = () =>
    actor('reconcile', async () => {
      await reconcile({
        campaigns,
        admissions: store(),
        coupons,
        failures,
        queue,
        queueDepth: () => queueDepth(sqs, issueQueueUrl),
        maxMessageAgeMs: VISIBILITY_TIMEOUT_S * MAX_RECEIVE_COUNT * 1000,
        clock: now,
        log: silent,
        graceMs: GRACE_MS,
        lookbackMs: 86_400_000,
        pageSize: workload.reconcilePage,
      }).catch(() => undefined);
    });

  try {
    // 1. The burst, with the faults on.
    const burst = [
      ...workload.burst.map((u) => issue(`u${u}`)),
      ...workload.yesterday.map((u) => issue(`u${u}`, 1)),
      ...Array.from({ length: workload.consumerRuns }, consume),
      ...Array.from({ length: workload.replayRuns }, replay),
      ...Array.from({ length: workload.reconcileRuns }, reconcileRun),
    ];
    await s.waitFor(Promise.all(burst));
    plan.outage = workload.outage;
    for (let round = 0; round < workload.outageRounds; round++) {
      clock.now += VISIBILITY_TIMEOUT_S * 1000 + 1_000;
      await s.waitFor(Promise.all([consume(), consume(), replay(), reconcileRun()]));
    }

    // 2. The faults clear; new users keep asking for 10 s while late requests land and batches run.
    plan.outage = undefined;
    plan.cleared = true;
    const clearedAt = clock.now;
    const newcomers = Array.from({ length: workload.quota + 1 }, (_, i) => `n${i}`);
    const demand = actor('demand', async () => {
      for (const [i, userId] of newcomers.entries()) {
        clock.now = Math.max(clock.now, clearedAt + ((i + 1) * DEMAND_AFTER_CLEAR_MS) / (newcomers.length + 1));
        await issue(userId);
      }
    });
    await s.waitFor(Promise.all([demand, consume(), ...lates]));
    const afterDemand = (await s.waitFor(store().ledger(day))).length;

    // 3. The pipeline settles: past the reconciliation grace, batches drain; a catch-up larger than the
    // reconciliation page takes a round per page.
    const settleRounds = 6 + Math.ceil(workload.quota / workload.reconcilePage);
    for (let round = 0; round < settleRounds; round++) {
      clock.now += Math.max(GRACE_MS, VISIBILITY_TIMEOUT_S * 1000) + 1_000;
      await s.waitFor(Promise.all([reconcileRun(), ...lates]));
      for (let batch = 0; batch < 20 && sqsModel.depth(issueQueueUrl) > 0; batch++) {
        await s.waitFor(consume());
        if (sqsModel.depth(issueQueueUrl) > 0) clock.now += VISIBILITY_TIMEOUT_S * 1000;
      }
      await s.waitFor(replay());
      if (sqsModel.depth(issueQueueUrl) === 0 && sqsModel.depth(deadLetterQueueUrl) === 0) {
        const settledReport = await s.waitFor(reconcileRun().then(() => sqsModel.depth(issueQueueUrl)));
        if (settledReport === 0) break;
      }
    }

    scheduling = false;
    const report = await check({
      store: store(),
      coupons,
      failures,
      today: day,
      quota: workload.quota,
      answers,
      afterDemand,
      plan,
      campaignLimit: workload.campaignLimit,
    });
    const events = await publishAndCheckEvents({
      tail: backends.tail,
      tables: { ...backends.tables, vendor: 'explorer-no-vendor-table' },
      campaignId,
      quota: workload.quota,
      answers,
      coupons,
      failures,
      random: seededRandom(workload.seed ^ 0x5eed),
    });
    return {
      ...report,
      violations: [...report.violations, ...events.violations],
      injected: { ...report.injected, ...events.injected },
      events: events.delivered,
    };
  } finally {
    globalThis.fetch = realFetch;
    dynamo.destroy();
    sqs.destroy();
  }
}
