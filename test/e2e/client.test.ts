import { createCouponClient, type RequestBody } from '../../src/client';
import { middayZone, type RunningCloud, startCloudProcess, TEST_VENDOR } from '../../tools/local/child-cloud';

jest.setTimeout(300_000);

// The package's typed client (src/client) against the local cloud, as a consumer uses it: the admin creates a
// campaign with SigV4-signed calls, a user claims today's coupon and reads it back with a bearer token. Only the
// token comes from elsewhere (the local issuer, as a real user's comes from the user pool).
describe('client: createCouponClient against the local cloud (redis admission mode)', () => {
  let cloud: RunningCloud;

  beforeAll(async () => {
    cloud = await startCloudProcess('redis', { tag: 'client' });
  });
  afterAll(async () => {
    await cloud?.stop();
  });

  /** A bearer token for `sub` from the local issuer (`POST /_local/token`). */
  const mint = async (sub: string): Promise<string> => {
    const response = await fetch(`${cloud.endpoints.apiUrl}/_local/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sub }),
    });
    return ((await response.json()) as { token: string }).token;
  };

  it('creates a campaign as the admin, issues a coupon to a user and reads it back as that user', async () => {
    // Prepare
    const { apiUrl, adminCredentials } = cloud.endpoints;
    const { accessKeyId, secretAccessKey, region } = adminCredentials;
    const { admin } = createCouponClient({
      baseUrl: `${apiUrl}/`,
      adminCredentials: { accessKeyId, secretAccessKey },
      region,
    });
    const { user } = createCouponClient({ baseUrl: apiUrl, userToken: () => mint('client-user') });
    const today = new Date().toISOString().slice(0, 10);
    const day = (offset: number) => new Date(Date.parse(today) + offset * 86_400_000).toISOString().slice(0, 10);
    const definition: RequestBody<'createCampaign'> = {
      campaignId: 'client',
      vendorId: TEST_VENDOR.vendorId,
      name: 'Typed client',
      timezone: middayZone(),
      startDate: day(-1),
      endDate: day(1),
      dailyWindow: { open: '00:00', close: '24:00' },
      dailyQuota: 5,
      perUserDailyLimit: 1,
      couponValidityDays: 30,
      discount: { type: 'AMOUNT', value: 1000 },
    };

    // Act
    const created = await admin.POST('/v1/admin/campaigns', { body: definition });
    const unsigned = await createCouponClient({ baseUrl: apiUrl }).admin.GET('/v1/admin/campaigns');
    const issued = await user.POST('/v1/campaigns/{campaignId}/issue', { params: { path: { campaignId: 'client' } } });
    const again = await user.POST('/v1/campaigns/{campaignId}/issue', { params: { path: { campaignId: 'client' } } });
    const read = async () =>
      user.GET('/v1/campaigns/{campaignId}/users/{userId}/coupon', {
        params: { path: { campaignId: 'client', userId: 'client-user' } },
      });
    let coupon = await read();
    for (let i = 0; i < 100 && coupon.data?.status === 'PENDING'; i++) {
      await new Promise((r) => setTimeout(r, 200));
      coupon = await read();
    }

    // Assess
    expect({ status: created.response.status, body: created.data }).toEqual({
      status: 201,
      body: expect.objectContaining({ campaignId: 'client', dailyQuota: 5 }),
    });
    expect(unsigned.response.status).toBe(403);
    expect({ status: issued.response.status, body: issued.data }).toEqual({
      status: 202,
      body: { code: 'ACCEPTED', rank: 1, couponId: expect.any(String), issueDate: expect.any(String) },
    });
    expect({ status: again.response.status, code: again.error && 'code' in again.error && again.error.code }).toEqual({
      status: 409,
      code: 'ALREADY_ISSUED',
    });
    expect(coupon.data).toMatchObject({
      status: 'ISSUED',
      coupon: { couponId: issued.data?.couponId, userId: 'client-user', campaignId: 'client', rank: 1 },
    });
  });
});
