import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { ENV } from '../../../lambdas/contract/names';
import { couponIdOf } from '../../../lambdas/domain/admission';
import type { Campaign } from '../../../lambdas/domain/campaign';
import type { Coupon } from '../../../lambdas/domain/coupon';
import type { ClaimRequest } from '../../../lambdas/domain/ports';
import { springSaleDefinition } from '../../support/fixtures';

// The consumer through its composition root, with in-memory adapters: the ledger holds `held` users at rank 1.
const campaign: Campaign = { ...springSaleDefinition, createdAt: '2026-04-01T00:00:00Z' };
const state = {
  held: new Set<string>(),
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
jest.mock('../../../lambdas/runtime/adapters', () => ({
  cachedCampaignRepository: () => ({ get: async (id: string) => (id === campaign.campaignId ? campaign : undefined) }),
  admissionLedgerFactory: () => async () => ({
    claim: async (_: unknown, requests: readonly ClaimRequest[]) =>
      requests.map((r) => r.rank === 1 && state.held.has(r.userId)),
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

function record(userId: string, receiveCount = 1): SQSRecord {
  const issueDate = '2026-05-01';
  const body = {
    campaignId: campaign.campaignId,
    issueDate,
    userId,
    rank: 1,
    admittedAt: '2026-05-01T04:00:00.000Z',
    couponId: couponIdOf(campaign.campaignId, issueDate, userId),
  };
  return {
    messageId: `m-${userId}-${receiveCount}`,
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
    handler = require('../../../lambdas/handlers/consume-admissions').handler as Handler;
    const { logger, metrics } =
      require('../../../lambdas/runtime/powertools') as typeof import('../../../lambdas/runtime/powertools');
    logWarn = jest.spyOn(logger, 'warn');
    addMetric = jest.spyOn(metrics, 'addMetric');
  });

  beforeEach(() => {
    state.held = new Set(['alice', 'bob']);
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
});
