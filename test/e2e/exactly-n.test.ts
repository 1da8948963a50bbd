import { ADMISSION_MODES } from '../../src/contract/names';
import { localDateAt } from '../../src/functions/domain/kernel/zoned-time';
import { openCampaign, type RunningCloud, startCloudProcess } from '../../tools/local/child-cloud';
import { guaranteeViolations, readDay, sampleHolders, sinceCleared } from '../support/guarantees';
import { countByCode, PipelineProbe, sleep, users } from '../support/pipeline';

// Exactly N per day when answers are lost or land late (POST /_local/chaos; the product code is untouched): a
// burst under the fault, then new users keep asking after it cleared, then the pipeline settles. Five guarantees
// per campaign day, checked in test/support/guarantees.ts: never more than the quota (sampled every second),
// exactly the quota while demand lasts, one coupon per user, what each user was told matches what they hold, and
// ledger == admission counter == coupons.

// A test takes under a minute on a 2-core machine alone (burst, 30 s of demand, settling): the bound leaves room
// for CI's three end-to-end files at once.
jest.setTimeout(300_000);

/** Short visibility timeout, so a failing message is retried within seconds (LOCAL_CLOUD_VISIBILITY_TIMEOUT). */
const VISIBILITY_S = 2;
/** Reconciliation grace period, s: an admitted user without a coupon is re-enqueued this long after admission. */
const GRACE_S = 8;
const QUOTA = 30;
/** The burst: 300 requests of 200 users, 40 in flight (every third request repeats a user, see burstOf). */
const BURST_REQUESTS = 300;
const BURST_CONCURRENCY = 40;
/** New users asking after the fault cleared: this many per second, for DEMAND_S seconds. */
const DEMAND_PER_S = 15;
const DEMAND_S = 30;
/** How long the pipeline may take to settle once the demand is over, ms (replay and reconciliation every 2 s). */
const SETTLE_TIMEOUT_MS = 60_000;

/**
 * `BURST_REQUESTS` user ids: pairs of new users, each pair followed by a repeat of its first user, so a repeat is
 * in flight beside its original.
 */
const burstOf = (prefix: string) =>
  Array.from({ length: BURST_REQUESTS }, (_, i) => {
    const pair = Math.floor(i / 3) * 2;
    return `${prefix}-${i % 3 === 2 ? pair : pair + (i % 3)}`;
  });

interface Scenario {
  /** Names the campaign and its users. */
  readonly name: string;
  readonly title: string;
  /** The chaos configuration of the fault (tools/local/chaos.ts). */
  readonly chaos: unknown;
  /** How long the fault lasts once the burst started, ms; by default until the whole burst was answered. */
  readonly faultMs?: number;
}

const SCENARIOS: readonly Scenario[] = [
  {
    name: 'lost',
    title: '(a) lost answers on every DynamoDB, SQS and Redis operation (30%) during a burst',
    chaos: {
      dynamodb: { '*': { errorAfterForwardRate: 0.3 } },
      sqs: { '*': { errorAfterForwardRate: 0.3 } },
      redis: { errorAfterForwardRate: 0.3 },
    },
  },
  {
    // The leak of the old DynamoDB admission (a counting write applied twice, a ledger put whose answer was lost);
    // today's admission makes UpdateItem calls (the rank ticket, the void); Redis mode makes neither call.
    name: 'leak',
    title: '(b) lost PutItem and UpdateItem answers (35%) during a burst',
    chaos: { dynamodb: { PutItem: { errorAfterForwardRate: 0.35 }, UpdateItem: { errorAfterForwardRate: 0.35 } } },
  },
  {
    // Past the callers' timeouts (src/functions/runtime/composition-root.ts): DynamoDB abandons an attempt after 3 s and retries;
    // @upstash/redis has no timeout of its own, so its caller gives up with the issue function's 10 s.
    name: 'late',
    title: '(c) admission writes landing late (30%: DynamoDB after 5 s, Redis after 12 s) for the first 8 s of a burst',
    chaos: {
      dynamodb: {
        TransactWriteItems: { landLateMs: 5_000, landLateRate: 0.3 },
        PutItem: { landLateMs: 5_000, landLateRate: 0.3 },
        UpdateItem: { landLateMs: 5_000, landLateRate: 0.3 },
      },
      redis: { landLateMs: 12_000, landLateRate: 0.3 },
    },
    faultMs: 8_000,
  },
];

