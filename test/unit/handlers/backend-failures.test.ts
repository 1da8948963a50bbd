import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { ENV, type HandlerName } from '../../../src/contract/names';
import { type Operation, ROUTES, type RouteOf, routeKey } from '../../../src/contract/routes';
import { springSaleDefinition, UNAVAILABLE_PROBLEM } from '../../support/fixtures';

/** What the failing backend says: it names internals that must never reach a client. */
const BACKEND_ERROR = 'connect ECONNREFUSED 10.0.0.7:443 (table FcfsCoupon-CouponTable-1X2Y3Z)';

// The composition root with every adapter failing like an unreachable backend; everything else is the product's.
jest.mock('../../../src/functions/runtime/composition-root', () =>
  jest
    .requireActual<typeof import('../../support/failing-backend')>('../../support/failing-backend')
    .failingAdapters(jest.requireActual('../../../src/functions/runtime/composition-root'), () =>
      Object.assign(new Error(BACKEND_ERROR), { name: 'NetworkingError' }),
    ),
);

/** The valid request of each operation: what reaches the backend, so its failure is what the answer shows. */
const REQUESTS: Record<
  Operation,
  { pathParameters?: Record<string, string>; query?: Record<string, string>; body?: unknown }
> = {
  getPublicCampaign: { pathParameters: { campaignId: 'spring-sale' } },
  issueCoupon: { pathParameters: { campaignId: 'spring-sale' } },
  getCount: { pathParameters: { campaignId: 'spring-sale' } },
  getUserCoupon: { pathParameters: { campaignId: 'spring-sale', userId: 'me' } },
  listUserCoupons: { query: { limit: '10' } },
  quoteCoupon: { body: { userId: 'alice', couponId: 'a'.repeat(32), orderAmount: 20_000, currency: 'KRW' } },
  redeemCoupon: {
    body: { userId: 'alice', couponId: 'a'.repeat(32), orderId: 'order-1', orderAmount: 20_000, currency: 'KRW' },
  },
  refundRedemption: { pathParameters: { redemptionId: 'acme.b3JkZXItMQ' }, body: { reason: 'order cancelled' } },
  createCampaign: { body: springSaleDefinition },
  listCampaigns: {},
  getCampaign: { pathParameters: { campaignId: 'spring-sale' } },
  updateCampaign: { pathParameters: { campaignId: 'spring-sale' }, body: { name: 'Renamed sale' } },
  closeCampaign: { pathParameters: { campaignId: 'spring-sale' } },
  getCampaignStats: { pathParameters: { campaignId: 'spring-sale' }, query: { from: '2026-05-01' } },
  createVendor: { body: { vendorId: 'acme', name: 'Acme', currency: 'USD' } },
  listVendors: { query: { limit: '10' } },
  getVendor: { pathParameters: { vendorId: 'acme' } },
  getWinners: { pathParameters: { campaignId: 'spring-sale', issueDate: '2026-05-01' } },
  listFailedEvents: { query: { campaignId: 'spring-sale', status: 'PARKED' } },
  redriveFailedEvent: { pathParameters: { failedEventId: 'a'.repeat(32) } },
  redriveCampaignDay: { body: { campaignId: 'spring-sale', issueDate: '2026-05-01' } },
};

/** The HTTP API event of `route`, from its authorized caller: a verified token's user, or a signed admin. */
function eventOf(route: RouteOf): APIGatewayProxyEventV2 {
  const request = REQUESTS[route.operation];
  const authorizer =
    route.authorization === 'user'
      ? { jwt: { claims: { sub: 'alice' }, scopes: null } }
      : route.authorization === 'admin' || route.authorization === 'checkout'
        ? { iam: { userArn: 'arn:aws:iam::123456789012:user/ops', accessKey: 'AKIAEXAMPLE' } }
        : undefined;
  return {
    version: '2.0',
    routeKey: routeKey(route),
    rawPath: route.path,
    headers: { 'content-type': 'application/json' },
    pathParameters: request.pathParameters,
    queryStringParameters: request.query,
    body: request.body === undefined ? undefined : JSON.stringify(request.body),
    isBase64Encoded: false,
    requestContext: { ...(authorizer ? { authorizer } : {}), http: { method: route.method, path: route.path } },
  } as unknown as APIGatewayProxyEventV2;
}

const context = {
  awsRequestId: 'request-1',
  functionName: 'handler-under-test',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:handler-under-test',
  memoryLimitInMB: '512',
  getRemainingTimeInMillis: () => 10_000,
} as unknown as Context;

type HttpHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

describe('handlers: a failing backend on every route', () => {
  const handlers = new Map<HandlerName, HttpHandler>();
  let logError: jest.SpyInstance;

  beforeAll(() => {
    // Every variable any function reads (src/functions/runtime/config.ts), as src/construct/ sets them; jwt and
    // DynamoDB modes.
    Object.assign(process.env, {
      [ENV.CAMPAIGN_TABLE]: 'campaigns',
      [ENV.ADMISSION_TABLE]: 'admissions',
      [ENV.COUPON_TABLE]: 'coupons',
      [ENV.VENDOR_TABLE]: 'vendors',
      [ENV.FAILED_EVENT_TABLE]: 'failed-events',
      [ENV.ISSUE_QUEUE_URL]: 'https://sqs.us-east-1.amazonaws.com/123456789012/issue',
      [ENV.DEAD_LETTER_QUEUE_URL]: 'https://sqs.us-east-1.amazonaws.com/123456789012/issue-dlq',
      [ENV.ADMISSION_MODE]: 'dynamodb',
      [ENV.AUTH_MODE]: 'jwt',
      [ENV.ISSUE_QUEUE_MAX_MESSAGE_AGE_SECONDS]: '1800',
      [ENV.STAGE_THROTTLE_RATE_LIMIT]: '5000',
      [ENV.STAGE_THROTTLE_BURST_LIMIT]: '5000',
      [ENV.PREWARM_SCHEDULE_GROUP]: 'prewarm',
      [ENV.PREWARM_FUNCTION_ARN]: 'arn:aws:lambda:us-east-1:123456789012:function:apply-prewarm',
      [ENV.PREWARM_SCHEDULER_ROLE_ARN]: 'arn:aws:iam::123456789012:role/scheduler',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    });
    for (const { handler } of ROUTES) {
      handlers.set(handler, require(`../../../src/functions/handlers/${handler}`).handler as HttpHandler);
    }
    const { logger } =
      require('../../../src/functions/runtime/powertools') as typeof import('../../../src/functions/runtime/powertools');
    logError = jest.spyOn(logger, 'error');
  });

  beforeEach(() => logError.mockClear());

  it.each(ROUTES.map((route) => [routeKey(route), route] as const))(
    'answers %s with 503 UNAVAILABLE, a generic body, and the cause in the log',
    async (_, route) => {
      const handler = handlers.get(route.handler) as HttpHandler;
      const response = await handler(eventOf(route), context);
      expect(response.statusCode).toBe(503);
      expect(response.headers?.['content-type']).toBe('application/problem+json');
      expect(JSON.parse(response.body ?? '')).toEqual(UNAVAILABLE_PROBLEM);
      expect(response.body).not.toMatch(/ECONNREFUSED|FcfsCoupon|10\.0\.0\.7|NetworkingError/);
      expect(logError).toHaveBeenCalledWith(
        expect.any(String),
        expect.objectContaining({ error: expect.objectContaining({ message: BACKEND_ERROR }) }),
      );
    },
  );
});
