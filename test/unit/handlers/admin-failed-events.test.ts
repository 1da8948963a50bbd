import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { ENV } from '../../../src/contract/names';
import { ROUTES, routeKey } from '../../../src/contract/routes';
import { type AdmissionMessage, type CampaignDay, couponIdOf } from '../../../src/functions/domain/admission/admission';
import { admissionExpiresAt, type Campaign } from '../../../src/functions/domain/campaign/campaign';
import { admissionDayOf } from '../../../src/functions/domain/coupon/admission-message';
import type { FailedEventView } from '../../../src/functions/domain/failed-events/failed-event';
import { springSaleDefinition } from '../../support/fixtures';

// The admin failed-events function through its composition root, with in-memory adapters: the failed-event table,
// the issue queue, the campaign, and the admission ledger (`ledger`: user -> rank, on every day).
const campaign: Campaign = { ...springSaleDefinition, createdAt: '2026-04-01T00:00:00Z' };
const state = {
  records: [] as FailedEventView[],
  sent: [] as AdmissionMessage[],
  ledger: new Map<string, number>(),
};
jest.mock('../../../src/functions/runtime/composition-root', () => ({
  failedEventStore: () => ({
    page: async (filter: Partial<FailedEventView>) => ({
      items: state.records.filter((r) =>
        Object.entries(filter).every(([k, v]) => v === undefined || r[k as keyof FailedEventView] === v),
      ),
    }),
    get: async (id: string) => state.records.find((r) => r.failedEventId === id),
    markRedriven: async (id: string, principal: string, now: Date) => {
      const i = state.records.findIndex((r) => r.failedEventId === id);
      const after = {
        ...(state.records[i] as FailedEventView),
        status: 'REDRIVEN' as const,
        redrivenAt: now.toISOString(),
        redrivenBy: principal,
        redriveCount: 1,
      };
      state.records[i] = after;
      return after;
    },
  }),
  issueQueue: () => ({ send: async (message: AdmissionMessage) => void state.sent.push(message) }),
  campaignRepository: () => ({ get: async (id: string) => (id === campaign.campaignId ? campaign : undefined) }),
  admissionStoreFactory: () => async () => ({
    rankOf: async (_: CampaignDay, userId: string) => state.ledger.get(userId),
  }),
}));

/** Today (UTC), within its ledger's retention; an issue day of May is long past it. */
const TODAY = new Date().toISOString().slice(0, 10);
const PAST_DAY = '2026-05-01';

const admission = (userId: string, issueDate: string): AdmissionMessage => ({
  campaignId: campaign.campaignId,
  issueDate,
  userId,
  rank: 1,
  admittedAt: `${issueDate}T04:00:00.000Z`,
  couponId: couponIdOf(campaign.campaignId, issueDate, userId),
});

/** A PARKED record of the admission, keyed by its coupon id as the replay writes it. */
const parked = (message: AdmissionMessage): FailedEventView => {
  const body = JSON.stringify(message);
  return {
    failedEventId: message.couponId,
    status: 'PARKED',
    reason: 'ERROR',
    body,
    lastError: 'InternalServerError: boom',
    attempts: 3,
    firstFailedAt: message.admittedAt,
    updatedAt: message.admittedAt,
    ...admissionDayOf(body),
  };
};

/** The signed admin's HTTP API event of `operation`. */
function eventOf(
  operation: 'redriveFailedEvent' | 'redriveCampaignDay',
  request: { failedEventId?: string; body?: unknown },
): APIGatewayProxyEventV2 {
  const route = ROUTES.find((r) => r.operation === operation);
  if (!route) throw new Error(`no route ${operation}`);
  return {
    version: '2.0',
    routeKey: routeKey(route),
    rawPath: route.path,
    headers: { 'content-type': 'application/json' },
    pathParameters: request.failedEventId === undefined ? undefined : { failedEventId: request.failedEventId },
    body: request.body === undefined ? undefined : JSON.stringify(request.body),
    isBase64Encoded: false,
    requestContext: {
      authorizer: { iam: { userArn: 'arn:aws:iam::123456789012:user/ops', accessKey: 'AKIAEXAMPLE' } },
      http: { method: route.method, path: route.path },
    },
  } as unknown as APIGatewayProxyEventV2;
}