describe.each(ADMISSION_MODES)('exactly N per day under lost answers and late landings (%s admission mode)', (mode) => {
  let cloud: RunningCloud;
  let probe: PipelineProbe;

  beforeAll(async () => {
    cloud = await startCloudProcess(mode, {
      tag: `exactly-n-${mode}`,
      visibilityTimeoutS: VISIBILITY_S,
      reconcileGraceS: GRACE_S,
    });
    probe = new PipelineProbe(cloud);
  });
  afterEach(async () => {
    await probe?.chaos({});
  });
  afterAll(async () => {
    probe?.close();
    await cloud?.stop();
  });

  it.each(SCENARIOS)('$title, then new users ask: guarantees 1-5 hold', async (scenario) => {
    // Prepare
    const campaignId = `exactly-${scenario.name}-${mode}`;
    const definition = openCampaign(campaignId, QUOTA);
    await probe.createCampaign(definition);
    const day = { campaignId, issueDate: localDateAt(definition.timezone, Date.now()) };
    const burst = burstOf(`${scenario.name}-b`);
    const demand = users(`${scenario.name}-d`, DEMAND_PER_S * DEMAND_S);
    await cloud.client.tokensFor([...new Set([...burst, ...demand])]);
    const sampler = sampleHolders(probe, day, QUOTA);

    // Act: the burst under the fault, the fault cleared, new users asking, the pipeline settling.
    const started = Date.now();
    const before = (await probe.chaos(scenario.chaos)).injected;
    const bursting = probe.issue(campaignId, burst, BURST_CONCURRENCY);
    await (scenario.faultMs === undefined ? bursting : Promise.race([bursting, sleep(scenario.faultMs)]));
    const cumulative = (await probe.chaos({})).injected;
    const clearedAt = Date.now();
    const injected = Object.fromEntries(
      Object.entries(cumulative)
        .map(([kind, n]) => [kind, n - (before[kind] ?? 0)])
        .filter(([, n]) => n !== 0),
    );
    const during = await bursting;
    const burstEnded = Date.now();
    const after = await probe.issuePaced(campaignId, demand, DEMAND_PER_S);
    const settled = await probe
      .until(
        'the pipeline to settle (persisted == admitted, queues empty)',
        async () => {
          await probe.runReplay();
          const s = await probe.sample(day);
          return s.inFlight === 0 && s.deadLetters === 0 && s.persisted === s.admitted;
        },
        SETTLE_TIMEOUT_MS,
        2_000,
      )
      .then(
        () => true as const,
        (error: Error) => error.message,
      );
    const record = await sampler.stop();
    const final = await readDay(probe, day);

    // Assess
    const run = { quota: QUOTA, answers: [...during, ...after], record, final, settled, clearedAt };
    const violations = guaranteeViolations(run);
    console.log(
      [
        `${mode} ${scenario.title}:`,
        `  fault on for ${((clearedAt - started) / 1000).toFixed(1)} s, burst answered in ` +
          `${((burstEnded - started) / 1000).toFixed(1)} s; injected ${JSON.stringify(injected)}`,
        `  burst answers ${JSON.stringify(countByCode(during))}`,
        `  demand answers ${JSON.stringify(countByCode(after))}`,
        `  ledger reached the quota ${
          record.quotaReachedAt === undefined ? 'never' : sinceCleared(run, record.quotaReachedAt)
        }; most holders at a sample ${record.maxHolders} (${record.samples} samples, ` +
          `${record.failedSamples} failed reads)`,
        `  end: ledger ${final.ledger.length}, admission counter ${final.admittedCount}, coupons ` +
          `${final.coupons.length}, persisted count ${final.persistedCount}; settled: ${settled}`,
        ...(violations.length === 0 ? ['  guarantees 1-5 hold'] : violations.map((v) => `  VIOLATED ${v}`)),
      ].join('\n'),
    );
    expect(violations).toEqual([]);
  });
});
