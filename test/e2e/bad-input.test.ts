import * as fc from 'fast-check';
import { call, openCampaign, type RunningCloud, startCloudProcess } from '../../tools/local/child-cloud';
import { PipelineProbe } from '../support/pipeline';

// Fuzzing the HTTP API through the local cloud: every bad request gets a 4xx that says what is wrong, never a
// 5xx, and changes nothing (every table, both queues and the admission ledger are compared before and after).

jest.setTimeout(600_000);

const RUNS = 150;
const CAMPAIGN = 'fuzz-target';
const OWNER = 'fuzz-owner';
/** The authenticated user of the fuzzed issue requests (a valid token; only the body is bad). */
const FUZZ_USER = 'fuzz-user';

/**
 * A 4xx that names the problem: the product's problem details (application/problem+json, RFC 9457) with its type,
 * title, status, detail and field errors, or API Gateway's own `{message}` (application/json).
 */
function expectClearRejection(
  answer: { status: number; body: Record<string, unknown>; headers: Headers },
  context: unknown,
) {
  if (answer.status < 400 || answer.status >= 500) {
    throw new Error(
      `expected a 4xx for ${JSON.stringify(context).slice(0, 300)}, got ${answer.status} ${JSON.stringify(answer.body)}`,
    );
  }
  if (answer.headers.get('content-type') === 'application/json') {
    expect(answer.body).toEqual({ message: expect.any(String) });
    return;
  }
  expect(answer.headers.get('content-type')).toBe('application/problem+json');
  expect(answer.body).toMatchObject({
    type: expect.stringMatching(/^tag:fcfs-coupon,2026:problems\/[a-z-]+$/),
    title: expect.any(String),
    status: answer.status,
    detail: expect.any(String),
    code: expect.any(String),
    message: answer.body.detail,
    errors: expect.any(Array),
  });
}

/** The paths of a problem's field errors. */
const errorPaths = (body: Record<string, unknown>) => (body.errors as { path: string }[]).map((e) => e.path);

const controlChar = fc.integer({ min: 0, max: 31 }).map((c) => String.fromCharCode(c));
/** User ids the API must refuse: empty, too long, with whitespace or control characters, or not strings. */
const badUserId = fc.oneof(
  fc.constant(''),
  fc.string({ minLength: 129, maxLength: 400 }).map((s) => `u${s.replace(/\s/g, 'x')}`.padEnd(129, 'x')),
  fc.tuple(fc.string({ maxLength: 10 }), controlChar, fc.string({ maxLength: 10 })).map(([a, c, b]) => `${a}${c}${b}`),
  fc.tuple(fc.string({ maxLength: 10 }), fc.constantFrom(' ', '\t', '\u00a0', '\u2028')).map(([a, w]) => `${a}${w}x`),
  fc.oneof(
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.string()),
    fc.dictionary(fc.string(), fc.string()),
  ),
);
/**
 * Bodies of an issue request that can never admit anyone, sent with a valid token: with authentication on, the
 * body must be absent or `{}`, so anything else (a userId included) is refused.
 */
const badIssueBody: fc.Arbitrary<string> = fc.oneof(
  // Not JSON at all, or cut short.
  // (not empty: with a token, no body means `{}`, a valid request)
  fc.string({ minLength: 1, maxLength: 200 }).filter((s) => {
    try {
      JSON.parse(s);
      return false;
    } catch {
      return true;
    }
  }),
  fc.constantFrom('{', '{"userId":', 'null', '[]', '"userId"', '{"userId":"a"', '{"userId":"a"}', '\u0000'),
  // JSON, but not an empty object.
  fc
    .jsonValue()
    .filter((v) => typeof v !== 'object' || v === null || Array.isArray(v))
    .map((v) => JSON.stringify(v)),
  fc.oneof(badUserId, fc.constantFrom(OWNER, 'someone-else')).map((userId) => JSON.stringify({ userId })),
  fc
    .tuple(
      fc.string({ minLength: 1, maxLength: 20 }).filter((k) => k !== 'userId'),
      fc.jsonValue(),
    )
    .map(([key, value]) => JSON.stringify({ [key]: value })),
);

