import { issueDayOf } from '../../src/functions/domain/campaign/campaign';
import { call, middayZone, openCampaign, type RunningCloud, startCloudProcess } from '../../tools/local/child-cloud';
import type { PublishedEvent } from '../../tools/local/event-bus';
import { dayOf, PipelineProbe, sleep, users } from '../support/pipeline';

jest.setTimeout(300_000);

// The domain events end to end: the tables' DynamoDB streams, the stream event source mappings (filters, partial
// batch responses), the publisher function and the local bus (GET /_local/events), with faults on the way.

/** How long the published events must stay unchanged before a test counts them, ms. */
const SETTLE_MS = 4_000;

/** Event details carry at least these fields (src/contract/events.ts). */
type Detail = { eventId: string } & Record<string, unknown>;

/** The events the local bus accepted, of one detail type. */
async function published(api: string, detailType: string): Promise<(PublishedEvent & { detail: Detail })[]> {
  const { status, body } = await call(`${api}/_local/events?detailType=${detailType}`, { sign: false });
  if (status !== 200) throw new Error(`GET /_local/events answered ${status}`);
  return body.events as never;
}

/**
 * The distinct events by `eventId`; fails the test when two copies of one eventId differ in detail (a redelivery
 * must repeat the same event).
 */
function distinct(events: readonly { detail: Detail }[]): Map<string, Detail> {
  const byId = new Map<string, Detail>();
  for (const { detail } of events) {
    const seen = byId.get(detail.eventId);
    if (seen) expect(detail).toEqual(seen);
    else byId.set(detail.eventId, detail);
  }
  return byId;
}

/** Waits until `count()` reaches `expected`, then until it has stayed unchanged for {@link SETTLE_MS}. */
async function settle(probe: PipelineProbe, what: string, count: () => Promise<number>, expected: number) {
  await probe.until(what, async () => (await count()) >= expected, 90_000, 500);
  let last = await count();
  let stableSince = Date.now();
  while (Date.now() - stableSince < SETTLE_MS) {
    await sleep(500);
    const now = await count();
    if (now !== last) [last, stableSince] = [now, Date.now()];
  }
}