const context = {
  awsRequestId: 'request-1',
  functionName: 'admin-failed-events',
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

describe('handler: admin-failed-events', () => {
  let handler: Handler;
  const call = async (...args: Parameters<typeof eventOf>) => {
    const response = await handler(eventOf(...args), context);
    return { status: response.statusCode, body: JSON.parse(response.body ?? '') };
  };

  beforeAll(() => {
    Object.assign(process.env, {
      [ENV.CAMPAIGN_TABLE]: 'campaigns',
      [ENV.ADMISSION_TABLE]: 'admissions',
      [ENV.FAILED_EVENT_TABLE]: 'failed-events',
      [ENV.ISSUE_QUEUE_URL]: 'https://sqs.us-east-1.amazonaws.com/123456789012/issue',
      [ENV.ADMISSION_MODE]: 'dynamodb',
      [ENV.ADMISSION_RETENTION_DAYS]: '7',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
    });
    handler = require('../../../src/functions/handlers/admin-failed-events').handler as Handler;
  });

  beforeEach(() => {
    state.records = [];
    state.sent = [];
    state.ledger = new Map([['alice', 1]]);
  });

  it('redrives a parked admission the ledger holds', async () => {
    const message = admission('alice', TODAY);
    state.records = [parked(message)];
    const response = await call('redriveFailedEvent', { failedEventId: message.couponId });
    expect(response).toMatchObject({ status: 200, body: { status: 'REDRIVEN', redriveCount: 1 } });
    expect(state.sent).toEqual([message]);
  });

  it("answers 409 ADMISSION_EXPIRED, with when the ledger's retention ended, for an admission whose ledger entry is gone", async () => {
    const message = admission('bob', PAST_DAY);
    state.records = [parked(message)];
    const keptUntil = new Date(admissionExpiresAt(campaign, PAST_DAY, 7) * 1000).toISOString();
    const response = await call('redriveFailedEvent', { failedEventId: message.couponId });
    expect(response).toEqual({
      status: 409,
      body: {
        type: 'tag:fcfs-coupon,2026:problems/admission-expired',
        title: 'Admission expired',
        status: 409,
        detail: expect.stringContaining('issue it by hand'),
        errors: [],
        code: 'ADMISSION_EXPIRED',
        message: expect.stringContaining(
          `the admission ledger of spring-sale ${PAST_DAY} was kept until ${keptUntil}; the coupon can no longer be ` +
            'written by a redrive: issue it by hand',
        ),
        ledgerKeptUntil: keptUntil,
      },
    });
    expect(state.sent).toEqual([]);
    expect(state.records[0]?.status).toBe('PARKED');
  });

  it('answers 409 ADMISSION_RELEASED for an admission the ledger released within its retention', async () => {
    const message = admission('bob', TODAY);
    state.records = [parked(message)];
    const response = await call('redriveFailedEvent', { failedEventId: message.couponId });
    expect(response).toEqual({
      status: 409,
      body: {
        type: 'tag:fcfs-coupon,2026:problems/admission-released',
        title: 'Admission released',
        status: 409,
        detail: expect.stringMatching(/released.*no coupon to write/),
        errors: [],
        code: 'ADMISSION_RELEASED',
        message: expect.stringMatching(/released.*no coupon to write/),
      },
    });
    expect(state.sent).toEqual([]);
    expect(state.records[0]?.status).toBe('PARKED');
  });

  it('lists what a day redrive skipped with its code and reason, and redrives the rest', async () => {
    const [alice, bob] = [admission('alice', TODAY), admission('bob', TODAY)];
    state.records = [parked(alice), parked(bob)];
    const response = await call('redriveCampaignDay', { body: { campaignId: campaign.campaignId, issueDate: TODAY } });
    expect(response).toEqual({
      status: 200,
      body: {
        campaignId: campaign.campaignId,
        issueDate: TODAY,
        redriven: [alice.couponId],
        skipped: [{ failedEventId: bob.couponId, code: 'ADMISSION_RELEASED', reason: expect.any(String) }],
      },
    });
    expect(state.sent).toEqual([alice]);
  });
});
