import { issueDayOf } from '../../src/functions/domain/campaign/campaign';
import { call, middayZone, openCampaign, type RunningCloud, startCloudProcess } from '../../tools/local/child-cloud';
import type { PublishedEvent } from '../../tools/local/event-bus';
import { dayOf, distinctEvents, PipelineProbe, users } from '../support/pipeline';

jest.setTimeout(300_000);

// The domain events end to end: the tables' DynamoDB streams, the stream event source mappings (filters, partial
// batch responses), the publisher function and the local bus (GET /_local/events), with faults on the way.

/** At most this many drops to see every kind of fault fire (a drop misses one about once in 10,000, 0.7^25). */
const MAX_DROPS = 3;

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
    // Drops (a new campaign each) until every kind of fault has fired at least once: each is drawn at random per
    // attempt, and a drop makes some 25 PutEvents attempts in about 24 invocations (11 refused, 6 answers lost, 12
    // crashes on 2026-12-07), fewer where a slower machine batches more records per invocation.
    const fired = { refused: 0, answerLost: 0, crashes: 0 };
    for (let round = 1; fired.refused === 0 || fired.answerLost === 0 || fired.crashes === 0; round++) {
      if (round > MAX_DROPS)
        throw new Error(`a kind of fault never fired in ${MAX_DROPS} drops: ${JSON.stringify(fired)}`);
      const { injected, crashes } = await dropUnderFaults(`events-drop-${round}`);
      fired.refused += injected['eventbridge.PutEvents.error'] ?? 0;
      fired.answerLost += injected['eventbridge.PutEvents.errorAfterForward'] ?? 0;
      fired.crashes += crashes[probe.functionId('PublishEventsFunction')] ?? 0;
      console.log(`events drop ${round}: faults fired so far ${JSON.stringify(fired)}`);
    }
  });

  /**
   * One drop of quota 24 with the publisher crashing and PutEvents failing; checks that its events are exactly its
   * coupons and one DaySoldOut, and returns the faults that fired.
   */
  async function dropUnderFaults(campaignId: string): Promise<Awaited<ReturnType<PipelineProbe['chaos']>>> {
    // Prepare
    const quota = 24;
    await probe.createCampaign(openCampaign(campaignId, quota));
    await probe.chaos({
      lambda: { 'publish-events': { crashRate: 0.5 } },
      // Per PutEvents attempt: 40 % refused, 30 % applied with the answer lost.
      eventbridge: { PutEvents: { errorRate: 0.4, errorAfterForwardRate: 0.5 } },
    });
    // Act: demand at 3 users a second, so the coupons spread over many stream batches (each a chance to crash).
    const answers = await probe.issuePaced(campaignId, users('e', 1.5 * quota), 3);
    const day = dayOf(campaignId, answers);
    await probe.until('every coupon persisted', async () => (await probe.persistedCount(day)) === quota, 60_000, 500);
    const ofCampaign = async () =>
      (await probe.events('CouponIssued')).filter((e) => e.detail.campaignId === campaignId);
    await probe.eventsSettled(
      `${quota} CouponIssued events`,
      async () => distinctEvents(await ofCampaign()).size,
      quota,
    );
    const fired = await probe.chaos({});
    // Assess: the events are exactly the coupons.
    const winners = await winnersOf(cloud, day);
    expect(winners).toHaveLength(quota);
    const issued = distinctEvents(await ofCampaign());
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
      distinctEvents((await probe.events('DaySoldOut')).filter((e) => e.detail.campaignId === campaignId));
    await probe.eventsSettled('the DaySoldOut event', async () => (await soldOutOf()).size, 1);
    const soldOut = await soldOutOf();
    expect([...soldOut.values()]).toEqual([
      expect.objectContaining({ eventId: `DaySoldOut:${campaignId}#${day.issueDate}`, quota, ...day }),
    ]);
    return fired;
  }

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
      distinctEvents((await probe.events(detailType)).filter((e) => e.detail.couponId === couponId));
    await probe.eventsSettled(
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
