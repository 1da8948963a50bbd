import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { couponExpiresAt, issueDayOf } from '../../src/functions/domain/campaign/campaign';
import {
  call,
  middayZone,
  openCampaign,
  type RunningCloud,
  startCloudProcess,
  TEST_VENDOR,
} from '../../tools/local/child-cloud';
import { projectRoot } from '../../tools/local/emulators';
import { PipelineProbe } from '../support/pipeline';

jest.setTimeout(300_000);

// The coupon's life through the local cloud (Redis mode): vendor -> campaign -> issue -> the user's coupons ->
// redeem (with the concurrent race) -> settlement -> stats -> update before the start -> close (kill switch).
describe('coupon lifecycle through the local cloud', () => {
  let cloud: RunningCloud;
  let probe: PipelineProbe;
  let api: string;
  const zone = middayZone();
  const campaignId = 'life';
  const vendorId = 'acme-life';

  beforeAll(async () => {
    cloud = await startCloudProcess('redis', { tag: 'lifecycle' });
    probe = new PipelineProbe(cloud);
    api = cloud.endpoints.apiUrl;
  });
  afterAll(async () => {
    probe?.close();
    await cloud?.stop();
  });

  /** The user's coupons, as that user (its bearer token), through the typed client; `{status, body}`. */
  const mine = async (userId: string) => {
    const { data, error, response } = await cloud.client.user(userId).GET('/v1/users/me/coupons');
    return { status: response.status, body: data ?? error };
  };
  /** Redeems at the checkout (its SigV4 credentials) for `userId`'s order, in KRW; `{status, body}`. */
  const redeem = async (
    couponId: string,
    { userId, orderId, orderAmount = 20_000 }: { userId: string; orderId: string; orderAmount?: number },
  ) => {
    const { data, error, response } = await cloud.client.checkout.POST('/v1/checkout/redemptions', {
      body: { userId, couponId, orderId, orderAmount, currency: 'KRW' },
    });
    return { status: response.status, body: data ?? error };
  };

  it('serves the committed OpenAPI document at /_local/openapi.json', async () => {
    const served = await call(`${api}/_local/openapi.json`);
    expect(served.body).toEqual(JSON.parse(readFileSync(path.join(projectRoot, 'openapi.json'), 'utf8')));
  });

  it('creates a vendor, and refuses a campaign of an unknown vendor with 422', async () => {
    const { admin } = cloud.client;
    const created = await admin.POST('/v1/admin/vendors', { body: { vendorId, name: 'Acme', currency: 'KRW' } });
    expect(created.response.status).toBe(201);
    expect(created.data).toMatchObject({ vendorId, currency: 'KRW' });
    const again = await admin.POST('/v1/admin/vendors', { body: { vendorId, name: 'Again', currency: 'KRW' } });
    expect(again.error).toMatchObject({ code: 'VENDOR_EXISTS' });
    const orphan = await admin.POST('/v1/admin/campaigns', {
      body: { ...openCampaign('orphan', 3, zone), vendorId: 'nobody' },
    });
    expect(orphan.response.status).toBe(422);
    expect(orphan.error).toMatchObject({ code: 'UNKNOWN_VENDOR' });
    const read = await admin.GET('/v1/admin/campaigns/{campaignId}', { params: { path: { campaignId: 'orphan' } } });
    expect(read.response.status).toBe(404);
  });

  it("issues coupons that list as ISSUED among the user's coupons, newest first", async () => {
    const definition = {
      ...openCampaign(campaignId, 3, zone),
      vendorId,
      discount: { type: 'AMOUNT', value: 5_000 },
    } as const;
    expect((await cloud.client.admin.POST('/v1/admin/campaigns', { body: definition })).response.status).toBe(201);
    const answers = await probe.issue(campaignId, ['u1', 'u2', 'u3', 'u4']);
    expect(answers.filter((a) => a.status === 202)).toHaveLength(3);
    const day = { campaignId, issueDate: issueDayOf({ timezone: zone }, new Date()) };
    await probe.until('3 coupons persisted', async () => (await probe.persistedCount(day)) === 3, 60_000, 200);
    const winner = answers.find((a) => a.status === 202)?.userId as string;
    const listed = await cloud.client.user(winner).GET('/v1/users/me/coupons');
    expect(listed.response.status).toBe(200);
    expect(listed.data).toMatchObject({ items: [{ campaignId, userId: winner, status: 'ISSUED' }] });
    expect(listed.data?.nextCursor).toBeUndefined();
  });

  it('lets exactly one of 12 concurrent redeems of one coupon win, credits the vendor once, and repeats the winner', async () => {
    const [coupon] = (await probe.coupons(campaignId)) as { couponId: string; userId: string }[];
    const { couponId, userId } = coupon as { couponId: string; userId: string };
    const race = await Promise.all(
      Array.from({ length: 12 }, (_, i) => redeem(couponId, { userId, orderId: `order-${i}`, orderAmount: 20_000 })),
    );
    const won = race.filter((r) => r.status === 201);
    expect(won).toHaveLength(1);
    expect(race.filter((r) => r.status === 409).map((r) => (r.body as { code?: string }).code)).toEqual(
      Array(11).fill('ALREADY_REDEEMED'),
    );
    const redemption = won[0]?.body as { orderId: string; redemptionId: string };
    expect(redemption).toMatchObject({ discountAmount: 5_000, orderAmount: 20_000, status: 'REDEEMED' });

    const again = await redeem(couponId, { userId, orderId: redemption.orderId, orderAmount: 20_000 });
    expect(again).toMatchObject({ status: 201, body: redemption });
    const stranger = await redeem(couponId, { userId: 'someone-else', orderId: 'order-x' });
    expect(stranger).toMatchObject({ status: 404, body: { code: 'COUPON_NOT_FOUND' } });
    expect((await mine(userId)).body).toMatchObject({
      items: [{ couponId, status: 'REDEEMED', redemption: { orderId: redemption.orderId, amount: 5_000 } }],
    });

    const vendor = await cloud.client.admin.GET('/v1/admin/vendors/{vendorId}', { params: { path: { vendorId } } });
    expect(vendor.response.status).toBe(200);
    expect(vendor.data).toMatchObject({
      settlement: { balance: 5_000, redemptions: 1, currency: 'KRW' },
      entries: [{ couponId, campaignId, orderId: redemption.orderId, amount: 5_000 }],
    });
  });

  it('answers an expired coupon with 410, judged at the end of the validity day in the campaign time zone', async () => {
    // A coupon of a campaign that ended in January in Seoul, valid 30 days: it expired at the end of March 2, KST.
    const past = { timezone: 'Asia/Seoul', endDate: '2026-01-31', couponValidityDays: 30 };
    const expiresAt = couponExpiresAt({
      ...past,
      startDate: '2026-01-01',
      dailyWindow: { open: '00:00', close: '24:00' },
    });
    expect(expiresAt.toISOString()).toBe('2026-03-02T15:00:00.000Z');
    await probe.couponStore.putIfAbsent({
      couponId: 'e'.repeat(32),
      campaignId: 'winter',
      vendorId,
      issueDate: '2026-01-31',
      userId: 'old-user',
      rank: 1,
      admittedAt: '2026-01-31T01:00:00.000Z',
      issuedAt: '2026-01-31T01:00:01.000Z',
      expiresAt: expiresAt.toISOString(),
      status: 'ISSUED',
      discount: { type: 'AMOUNT', value: 1_000 },
    });
    const expired = await redeem('e'.repeat(32), { userId: 'old-user', orderId: 'late-order' });
    expect(expired).toMatchObject({ status: 410, body: { code: 'EXPIRED', expiresAt: '2026-03-02T15:00:00.000Z' } });
    expect((await mine('old-user')).body).toMatchObject({ items: [{ status: 'EXPIRED' }] });
  });

  it('reports per-day stats and lists campaigns in pages', async () => {
    const today = issueDayOf({ timezone: zone }, new Date());
    const stats = await call(`${api}/v1/admin/campaigns/${campaignId}/stats?from=${today}&to=${today}`);
    expect(stats).toMatchObject({
      status: 200,
      body: { days: [{ issueDate: today, quota: 3, admitted: 3, persisted: 3, redeemed: 1, parked: 0 }] },
    });
    const seen: string[] = [];
    let cursor = '';
    do {
      const page = await call(`${api}/v1/admin/campaigns?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      seen.push(...(page.body.items as { campaignId: string }[]).map((c) => c.campaignId));
      cursor = (page.body.nextCursor as string | undefined) ?? '';
    } while (cursor);
    expect(seen).toContain(campaignId);
    expect((await call(`${api}/v1/admin/campaigns?limit=0`)).status).toBe(400);
  });

  it('updates a campaign before it starts, and refuses once it has started', async () => {
    const future = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
    const later = { ...openCampaign('later', 5, zone), vendorId, startDate: future, endDate: future };
    expect((await call(`${api}/v1/admin/campaigns`, { body: later })).status).toBe(201);
    const patch = (id: string, body: unknown) => call(`${api}/v1/admin/campaigns/${id}`, { method: 'PATCH', body });
    expect(await patch('later', { dailyQuota: 50 })).toMatchObject({
      status: 200,
      body: { dailyQuota: 50, version: 2 },
    });
    expect(await patch('later', { dailyQuota: 0 })).toMatchObject({ status: 400, body: { code: 'INVALID_REQUEST' } });
    expect(await patch('later', { campaignId: 'renamed' })).toMatchObject({ status: 400 });
    expect(await patch(campaignId, { dailyQuota: 50 })).toMatchObject({
      status: 409,
      body: { code: 'CAMPAIGN_STARTED' },
    });
    expect((await call(`${api}/v1/admin/campaigns/later`)).body).toMatchObject({ dailyQuota: 50 });
  });

  it('closes a campaign at once (no admission, NOT_OPEN once sold-out snapshots expire), idempotently, keeping issued coupons redeemable', async () => {
    const closed = await call(`${api}/v1/admin/campaigns/${campaignId}/close`, { body: {} });
    expect(closed).toMatchObject({ status: 200, body: { campaignId } });
    const closedAt = closed.body.closedAt as string;
    expect(Date.parse(closedAt)).toBeLessThanOrEqual(Date.now());
    expect((await call(`${api}/v1/admin/campaigns/${campaignId}/close`, { body: {} })).body.closedAt).toBe(closedAt);
    const issueLate = () => call(`${api}/v1/campaigns/${campaignId}/issue`, { method: 'POST', as: 'u-late' });
    // No one is admitted after the close. An instance that saw the day sold out (the first test used up its quota)
    // may answer from its sold-out snapshot for up to 2 s (SoldOutCache's TTL); after that, NOT_OPEN everywhere.
    expect(['NOT_OPEN', 'SOLD_OUT']).toContain((await issueLate()).body.code);
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    for (let i = 0; i < 4; i++) {
      expect(await issueLate()).toMatchObject({
        status: 409,
        body: { code: 'NOT_OPEN', message: 'The campaign was closed' },
      });
    }
    const unredeemed = (await probe.coupons(campaignId)).find((c) => c.status === 'ISSUED') as {
      couponId: string;
      userId: string;
    };
    expect((await redeem(unredeemed.couponId, { userId: unredeemed.userId, orderId: 'after-close' })).status).toBe(201);
    expect((await call(`${api}/v1/admin/campaigns/missing/close`, { body: {} })).status).toBe(404);
  });

  it('keeps the test vendor of the cloud separate', async () => {
    expect((await call(`${api}/v1/admin/vendors/${TEST_VENDOR.vendorId}`)).body).toMatchObject({
      settlement: { balance: 0, redemptions: 0 },
      entries: [],
    });
  });
});