/** Campaign definitions that make no sense, each with the field the answer must name. */
const badDefinition: fc.Arbitrary<{ definition: Record<string, unknown>; field: string }> = fc.oneof(
  fc.constant({
    definition: { ...openCampaign('fuzz-a', 5), startDate: '2026-06-10', endDate: '2026-06-01' },
    field: 'endDate',
  }),
  fc.tuple(fc.integer({ min: 1, max: 23 }), fc.integer({ min: 0, max: 59 })).map(([h, m]) => {
    const open = `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
    const close = `${String(h - 1).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
    return { definition: { ...openCampaign('fuzz-b', 5), dailyWindow: { open, close } }, field: 'dailyWindow' };
  }),
  fc
    .oneof(
      fc.integer({ min: -1_000_000, max: 0 }),
      fc.double({ min: 0.01, max: 100, noInteger: true }),
      fc.constant('10'),
    )
    .map((dailyQuota) => ({ definition: { ...openCampaign('fuzz-c', 5), dailyQuota }, field: 'dailyQuota' })),
  fc
    .constantFrom('Mars/Olympus_Mons', 'UTC+25', 'Asia/Seoul ', '', 'America/NewYork', 42)
    .map((timezone) => ({ definition: { ...openCampaign('fuzz-d', 5), timezone }, field: 'timezone' })),
  fc
    .constantFrom('2026-02-30', '2026-13-01', 'tomorrow', '2026/06/01')
    .map((startDate) => ({ definition: { ...openCampaign('fuzz-e', 5), startDate }, field: 'startDate' })),
  fc.constantFrom('name', 'timezone', 'startDate', 'endDate', 'dailyWindow', 'dailyQuota', 'discount').map((field) => {
    const definition: Record<string, unknown> = { ...openCampaign('fuzz-f', 5) };
    delete definition[field];
    return { definition, field };
  }),
  fc
    .stringMatching(/^[a-zA-Z][a-zA-Z0-9_]{0,11}$/)
    .filter((k) => !(k in openCampaign('x', 1)))
    .map((key) => ({ definition: { ...openCampaign('fuzz-g', 5), [key]: true }, field: key })),
  badUserId
    .filter((id) => typeof id !== 'string' || id.length > 0)
    .map((campaignId) => ({ definition: { ...openCampaign('x', 5), campaignId }, field: 'campaignId' })),
);

/**
 * Checkout redeem bodies that can never redeem the fuzz coupon: each breaks one field of a valid body (ids,
 * amount, currency) or adds an unknown one.
 */
const badRedeemBody = (valid: Record<string, unknown>): fc.Arbitrary<Record<string, unknown>> =>
  fc.oneof(
    fc.constantFrom('orderId', 'orderAmount', 'currency', 'userId', 'couponId').map((key) => {
      const { [key]: _, ...rest } = valid;
      return rest;
    }),
    badUserId.map((userId) => ({ ...valid, userId })),
    badUserId.map((orderId) => ({ ...valid, orderId })),
    fc
      .oneof(
        fc.constantFrom(0, -1, 1.5, 1e13, '1000', null, true, Number.NaN),
        fc.double().filter((d) => !Number.isInteger(d)),
      )
      .map((orderAmount) => ({ ...valid, orderAmount })),
    fc.constantFrom('usd', 'KRWX', '', 7, null).map((currency) => ({ ...valid, currency })),
    fc
      .string({ minLength: 1, maxLength: 20 })
      .filter((k) => !Object.keys(valid).includes(k))
      .map((key) => ({ ...valid, [key]: 1 })),
  );

/** Vendor definitions the admin API must refuse. */
const badVendor: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.constant({ name: 'No currency' }),
  fc
    .oneof(fc.constantFrom('usd', 'US', 'EURO', '', 'U$D', 1), fc.stringMatching(/^[a-z]{3}$/))
    .map((currency) => ({ name: 'V', currency })),
  fc.constantFrom('', '   ', 'x'.repeat(201)).map((name) => ({ name, currency: 'USD' })),
  fc
    .constantFrom('-lead', 'has space', 'x'.repeat(65), 'slash/')
    .map((vendorId) => ({ vendorId, name: 'V', currency: 'USD' })),
);

