import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { ENV } from '../../../src/contract/names';
import { couponIdOf } from '../../../src/functions/domain/admission/admission';
import type { ClaimRequest } from '../../../src/functions/domain/admission/ports';
import type { Campaign } from '../../../src/functions/domain/campaign/campaign';
import type { Coupon } from '../../../src/functions/domain/coupon/coupon';
import { springSaleDefinition } from '../../support/fixtures';

// The consumer through its composition root, with in-memory adapters: the ledger holds the `held` users, each with
// its rank.
const campaign: Campaign = { ...springSaleDefinition, createdAt: '2026-04-01T00:00:00Z' };
const state = {
  held: new Map<string, number>(),
  failWrites: false,
  coupons: new Map<string, Coupon>(),
  retries: [] as { receiptHandle: string; delayS: number }[],
};
const write = (coupon: Coupon): 'CREATED' | 'EXISTS' => {
  if (state.failWrites) throw Object.assign(new Error('injected 500'), { $fault: 'server' });
  if (state.coupons.has(coupon.couponId)) return 'EXISTS';
  state.coupons.set(coupon.couponId, coupon);
  return 'CREATED';
};
jest.mock('../../../src/functions/runtime/composition-root', () => ({
  cachedCampaignRepository: () => ({ get: async (id: string) => (id === campaign.campaignId ? campaign : undefined) }),
  admissionLedgerFactory: () => async () => ({
    claim: async (_: unknown, requests: readonly ClaimRequest[]) =>
      requests.map((r) => state.held.get(r.userId) === r.rank),
  }),
  couponStore: () => ({
    putIfAbsent: async (coupon: Coupon) => write(coupon),
    putAllIfAbsent: async (coupons: readonly Coupon[]) => {
      try {
        return { settled: new Map(coupons.map((c) => [c.couponId, write(c)])) };
      } catch (failure) {
        return { settled: new Map(), failure };
      }
    },
  }),
  issueQueueRetries: () => async (messages: { receiptHandle: string; delayS: number }[]) => {
    state.retries.push(...messages);
    return 0;
  },
}));

