import { generateKeyPair, SignJWT } from 'jose';
import { LocalApiClient } from '../../tools/local/api-client';
import { call, openCampaign, type RunningCloud, startCloudProcess } from '../../tools/local/child-cloud';
import { PipelineProbe } from '../support/pipeline';

// Identity and closed doors through the local cloud, which runs the synthesized authorizers: user routes take a
// bearer token from the (local) issuer and act as its sub; admin routes take a SigV4 signature; 5xx bodies say
// nothing internal.

jest.setTimeout(300_000);

const CAMPAIGN = 'secure';

describe('security through the local cloud', () => {
  let cloud: RunningCloud;
  let probe: PipelineProbe;
  let api: string;
  let aliceCoupon: string;

  beforeAll(async () => {
    cloud = await startCloudProcess('dynamodb', { tag: 'security' });
    probe = new PipelineProbe(cloud);
    api = cloud.endpoints.apiUrl;
    await probe.createCampaign({ ...openCampaign(CAMPAIGN, 10, 'UTC'), discount: { type: 'AMOUNT', value: 1_000 } });
  });
  afterAll(async () => {
    await probe?.chaos({}).catch(() => undefined);
    probe?.close();
    await cloud?.stop();
  });

  it('describes the local identity setup in endpoints.json', () => {
    expect(cloud.endpoints.auth).toMatchObject({
      mode: 'jwt',
      issuer: expect.stringMatching(/^https:\/\/cognito-idp\.us-east-1\.amazonaws\.com\//),
      tokenUrl: `${api}/_local/token`,
    });
    expect(cloud.endpoints.adminCredentials).toMatchObject({
      accessKeyId: expect.stringMatching(/^AKIA[A-Z2-7]{16}$/),
      region: 'us-east-1',
      service: 'execute-api',
    });
  });

  it('refuses missing, forged, expired, wrong-audience and wrong-issuer tokens with 401 on every user route, changing nothing', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const now = Math.floor(Date.now() / 1000);
    const { issuer, audience } = cloud.endpoints.auth as { issuer: string; audience: string[] };
    const forged = await new SignJWT({ sub: 'alice', iss: issuer, aud: audience[0], iat: now, exp: now + 600 })
      .setProtectedHeader({ alg: 'RS256' })
      .sign(privateKey);
    const client = cloud.client;
    const tokens: Record<string, string | undefined> = {
      missing: undefined,
      garbage: 'not-a-jwt',
      forged,
      expired: await client.mint({ sub: 'alice', expiresInSeconds: -60 }),
      'wrong audience': await client.mint({ sub: 'alice', claims: { aud: 'another-app' } }),
      'wrong issuer': await client.mint({ sub: 'alice', claims: { iss: 'https://evil.example.com/' } }),
    };
    const requests: [string, string, unknown][] = [
      ['POST', `/v1/campaigns/${CAMPAIGN}/issue`, undefined],
      ['GET', '/v1/users/me/coupons', undefined],
      ['GET', `/v1/campaigns/${CAMPAIGN}/users/me/coupon`, undefined],
    ];
    for (const [kind, token] of Object.entries(tokens)) {
      for (const [method, path, body] of requests) {
        const answer = await call(`${api}${path}`, {
          method,
          body,
          headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
        });
        expect([kind, path, answer.status, answer.body]).toEqual([kind, path, 401, { message: 'Unauthorized' }]);
      }
    }
    expect(await probe.coupons(CAMPAIGN)).toEqual([]);
    const count = await call(`${api}/v1/campaigns/${CAMPAIGN}/count`);
    expect(count).toMatchObject({ status: 200, body: { admitted: 0 } });
  });

  it("issues to the token's subject only: a userId in the body is refused, and coupons belong to the sub", async () => {
    const impersonation = await call(`${api}/v1/campaigns/${CAMPAIGN}/issue`, {
      body: { userId: 'alice' },
      as: 'mallory',
    });
    expect(impersonation).toMatchObject({ status: 400, body: { code: 'INVALID_REQUEST' } });
    expect(String(impersonation.body.message)).toContain('userId is not accepted');
    const alice = await call(`${api}/v1/campaigns/${CAMPAIGN}/issue`, { method: 'POST', as: 'alice' });
    expect(alice).toMatchObject({ status: 202, body: { code: 'ACCEPTED', rank: 1 } });
    expect(await call(`${api}/v1/campaigns/${CAMPAIGN}/issue`, { body: {}, as: 'alice' })).toMatchObject({
      status: 409,
      body: { code: 'ALREADY_ISSUED' },
    });
    await probe.until('the coupon persisted', async () => (await probe.coupons(CAMPAIGN)).length === 1, 60_000, 200);
    const [coupon] = await probe.coupons(CAMPAIGN);
    expect(coupon).toMatchObject({ userId: 'alice' });
    aliceCoupon = coupon?.couponId as string;
  });

  it("lets nobody read another user's coupon, nor redeem one without the checkout's credentials", async () => {
    expect(await call(`${api}/v1/campaigns/${CAMPAIGN}/users/alice/coupon`, { as: 'mallory' })).toMatchObject({
      status: 403,
      body: { code: 'FORBIDDEN' },
    });
    expect(await call(`${api}/v1/campaigns/${CAMPAIGN}/users/me/coupon`, { as: 'mallory' })).toMatchObject({
      status: 404,
    });
    expect(await call(`${api}/v1/campaigns/${CAMPAIGN}/users/alice/coupon`, { as: 'alice' })).toMatchObject({
      status: 200,
      body: { coupon: { couponId: aliceCoupon } },
    });
    expect((await call(`${api}/v1/users/me/coupons`, { as: 'mallory' })).body).toEqual({ items: [] });
    expect(await call(`${api}/v1/users/me/coupons?userId=alice`, { as: 'mallory' })).toMatchObject({ status: 400 });

    // Only the checkout redeems: a user's token does not open its routes, and the checkout names the owner.
    const order = { couponId: aliceCoupon, orderAmount: 20_000, currency: 'KRW', orderId: 'o-m' };
    const withToken = await call(`${api}/v1/checkout/redemptions`, {
      body: { ...order, userId: 'alice' },
      as: 'alice',
      sign: false,
    });
    expect(withToken).toMatchObject({ status: 403 });
    const stolen = await call(`${api}/v1/checkout/redemptions`, { body: { ...order, userId: 'mallory' } });
    expect(stolen).toMatchObject({ status: 404, body: { code: 'COUPON_NOT_FOUND' } });
    const own = await call(`${api}/v1/checkout/redemptions`, { body: { ...order, userId: 'alice', orderId: 'o-a' } });
    expect(own).toMatchObject({ status: 201, body: { status: 'REDEEMED', orderId: 'o-a' } });
  });

  it('refuses admin calls without a valid SigV4 signature with 403, even with a user token', async () => {
    const path = `/v1/admin/campaigns/${CAMPAIGN}`;
    expect(await call(`${api}${path}`, { sign: false })).toMatchObject({ status: 403, body: { message: 'Forbidden' } });
    expect(await call(`${api}${path}`, { sign: false, as: 'alice' })).toMatchObject({ status: 403 });
    const wrongSecret = new LocalApiClient({
      ...cloud.endpoints,
      adminCredentials: { ...cloud.endpoints.adminCredentials, secretAccessKey: 'guessed' },
    });
    const forged = await wrongSecret.fetch(path);
    expect(forged.status).toBe(403);
    expect(((await forged.json()) as { message: string }).message).toMatch(/signature .* does not match/);
    // A signature for one request does not authorize another (here: a close, the kill switch).
    const headers = await cloud.client.adminHeaders('GET', `${api}${path}`);
    const replayed = await call(`${api}${path}/close`, { body: {}, sign: false, headers });
    expect(replayed.status).toBe(403);
    expect(await call(`${api}${path}`)).toMatchObject({ status: 200, body: { campaignId: CAMPAIGN } });
    expect((await call(`${api}${path}`)).body.closedAt).toBeUndefined();
  });

  it('refuses bodies above the limits with 413: 16 KB in the functions, 10 MB at the API', async () => {
    const url = `${api}/v1/checkout/redemptions/test-vendor.eA/refund`;
    const function413 = await call(url, { raw: JSON.stringify({ reason: 'x'.repeat(20_000) }) });
    expect(function413).toMatchObject({ status: 413, body: { code: 'PAYLOAD_TOO_LARGE' } });
    const api413 = await call(url, { raw: 'x'.repeat(11 * 1024 * 1024) });
    expect(api413).toMatchObject({ status: 413, body: { message: 'Request Entity Too Large' } });
  });

  it('answers backend failures with a 5xx body that says nothing internal', async () => {
    const issueFunction = probe.functionId('IssueCouponFunction');
    const internals = /dynamo|transact|exception|arn:|amazonaws|stack|\bat \w|\.ts|\.js|localhost|127\.0\.0\.1/i;
    await probe.chaos({ dynamodb: { TransactWriteItems: { errorRate: 1 }, PutItem: { errorRate: 1 } } });
    try {
      const issue = await call(`${api}/v1/campaigns/${CAMPAIGN}/issue`, { method: 'POST', as: 'bob' });
      expect(issue).toMatchObject({ status: 503, body: { code: 'UNAVAILABLE' } });
      // A problem (RFC 9457) with nothing beyond its generic members: no cause, no stack, no backend names.
      expect(Object.keys(issue.body).sort()).toEqual([
        'code',
        'detail',
        'errors',
        'message',
        'status',
        'title',
        'type',
      ]);
      expect(JSON.stringify(issue.body)).not.toMatch(internals);
      const vendor = await call(`${api}/v1/admin/vendors`, { body: { name: 'Down', currency: 'USD' } });
      expect(vendor.status).toBe(503);
      expect(JSON.stringify(vendor.body)).not.toMatch(internals);
      // A function that dies: API Gateway's own generic 500.
      await probe.chaos({ lambda: { [issueFunction]: { crashRate: 1, crashAt: 'end' } } });
      const crashed = await call(`${api}/v1/campaigns/${CAMPAIGN}/issue`, { method: 'POST', as: 'carol' });
      expect(crashed).toMatchObject({ status: 500, body: { message: 'Internal Server Error' } });
    } finally {
      await probe.chaos({});
    }
  });
});
