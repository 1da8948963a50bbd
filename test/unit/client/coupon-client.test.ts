import { createCouponClient, fieldErrors, isDomainProblem, problemText } from '../../../src/client';

// A fake fetch records each request the client sends and answers `answer`: the client is checked on the wire
// (URL, headers), not through its internals.

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const baseUrl = 'https://abc123.execute-api.eu-west-1.amazonaws.com';

function fakeFetch(answer: () => Response = () => Response.json({}, { status: 200 })) {
  const sent: Request[] = [];
  return {
    sent,
    fetch: async (request: Request) => {
      sent.push(request);
      return answer();
    },
  };
}

const SIGV4 =
  /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=host;x-amz-date, Signature=[0-9a-f]{64}$/;

describe('client: createCouponClient', () => {
  it('signs admin routes with SigV4 for execute-api and sends no bearer token on them', async () => {
    // Prepare
    const wire = fakeFetch();
    const { admin } = createCouponClient({ baseUrl, adminCredentials: credentials, userToken: 'user-token', ...wire });

    // Act
    await admin.GET('/v1/admin/campaigns/{campaignId}', { params: { path: { campaignId: 'spring' } } });
    await admin.POST('/v1/admin/vendors', { body: { vendorId: 'acme', name: 'Acme', currency: 'KRW' } });
    await admin.GET('/v1/admin/vendors', { params: { query: { limit: '100', cursor: 'abc' } } });

    // Assess
    expect(wire.sent).toHaveLength(3);
    expect(wire.sent[2]?.url).toBe(`${baseUrl}/v1/admin/vendors?limit=100&cursor=abc`);
    for (const request of wire.sent) {
      expect(request.headers.get('authorization')).toMatch(SIGV4);
      expect(request.headers.get('x-amz-date')).toMatch(/^\d{8}T\d{6}Z$/);
    }
    expect(await wire.sent[1]?.text()).toBe('{"vendorId":"acme","name":"Acme","currency":"KRW"}');
  });

  it('sends the bearer token on user routes, read at each request, and nothing on the public view and count', async () => {
    // Prepare
    const wire = fakeFetch();
    let token = 'first';
    const { user } = createCouponClient({
      baseUrl,
      adminCredentials: credentials,
      userToken: async () => token,
      ...wire,
    });

    // Act
    await user.POST('/v1/campaigns/{campaignId}/issue', { params: { path: { campaignId: 'spring' } } });
    token = 'second';
    await user.GET('/v1/users/me/coupons');
    await user.GET('/v1/campaigns/{campaignId}/count', { params: { path: { campaignId: 'spring' } } });
    await user.GET('/v1/campaigns/{campaignId}', { params: { path: { campaignId: 'spring' } } });

    // Assess
    expect(wire.sent.map((r) => r.headers.get('authorization'))).toEqual(['Bearer first', 'Bearer second', null, null]);
    expect(wire.sent.map((r) => r.headers.get('x-amz-date'))).toEqual([null, null, null, null]);
    expect(wire.sent[3]?.url).toBe(`${baseUrl}/v1/campaigns/spring`);
  });

  it('adds the session token of temporary credentials to the signed headers', async () => {
    // Prepare
    const wire = fakeFetch();
    const temporary = { ...credentials, sessionToken: 'session-token' };
    const { admin } = createCouponClient({ baseUrl, adminCredentials: async () => temporary, ...wire });

    // Act
    await admin.GET('/v1/admin/campaigns');

    // Assess
    expect(wire.sent[0]?.headers.get('x-amz-security-token')).toBe('session-token');
    expect(wire.sent[0]?.headers.get('authorization')).toContain('SignedHeaders=host;x-amz-date;x-amz-security-token,');
  });

  it('joins the base URL (a stage, a trailing slash) with the path, its encoded parameters and the query', async () => {
    // Prepare
    const wire = fakeFetch();
    const { user, admin } = createCouponClient({ baseUrl: `${baseUrl}/prod/`, adminCredentials: credentials, ...wire });

    // Act
    await user.GET('/v1/campaigns/{campaignId}/users/{userId}/coupon', {
      params: { path: { campaignId: 'spring', userId: 'a@b' }, query: { date: '2026-05-01' } },
    });
    await admin.GET('/v1/admin/failed-events', { params: { query: { status: 'PARKED', campaignId: 'spring' } } });

    // Assess
    expect(wire.sent.map((r) => r.url)).toEqual([
      `${baseUrl}/prod/v1/campaigns/spring/users/a%40b/coupon?date=2026-05-01`,
      `${baseUrl}/prod/v1/admin/failed-events?status=PARKED&campaignId=spring`,
    ]);
  });

  it('sends admin routes unsigned without credentials, and needs a region for a host that is not execute-api', async () => {
    // Prepare
    const wire = fakeFetch();
    const { admin } = createCouponClient({ baseUrl: 'https://api.example.com', ...wire });

    // Act
    await admin.GET('/v1/admin/campaigns');

    // Assess
    expect(wire.sent[0]?.headers.get('authorization')).toBeNull();
    expect(() => createCouponClient({ baseUrl: 'https://api.example.com', adminCredentials: credentials })).toThrow(
      /region is required/,
    );
    const scoped = fakeFetch();
    const custom = createCouponClient({
      baseUrl: 'https://api.example.com',
      adminCredentials: credentials,
      region: 'ap-northeast-2',
      ...scoped,
    });
    await custom.admin.GET('/v1/admin/campaigns');
    expect(scoped.sent[0]?.headers.get('authorization')).toContain('/ap-northeast-2/execute-api/aws4_request');
  });

  it("gives an error answer as a typed problem, and problemText's one line for it", async () => {
    // Prepare
    const body = {
      type: 'tag:fcfs-coupon,2026:problems/already-issued',
      title: 'Already issued',
      status: 409,
      detail: 'already issued today',
      code: 'ALREADY_ISSUED',
      message: 'already issued today',
      errors: [],
      rank: 3,
      couponId: 'c'.repeat(32),
    };
    const problem = (value: unknown, status: number) =>
      new Response(JSON.stringify(value), { status, headers: { 'content-type': 'application/problem+json' } });
    const wire = fakeFetch(() => problem({ ...body, issueDate: '2026-05-01' }, 409));
    const { user } = createCouponClient({ baseUrl, userToken: 't', ...wire });

    // Act
    const { error, response } = await user.POST('/v1/campaigns/{campaignId}/issue', {
      params: { path: { campaignId: 'spring' } },
    });

    // Assess
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(isDomainProblem(error, 'ALREADY_ISSUED') && error.rank).toBe(3);
    expect(isDomainProblem(error, 'SOLD_OUT')).toBe(false);
    expect(problemText(error, response)).toBe('409 ALREADY_ISSUED: already issued today');
    expect(problemText({ message: 'Too Many Requests' }, new Response(null, { status: 429 }))).toBe(
      '429 Too Many Requests',
    );
  });

  it('reads the field errors of a bad request (application/problem+json) and problemText names each', async () => {
    // Prepare
    const errors = [
      { path: 'name', message: 'Invalid input: expected string, received undefined' },
      { path: 'dailyWindow.open', message: 'dailyWindow.open must be HH:MM' },
    ];
    const body = {
      type: 'tag:fcfs-coupon,2026:problems/invalid-request',
      title: 'Invalid request',
      status: 400,
      detail: 'invalid request body: 2 fields',
      code: 'INVALID_REQUEST',
      message: 'invalid request body: 2 fields',
      errors,
    };
    const wire = fakeFetch(
      () =>
        new Response(JSON.stringify(body), { status: 400, headers: { 'content-type': 'application/problem+json' } }),
    );
    const { admin } = createCouponClient({ baseUrl, ...wire });

    // Act
    const { error, response } = await admin.POST('/v1/admin/vendors', { body: { name: 'V', currency: 'USD' } });

    // Assess
    expect(isDomainProblem(error, 'INVALID_REQUEST') && error.errors).toEqual(errors);
    expect(fieldErrors(error)).toEqual(errors);
    expect(fieldErrors({ message: 'Forbidden' })).toEqual([]);
    expect(problemText(error, response)).toBe(
      '400 INVALID_REQUEST: invalid request body: 2 fields (name: Invalid input: expected string, received ' +
        'undefined; dailyWindow.open: dailyWindow.open must be HH:MM)',
    );
    const said = {
      ...body,
      message: 'invalid query: limit must be 1-100',
      errors: [{ path: 'limit', message: 'limit must be 1-100' }],
    };
    expect(problemText(said, response)).toBe('400 INVALID_REQUEST: invalid query: limit must be 1-100');
  });
});
