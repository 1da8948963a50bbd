import { createCouponClient } from '../../src/client';
import { issueDayOf } from '../../src/functions/domain/campaign/campaign';
import { middayZone, openCampaign, type RunningCloud, startCloudProcess } from '../../tools/local/child-cloud';
import { PipelineProbe } from '../support/pipeline';

jest.setTimeout(300_000);

// Redemption at the checkout through the local cloud: the shop's checkout service (its own SigV4 credentials)
// quotes, redeems, repeats, refunds and redeems again; the vendor's settlement after each step; the two IAM tiers
// refuse each other's credentials; the holder has no route that sets an amount.
describe('checkout through the local cloud', () => {
  let cloud: RunningCloud;
  let probe: PipelineProbe;
  const zone = middayZone();
  const campaignId = 'checkout';
  const vendorId = 'acme-checkout';
  const coupons: { couponId: string; userId: string }[] = [];

  beforeAll(async () => {
    cloud = await startCloudProcess('dynamodb', { tag: 'checkout' });
    probe = new PipelineProbe(cloud);
    const { admin } = cloud.client;
    await admin.POST('/v1/admin/vendors', { body: { vendorId, name: 'Acme', currency: 'KRW' } });
    // 10 % off orders of at least 10,000 won, at most 3,000 won.
    const definition = {
      ...openCampaign(campaignId, 2, zone),
      vendorId,
      discount: { type: 'PERCENT', value: 10, maxAmount: 3_000, minOrderAmount: 10_000 },
    } as const;
    expect((await admin.POST('/v1/admin/campaigns', { body: definition })).response.status).toBe(201);
    await probe.issue(campaignId, ['u1', 'u2']);
    const day = { campaignId, issueDate: issueDayOf({ timezone: zone }, new Date()) };
    await probe.until('2 coupons persisted', async () => (await probe.persistedCount(day)) === 2, 60_000, 200);
    coupons.push(...((await probe.coupons(campaignId)) as { couponId: string; userId: string }[]));
  });
  afterAll(async () => {
    await cloud?.stop();
  });

  /** The vendor's settlement and ledger entries as the admin reads them. */
  const settlement = async () => {
    const { data } = await cloud.client.admin.GET('/v1/admin/vendors/{vendorId}', { params: { path: { vendorId } } });
    return { ...data?.settlement, entries: data?.entries.map((e) => [e.kind, e.orderId, e.amount]) };
  };
  const order = (orderAmount = 20_000, currency = 'KRW') => {
    const { couponId, userId } = coupons[0] as { couponId: string; userId: string };
    return { couponId, userId, orderAmount, currency };
  };

  it('quotes the discount, or every reason there is none, changing nothing', async () => {
    const { checkout } = cloud.client;
    const quote = await checkout.POST('/v1/checkout/quotes', { body: order() });
    expect(quote.response.status).toBe(200);
    expect(quote.data).toMatchObject({ applicable: true, discountAmount: 2_000, reasons: [] });
    const capped = await checkout.POST('/v1/checkout/quotes', { body: order(50_000) });
    expect(capped.data).toMatchObject({ applicable: true, discountAmount: 3_000, cappedAt: 3_000 });
    const none = await checkout.POST('/v1/checkout/quotes', {
      body: { ...order(5_000, 'USD'), userId: 'someone-else' },
    });
    expect(none.data?.applicable).toBe(false);
    expect(none.data?.discountAmount).toBe(0);
    expect(none.data?.reasons.map((r) => r.code)).toEqual(['NOT_OWNER', 'CURRENCY_MISMATCH', 'BELOW_MINIMUM_ORDER']);
    expect(await settlement()).toMatchObject({ balance: 0, redemptions: 0, refunds: 0, entries: [] });
  });

  it('redeems, answers a repeat with the same redemption and a conflicting repeat with 409, crediting once', async () => {
    const { checkout } = cloud.client;
    const body = { ...order(), orderId: 'order-1' };
    const first = await checkout.POST('/v1/checkout/redemptions', { body });
    expect(first.response.status).toBe(201);
    expect(first.data).toMatchObject({ orderId: 'order-1', discountAmount: 2_000, status: 'REDEEMED', vendorId });
    expect(await settlement()).toMatchObject({
      balance: 2_000,
      redemptions: 1,
      entries: [['REDEMPTION', 'order-1', 2_000]],
    });

    const repeat = await checkout.POST('/v1/checkout/redemptions', { body });
    expect(repeat.response.status).toBe(201);
    expect(repeat.data).toEqual(first.data);
    const conflicting = await checkout.POST('/v1/checkout/redemptions', { body: { ...body, orderAmount: 30_000 } });
    expect(conflicting.response.status).toBe(409);
    expect(conflicting.error).toMatchObject({ code: 'IDEMPOTENCY_CONFLICT', redemptionId: first.data?.redemptionId });
    const otherOrder = await checkout.POST('/v1/checkout/redemptions', { body: { ...body, orderId: 'order-2' } });
    expect(otherOrder.error).toMatchObject({ code: 'ALREADY_REDEEMED', orderId: 'order-1' });
    expect(await settlement()).toMatchObject({
      balance: 2_000,
      redemptions: 1,
      entries: [['REDEMPTION', 'order-1', 2_000]],
    });
  });

  it('refunds by a new ledger entry, idempotently, and lets the coupon be redeemed again', async () => {
    const { checkout } = cloud.client;
    const redemptionId = (await checkout.POST('/v1/checkout/redemptions', { body: { ...order(), orderId: 'order-1' } }))
      .data?.redemptionId as string;
    const refund = () =>
      checkout.POST('/v1/checkout/redemptions/{redemptionId}/refund', {
        params: { path: { redemptionId } },
        body: { reason: 'order cancelled' },
      });
    const refunded = await refund();
    expect(refunded.response.status).toBe(200);
    expect(refunded.data).toMatchObject({ status: 'REFUNDED', refundReason: 'order cancelled' });
    expect((await refund()).data).toEqual(refunded.data);
    const afterRefund = {
      balance: 0,
      redemptions: 1,
      refunds: 1,
      entries: [
        ['REDEMPTION', 'order-1', 2_000],
        ['REFUND', 'order-1', -2_000],
      ],
    };
    expect(await settlement()).toMatchObject(afterRefund);
    const { userId } = coupons[0] as { userId: string };
    const mine = await cloud.client.user(userId).GET('/v1/users/me/coupons');
    expect(mine.data?.items[0]).toMatchObject({ status: 'ISSUED' });

    const again = await checkout.POST('/v1/checkout/redemptions', { body: { ...order(30_000), orderId: 'order-3' } });
    expect(again.response.status).toBe(201);
    expect(again.data).toMatchObject({ discountAmount: 3_000, status: 'REDEEMED' });
    expect(await settlement()).toMatchObject({
      balance: 3_000,
      redemptions: 2,
      refunds: 1,
      entries: [...afterRefund.entries, ['REDEMPTION', 'order-3', 3_000]],
    });
    const missing = await checkout.POST('/v1/checkout/redemptions/{redemptionId}/refund', {
      params: { path: { redemptionId: `${vendorId}.bm9uZQ` } },
      body: { reason: 'x' },
    });
    expect(missing.error).toMatchObject({ code: 'REDEMPTION_NOT_FOUND' });
  });

  it('refuses checkout credentials on admin routes and admin credentials on checkout routes', async () => {
    const { adminCredentials, checkoutCredentials, apiUrl } = cloud.endpoints;
    expect(checkoutCredentials.accessKeyId).not.toBe(adminCredentials.accessKeyId);
    const strip = ({ accessKeyId, secretAccessKey }: typeof adminCredentials) => ({ accessKeyId, secretAccessKey });
    // Each tier's client signed with the other tier's credentials.
    const swapped = createCouponClient({
      baseUrl: apiUrl,
      region: adminCredentials.region,
      adminCredentials: strip(checkoutCredentials),
      checkoutCredentials: strip(adminCredentials),
    });
    const asAdmin = await swapped.admin.GET('/v1/admin/vendors/{vendorId}', { params: { path: { vendorId } } });
    expect(asAdmin.response.status).toBe(403);
    const asCheckout = await swapped.checkout.POST('/v1/checkout/quotes', { body: order() });
    expect(asCheckout.response.status).toBe(403);
    const unsigned = await cloud.client.api.POST('/v1/checkout/quotes', { body: order() });
    expect(unsigned.response.status).toBe(403);
    // The right credentials, for contrast.
    expect((await cloud.client.checkout.POST('/v1/checkout/quotes', { body: order() })).response.status).toBe(200);
  });

  it('gives the holder no route that sets an amount', async () => {
    const { couponId, userId } = coupons[1] as { couponId: string; userId: string };
    const token = await cloud.client.token(userId);
    const response = await fetch(`${cloud.endpoints.apiUrl}/v1/coupons/${couponId}/redeem`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ orderId: 'o-h', orderAmount: 1 }),
    });
    expect(response.status).toBe(404);
    expect(await settlement()).toMatchObject({ balance: 3_000, redemptions: 2 });
  });
});