describe('bad input through the local cloud', () => {
  let cloud: RunningCloud;
  let probe: PipelineProbe;
  let api: string;
  let before: unknown;
  let couponId: string;

  /** Everything a request could change. */
  async function state() {
    const tables = await Promise.all(
      ['CampaignTable', 'AdmissionTable', 'CouponTable', 'FailedEventTable', 'VendorTable'].map(async (t) =>
        (await probe.scan(probe.table(t))).map((item) => JSON.stringify(item)).sort(),
      ),
    );
    const ledger = await probe.ledger({ campaignId: CAMPAIGN, issueDate: new Date().toISOString().slice(0, 10) });
    const queues = [await probe.queueDepth('IssueQueue'), await probe.queueDepth('IssueDeadLetterQueue')];
    return { tables, ledger, queues };
  }

  beforeAll(async () => {
    cloud = await startCloudProcess('redis', { tag: 'input' });
    probe = new PipelineProbe(cloud);
    api = cloud.endpoints.apiUrl;
    await probe.createCampaign(openCampaign(CAMPAIGN, 1_000, 'UTC'));
    // One coupon to aim bad redeem requests at.
    await probe.issue(CAMPAIGN, [OWNER]);
    await probe.until(
      'the fuzz coupon persisted',
      async () => (await probe.coupons(CAMPAIGN)).length === 1,
      60_000,
      200,
    );
    couponId = (await probe.coupons(CAMPAIGN))[0]?.couponId as string;
    before = await state();
  });
  afterAll(async () => {
    probe?.close();
    await cloud?.stop();
  });

  it('answers malformed, mistyped and oversized issue bodies with 400/413 and admits nobody', async () => {
    await fc.assert(
      fc.asyncProperty(badIssueBody, async (raw) => {
        const answer = await call(`${api}/v1/campaigns/${CAMPAIGN}/issue`, { raw, as: FUZZ_USER });
        expectClearRejection(answer, raw);
        expect([400, 413]).toContain(answer.status);
      }),
      { numRuns: RUNS },
    );
    const huge = await call(`${api}/v1/campaigns/${CAMPAIGN}/issue`, {
      raw: JSON.stringify({ pad: 'x'.repeat(1024 * 1024) }),
      as: FUZZ_USER,
    });
    expect(huge).toMatchObject({ status: 413, body: { code: 'PAYLOAD_TOO_LARGE' } });
    expectClearRejection(huge, 'a 1 MB body');
    const extra = await call(`${api}/v1/campaigns/${CAMPAIGN}/issue`, { body: { admin: true }, as: FUZZ_USER });
    expect(extra.status).toBe(400);
    expect(String(extra.body.message)).toContain('admin');
    expect(extra.body.errors).toEqual([{ path: 'admin', message: 'Unrecognized key: "admin"' }]);
    const impersonation = await call(`${api}/v1/campaigns/${CAMPAIGN}/issue`, {
      body: { userId: OWNER },
      as: FUZZ_USER,
    });
    expect(impersonation.status).toBe(400);
    expect(String(impersonation.body.message)).toContain('userId is not accepted');
    expect(errorPaths(impersonation.body)).toEqual(['userId']);
  });

  it('answers bad or unknown campaign ids in the path with 400/404', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          badUserId.filter((id): id is string => typeof id === 'string' && id.length > 0),
          fc.stringMatching(/^[a-z0-9-]{1,40}$/).map((id) => `missing-${id}`),
        ),
        async (campaignId) => {
          const answer = await call(`${api}/v1/campaigns/${encodeURIComponent(campaignId)}/issue`, {
            method: 'POST',
            as: FUZZ_USER,
          });
          expectClearRejection(answer, campaignId);
          expect([400, 404]).toContain(answer.status);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('answers unknown routes and methods with 404', async () => {
    const routes: [string, string][] = [
      ['GET', `/v1/campaigns/${CAMPAIGN}/issue`],
      ['PUT', `/v1/campaigns/${CAMPAIGN}/issue`],
      ['DELETE', '/v1/admin/campaigns'],
      ['POST', '/v1/campaigns'],
      ['GET', '/'],
      ['PUT', `/v1/admin/campaigns/${CAMPAIGN}`],
      ['POST', `/v1/campaigns/${CAMPAIGN}/issue/extra`],
    ];
    for (const [method, route] of routes) {
      const answer = await call(`${api}${route}`, { method, ...(method === 'GET' ? {} : { body: { userId: 'x' } }) });
      expect([method, route, answer.status]).toEqual([method, route, 404]);
    }
  });

  it('refuses campaign definitions that make no sense, naming the field, and creates nothing', async () => {
    await fc.assert(
      fc.asyncProperty(badDefinition, async ({ definition, field }) => {
        const answer = await call(`${api}/v1/admin/campaigns`, { body: definition });
        expectClearRejection(answer, definition);
        expect(answer.status).toBe(400);
        expect(String(answer.body.message)).toContain(field);
        expect(errorPaths(answer.body).some((path) => path.split('.')[0] === field)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('lists each field a definition lacks in errors, with its path', async () => {
    const answer = await call(`${api}/v1/admin/campaigns`, { body: { campaignId: 'fuzz-h', dailyWindow: {} } });
    expectClearRejection(answer, 'a definition without its fields');
    expect(answer.status).toBe(400);
    const paths = errorPaths(answer.body);
    for (const field of ['name', 'timezone', 'startDate', 'endDate', 'dailyWindow.open', 'dailyQuota', 'discount']) {
      expect(paths).toContain(field);
    }
    expect(String(answer.body.detail)).toMatch(/^invalid request body: \d+ invalid fields: /);
  });

  it('refuses bad checkout redeem bodies with 400 and redeems nothing', async () => {
    const valid = { userId: OWNER, couponId, orderId: 'o-1', orderAmount: 1_000, currency: 'KRW' };
    await fc.assert(
      fc.asyncProperty(badRedeemBody(valid), async (body) => {
        const answer = await call(`${api}/v1/checkout/redemptions`, { body });
        expectClearRejection(answer, body);
        expect(answer.status).toBe(400);
      }),
      { numRuns: RUNS },
    );
    const foreign = await call(`${api}/v1/checkout/redemptions`, { body: { ...valid, userId: 'not-the-owner' } });
    expect(foreign).toMatchObject({ status: 404, body: { code: 'COUPON_NOT_FOUND' } });
    // The quote's body is the redeem body without orderId; it refuses the same mistakes.
    const { orderId: _, ...quote } = valid;
    await fc.assert(
      fc.asyncProperty(
        badRedeemBody(quote).filter((body) => JSON.stringify(body) !== JSON.stringify(quote)),
        async (body) => {
          const answer = await call(`${api}/v1/checkout/quotes`, { body });
          expectClearRejection(answer, body);
          expect(answer.status).toBe(400);
        },
      ),
      { numRuns: RUNS },
    );
    // A refund needs a reason of 1-500 characters, and nothing else.
    const refund = `${api}/v1/checkout/redemptions/test-vendor.by0x/refund`;
    for (const body of [
      {},
      { reason: '' },
      { reason: ' ' },
      { reason: 7 },
      { reason: 'x'.repeat(501) },
      { reason: 'r', x: 1 },
    ]) {
      const answer = await call(refund, { body });
      expectClearRejection(answer, body);
      expect(answer.status).toBe(400);
    }
    expect(await call(`${api}/v1/checkout/redemptions/not%20an%20id/refund`, { body: { reason: 'r' } })).toMatchObject({
      status: 400,
    });
  });

  it('refuses bad vendor definitions with 400 and creates nothing', async () => {
    await fc.assert(
      fc.asyncProperty(badVendor, async (definition) => {
        const answer = await call(`${api}/v1/admin/vendors`, { body: definition });
        expectClearRejection(answer, definition);
        expect(answer.status).toBe(400);
      }),
      { numRuns: RUNS },
    );
  });

  it('refuses bad page requests, foreign cursors and bad updates with a 4xx', async () => {
    const queries = [
      'limit=0',
      'limit=101',
      'limit=abc',
      'limit=-1',
      'cursor=not-base64-json',
      `cursor=${'x'.repeat(3000)}`,
    ];
    for (const query of queries) {
      expectClearRejection(await call(`${api}/v1/users/me/coupons?${query}`, { as: OWNER }), query);
      expectClearRejection(await call(`${api}/v1/admin/campaigns?${query}`), query);
    }
    expectClearRejection(await call(`${api}/v1/users/me/coupons`), 'no token');
    expectClearRejection(await call(`${api}/v1/users/me/coupons?userId=${OWNER}`, { as: 'someone' }), 'a userId');
    const theirs = Buffer.from(JSON.stringify({ couponId: 'c', userId: OWNER, admittedAt: 'a' })).toString('base64url');
    expect((await call(`${api}/v1/users/me/coupons?cursor=${theirs}`, { as: 'someone' })).status).toBe(400);
    for (const body of [{ dailyQuota: 5 }, { campaignId: 'x' }, { unknown: 1 }, { discount: { type: 'FREE' } }]) {
      const answer = await call(`${api}/v1/admin/campaigns/${CAMPAIGN}`, { method: 'PATCH', body });
      expectClearRejection(answer, body);
    }
    expectClearRejection(await call(`${api}/v1/admin/campaigns/${CAMPAIGN}/stats?from=2026-13-01`), 'bad from');
    expectClearRejection(await call(`${api}/v1/campaigns/${CAMPAIGN}/count?date=2026-02-30`), 'February 30');
  });

  it('left every table, queue and the ledger exactly as they were', async () => {
    expect(await state()).toEqual(before);
  });
});