const context = {
  awsRequestId: 'request-1',
  functionName: 'consumer',
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;

/** A delivery of the admission of `userId` with `rank`; `-r<rank>` in its message id past rank 1. */
function record(userId: string, receiveCount = 1, rank = 1): SQSRecord {
  const issueDate = '2026-05-01';
  const body = {
    campaignId: campaign.campaignId,
    issueDate,
    userId,
    rank,
    admittedAt: '2026-05-01T04:00:00.000Z',
    couponId: couponIdOf(campaign.campaignId, issueDate, userId),
  };
  return {
    messageId: `m-${userId}${rank === 1 ? '' : `-r${rank}`}-${receiveCount}`,
    receiptHandle: `h-${userId}`,
    body: JSON.stringify(body),
    attributes: { ApproximateReceiveCount: String(receiveCount) },
  } as unknown as SQSRecord;
}

type Handler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

describe('handler: consume-admissions', () => {
  let handler: Handler;
  let logWarn: jest.SpyInstance;
  let addMetric: jest.SpyInstance;

  beforeAll(() => {
    Object.assign(process.env, {
      [ENV.CAMPAIGN_TABLE]: 'campaigns',
      [ENV.ADMISSION_TABLE]: 'admissions',
      [ENV.COUPON_TABLE]: 'coupons',
      [ENV.ISSUE_QUEUE_URL]: 'https://sqs.us-east-1.amazonaws.com/123456789012/issue',
      [ENV.ADMISSION_MODE]: 'dynamodb',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
    });
    handler = require('../../../src/functions/handlers/consume-admissions').handler as Handler;
    const { logger, metrics } =
      require('../../../src/functions/runtime/powertools') as typeof import('../../../src/functions/runtime/powertools');
    logWarn = jest.spyOn(logger, 'warn');
    addMetric = jest.spyOn(metrics, 'addMetric');
  });

  beforeEach(() => {
    state.held = new Map([
      ['alice', 1],
      ['bob', 1],
    ]);
    state.failWrites = false;
    state.coupons.clear();
    state.retries = [];
    logWarn.mockClear();
    addMetric.mockClear();
  });

  it('writes the coupons of held admissions and drops, logs and counts one the ledger does not hold', async () => {
    const response = await handler({ Records: [record('alice'), record('mallory'), record('bob')] }, context);
    expect(response.batchItemFailures).toEqual([]); // the dropped message is deleted, never retried
    expect([...state.coupons.values()].map((c) => c.userId).sort()).toEqual(['alice', 'bob']);
    expect(addMetric).toHaveBeenCalledWith('ReleasedAdmissionsDropped', 'Count', 1);
    expect(logWarn).toHaveBeenCalledWith(
      expect.stringMatching(/not in the ledger/),
      expect.objectContaining({ userId: 'mallory', rank: 1, messageId: 'm-mallory-1' }),
    );
  });

  it('answers a batch whose every write failed as failed records, each shown again after a backoff by receive count', async () => {
    state.failWrites = true;
    const response = await handler({ Records: [record('alice', 1), record('bob', 4)] }, context);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm-alice-1' }, { itemIdentifier: 'm-bob-4' }]);
    const delays = new Map(state.retries.map((r) => [r.receiptHandle, r.delayS]));
    expect(delays.get('h-alice')).toBeGreaterThanOrEqual(1);
    expect(delays.get('h-alice')).toBeLessThanOrEqual(2);
    expect(delays.get('h-bob')).toBeGreaterThanOrEqual(8);
    expect(delays.get('h-bob')).toBeLessThanOrEqual(16);
  });
  /** How many times each metric was counted. */
  const counted = () => {
    const counts: Record<string, number> = {};
    for (const [name, , value] of addMetric.mock.calls as [string, string, number][]) {
      counts[name] = (counts[name] ?? 0) + value;
    }
    return counts;
  };

  // Carol's first admission (rank 1) was released after its send was rejected, yet SQS stored the message; she was
  // admitted again with rank 2. Both messages carry the same coupon id, and may share a batch in either order.
  it.each([
    ['stale copy first', [record('carol', 1, 1), record('carol', 1, 2)]],
    ['live copy first', [record('carol', 1, 2), record('carol', 1, 1)]],
  ])(
    "writes a re-admitted user's coupon from the live admission and drops the released one's stale copy (%s)",
    async (_, records) => {
      state.held.set('carol', 2);
      const response = await handler({ Records: records }, context);
      expect(response.batchItemFailures).toEqual([]);
      expect([...state.coupons.values()].map((c) => [c.userId, c.rank])).toEqual([['carol', 2]]);
      expect(counted()).toEqual({ CouponsPersisted: 1, ReleasedAdmissionsDropped: 1 });
      expect(logWarn).toHaveBeenCalledWith(
        expect.stringMatching(/not in the ledger/),
        expect.objectContaining({ userId: 'carol', rank: 1, messageId: 'm-carol-1' }),
      );
      expect(logWarn).not.toHaveBeenCalledWith(
        expect.stringMatching(/not in the ledger/),
        expect.objectContaining({ rank: 2 }),
      );
    },
  );

  it.each([
    ['stale copy first', [record('carol', 1, 1), record('carol', 1, 2)]],
    ['live copy first', [record('carol', 1, 2), record('carol', 1, 1)]],
  ])(
    "fails a re-admitted user's live admission when its write fails, and still drops the stale copy (%s)",
    async (_, records) => {
      state.held.set('carol', 2);
      state.failWrites = true;
      const response = await handler({ Records: records }, context);
      expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm-carol-r2-1' }]);
      expect(counted()).toEqual({ ReleasedAdmissionsDropped: 1, CouponWriteFailures: 1 });
    },
  );
});