describe('domain events through the local cloud (dynamodb admission mode)', () => {
  let cloud: RunningCloud;
  let probe: PipelineProbe;

  beforeAll(async () => {
    cloud = await startCloudProcess('dynamodb', { tag: 'events' });
    probe = new PipelineProbe(cloud);
  });
  afterEach(async () => {
    await probe?.chaos({});
  });
  afterAll(async () => {
    probe?.close();
    await cloud?.stop();
  });

  it('publishes one CouponIssued per persisted coupon and one DaySoldOut, with the publisher crashing and PutEvents failing', async () => {
    // Prepare
    const campaignId = 'events-drop';
    const quota = 24;
    await probe.createCampaign(openCampaign(campaignId, quota));
    await probe.chaos({
      lambda: { 'publish-events': { crashRate: 0.5 } },
      // Per PutEvents attempt: 40 % refused, 30 % applied with the answer lost; enough attempts that each happens.
      eventbridge: { PutEvents: { errorRate: 0.4, errorAfterForwardRate: 0.5 } },
    });
    // Act: demand at 3 users a second, so the coupons spread over many stream batches (each a chance to crash).
    const answers = await probe.issuePaced(campaignId, users('e', 1.5 * quota), 3);
    const day = dayOf(campaignId, answers);
    await probe.until('every coupon persisted', async () => (await probe.persistedCount(day)) === quota, 60_000, 500);
    const ofCampaign = async () =>
      (await published(probe.api, 'CouponIssued')).filter((e) => e.detail.campaignId === campaignId);
    await settle(probe, `${quota} CouponIssued events`, async () => distinct(await ofCampaign()).size, quota);
    const { injected, crashes } = await probe.chaos({});
    // Assess: the faults happened, and the events are exactly the coupons.
    expect(injected['eventbridge.PutEvents.error']).toBeGreaterThan(0);
    expect(injected['eventbridge.PutEvents.errorAfterForward']).toBeGreaterThan(0);
    expect(crashes[probe.functionId('PublishEventsFunction')]).toBeGreaterThan(0);
    const winners = await winnersOf(cloud, day);
    expect(winners).toHaveLength(quota);
    const issued = distinct(await ofCampaign());
    expect([...issued.keys()].sort()).toEqual(winners.map((w) => `CouponIssued:${w.couponId}`).sort());
    for (const w of winners) {
      expect(issued.get(`CouponIssued:${w.couponId}`)).toMatchObject({
        couponId: w.couponId,
        userId: w.userId,
        rank: w.rank,
        campaignId,
        issueDate: day.issueDate,
      });
    }
    const losers = new Set(answers.filter((a) => a.status !== 202).map((a) => a.userId));
    expect(losers.size).toBe(quota / 2);
    expect([...issued.values()].filter((d) => losers.has(String(d.userId)))).toEqual([]);
    // The day's STATS item streams apart from the coupons (another table, its own shard and retries): wait for it.
    const soldOutOf = async () =>
      distinct((await published(probe.api, 'DaySoldOut')).filter((e) => e.detail.campaignId === campaignId));
    await settle(probe, 'the DaySoldOut event', async () => (await soldOutOf()).size, 1);
    const soldOut = await soldOutOf();
    expect([...soldOut.values()]).toEqual([
      expect.objectContaining({ eventId: `DaySoldOut:${campaignId}#${day.issueDate}`, quota, ...day }),
    ]);
  });

  it('publishes a CouponRedeemed per redemption and a RedemptionRefunded per refund, not per repeated request', async () => {
    // Prepare
    const { admin, checkout } = cloud.client;
    const vendorId = 'acme-events';
    const campaignId = 'events-checkout';
    const zone = middayZone();
    await admin.POST('/v1/admin/vendors', { body: { vendorId, name: 'Acme', currency: 'KRW' } });
    const definition = {
      ...openCampaign(campaignId, 1, zone),
      vendorId,
      discount: { type: 'AMOUNT', value: 1_000 },
    } as const;
    expect((await admin.POST('/v1/admin/campaigns', { body: definition })).response.status).toBe(201);
    const [answer] = await probe.issue(campaignId, ['buyer']);
    const day = { campaignId, issueDate: issueDayOf({ timezone: zone }, new Date()) };
    await probe.until('the coupon persisted', async () => (await probe.persistedCount(day)) === 1, 60_000, 200);
    const couponId = String(answer?.body.couponId);
    const order = { couponId, userId: 'buyer', orderAmount: 20_000, currency: 'KRW' };
    await probe.chaos({ eventbridge: { PutEvents: { errorAfterForwardRate: 0.3 } } });
    // Act: redeem, repeat the same request, refund, redeem again for another order.
    const first = await checkout.POST('/v1/checkout/redemptions', { body: { ...order, orderId: 'order-1' } });
    const repeat = await checkout.POST('/v1/checkout/redemptions', { body: { ...order, orderId: 'order-1' } });
    const refund = await checkout.POST('/v1/checkout/redemptions/{redemptionId}/refund', {
      params: { path: { redemptionId: String(first.data?.redemptionId) } },
      body: { reason: 'order cancelled' },
    });
    const again = await checkout.POST('/v1/checkout/redemptions', { body: { ...order, orderId: 'order-2' } });
    const ofCoupon = async (detailType: string) =>
      distinct((await published(probe.api, detailType)).filter((e) => e.detail.couponId === couponId));
    await settle(
      probe,
      '2 CouponRedeemed and 1 RedemptionRefunded',
      async () => (await ofCoupon('CouponRedeemed')).size + (await ofCoupon('RedemptionRefunded')).size,
      3,
    );
    // Assess
    expect([first, repeat, again].map((r) => r.response.status)).toEqual([201, 201, 201]);
    expect(refund.response.status).toBe(200);
    const redeemed = [...(await ofCoupon('CouponRedeemed')).values()];
    expect(redeemed.map((d) => d.orderId).sort()).toEqual(['order-1', 'order-2']);
    expect(redeemed.map((d) => d.redemptionId).sort()).toEqual(
      [first.data?.redemptionId, again.data?.redemptionId].sort(),
    );
    const refunded = [...(await ofCoupon('RedemptionRefunded')).values()];
    expect(refunded).toEqual([
      expect.objectContaining({ redemptionId: first.data?.redemptionId, orderId: 'order-1', vendorId }),
    ]);
  });

  it('lists the events by detail type and since an instant, and forgets them on DELETE', async () => {
    // Prepare
    const all = (await call(`${probe.api}/_local/events`, { sign: false })).body.events as PublishedEvent[];
    const last = all.at(-1) as PublishedEvent;
    // Act
    const since = await call(`${probe.api}/_local/events?since=${encodeURIComponent(last.receivedAt)}`, {
      sign: false,
    });
    const bad = await call(`${probe.api}/_local/events?since=yesterday`, { sign: false });
    const cleared = await call(`${probe.api}/_local/events`, { method: 'DELETE', sign: false });
    const after = await call(`${probe.api}/_local/events`, { sign: false });
    // Assess
    expect(all.length).toBeGreaterThan(0);
    expect(all.map((e) => e.receivedAt)).toEqual([...all.map((e) => e.receivedAt)].sort());
    expect((since.body.events as PublishedEvent[]).every((e) => e.receivedAt >= last.receivedAt)).toBe(true);
    expect(since.body.events as PublishedEvent[]).toContainEqual(last);
    expect(bad.status).toBe(400);
    expect(cleared.status).toBe(204);
    expect(after.body.events).toEqual([]);
  });
});

/** A day's winners through the admin winners route, every page. */
async function winnersOf(
  cloud: RunningCloud,
  day: { campaignId: string; issueDate: string },
): Promise<{ userId: string; couponId: string; rank: number }[]> {
  const url = `${cloud.endpoints.apiUrl}/v1/admin/campaigns/${day.campaignId}/days/${day.issueDate}/winners`;
  const winners: { userId: string; couponId: string; rank: number }[] = [];
  let cursor: string | undefined;
  do {
    const { status, body } = await call(`${url}?limit=100${cursor ? `&cursor=${cursor}` : ''}`);
    if (status !== 200) throw new Error(`winners answered ${status}`);
    winners.push(...(body.items as never[]));
    cursor = body.nextCursor as string | undefined;
  } while (cursor);
  return winners;
}
