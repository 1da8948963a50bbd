import { couponExpiresAt } from '../../../../src/functions/domain/campaign/campaign';
import type { Coupon, Redemption } from '../../../../src/functions/domain/coupon/coupon';
import { creditAmount, redeemCoupon } from '../../../../src/functions/domain/vendor/redemption';

/** An in-memory coupon store with the port's conditional redeem (ISSUED, owner, unexpired), counting credits. */
class MemoryCoupons {
  readonly coupons = new Map<string, Coupon>();
  readonly credits: Redemption[] = [];
  /** Runs between the use case's read and its conditional write, to simulate a concurrent redeem. */
  beforeRedeem?: () => void;
  async get(couponId: string) {
    return this.coupons.get(couponId);
  }
  async redeem(coupon: Coupon, redemption: Redemption): Promise<'REDEEMED' | 'CONFLICT'> {
    this.beforeRedeem?.();
    const stored = this.coupons.get(coupon.couponId);
    if (stored?.status !== 'ISSUED' || stored.userId !== coupon.userId || stored.expiresAt <= redemption.redeemedAt)
      return 'CONFLICT';
    this.coupons.set(coupon.couponId, { ...stored, status: 'REDEEMED', redemption });
    this.credits.push(redemption);
    return 'REDEEMED';
  }
  async listByUser() {
    return { items: [...this.coupons.values()] };
  }
}

// Seoul campaign May 1-5 with 30 validity days: valid until the end of June 4 in Seoul = 2026-06-04T15:00Z.
const rules = {
  timezone: 'Asia/Seoul',
  startDate: '2026-05-01',
  endDate: '2026-05-05',
  dailyWindow: { open: '13:00', close: '15:00' },
  couponValidityDays: 30,
};
const coupon: Coupon = {
  couponId: 'a'.repeat(32),
  campaignId: 'spring-sale',
  vendorId: 'acme',
  issueDate: '2026-05-01',
  userId: 'alice',
  rank: 1,
  admittedAt: '2026-05-01T04:00:00.000Z',
  issuedAt: '2026-05-01T04:00:01.000Z',
  expiresAt: couponExpiresAt(rules).toISOString(),
  status: 'ISSUED',
  discount: { type: 'AMOUNT', value: 5_000 },
};

function setup(at: string, stored: Partial<Coupon> = {}) {
  const coupons = new MemoryCoupons();
  coupons.coupons.set(coupon.couponId, { ...coupon, ...stored });
  const deps = { coupons, clock: () => new Date(at) };
  const redeem = (userId: string, orderId: string, orderAmount?: number) =>
    redeemCoupon(deps, { couponId: coupon.couponId, userId, orderId, orderAmount });
  return { coupons, redeem };
}

describe('domain: creditAmount', () => {
  it('credits an AMOUNT discount whole, at most the order amount', () => {
    expect(creditAmount({ type: 'AMOUNT', value: 5_000 }, undefined)).toBe(5_000);
    expect(creditAmount({ type: 'AMOUNT', value: 5_000 }, 12_000)).toBe(5_000);
    expect(creditAmount({ type: 'AMOUNT', value: 5_000 }, 3_000)).toBe(3_000);
  });

  it('credits a PERCENT discount as its share of the order, rounded half up, capped at maxAmount', () => {
    expect(creditAmount({ type: 'PERCENT', value: 50 }, 12_345)).toBe(6_173); // 6,172.5 -> 6,173
    expect(creditAmount({ type: 'PERCENT', value: 12.5 }, 999)).toBe(125); // 124.875
    expect(creditAmount({ type: 'PERCENT', value: 50, maxAmount: 1_000 }, 12_345)).toBe(1_000);
  });

  it('refuses a PERCENT discount without an order amount', () => {
    expect(() => creditAmount({ type: 'PERCENT', value: 50 }, undefined)).toThrow(
      expect.objectContaining({ code: 'INVALID_REQUEST', message: expect.stringContaining('orderAmount') }),
    );
  });
});

describe('domain: redeemCoupon', () => {
  it('redeems once and answers a repeat of the same order with the same redemption, crediting once', async () => {
    const { coupons, redeem } = setup('2026-05-10T00:00:00Z');
    const first = await redeem('alice', 'order-1', 20_000);
    expect(first).toMatchObject({ status: 'REDEEMED', redemption: { orderId: 'order-1', amount: 5_000 } });
    expect(await redeem('alice', 'order-1', 20_000)).toEqual(first);
    expect(coupons.credits).toHaveLength(1);
  });

  it("answers someone else's coupon exactly like a missing one (404), and changes nothing", async () => {
    const { coupons, redeem } = setup('2026-05-10T00:00:00Z');
    await expect(redeem('mallory', 'order-1')).rejects.toMatchObject({ code: 'COUPON_NOT_FOUND', statusCode: 404 });
    const missing = redeemCoupon(
      { coupons, clock: () => new Date('2026-05-10T00:00:00Z') },
      { couponId: 'b'.repeat(32), userId: 'alice', orderId: 'order-1' },
    );
    await expect(missing).rejects.toMatchObject({ code: 'COUPON_NOT_FOUND', statusCode: 404 });
    expect(coupons.coupons.get(coupon.couponId)?.status).toBe('ISSUED');
  });

  it('refuses a second order with 409 ALREADY_REDEEMED, naming the first order', async () => {
    const { coupons, redeem } = setup('2026-05-10T00:00:00Z');
    await redeem('alice', 'order-1');
    await expect(redeem('alice', 'order-2')).rejects.toMatchObject({
      code: 'ALREADY_REDEEMED',
      statusCode: 409,
      details: { orderId: 'order-1' },
    });
    expect(coupons.credits).toHaveLength(1);
  });

  it("is valid until the end of endDate + validity days in the campaign's time zone, then 410 EXPIRED", async () => {
    // June 4 23:59:59.999 in Seoul is 14:59:59.999Z: still valid. June 5 00:00 in Seoul: expired.
    expect((await setup('2026-06-04T14:59:59.999Z').redeem('alice', 'o')).status).toBe('REDEEMED');
    await expect(setup('2026-06-04T15:00:00.000Z').redeem('alice', 'o')).rejects.toMatchObject({
      code: 'EXPIRED',
      statusCode: 410,
      details: { expiresAt: '2026-06-04T15:00:00.000Z' },
    });
  });

  it('follows daylight saving time: a New York coupon expires at local midnight, EDT or EST', () => {
    // Ends Oct 31 + 2 days = Nov 2 (DST ends that morning): the end of Nov 2 is 05:00Z (EST, UTC-5).
    const fall = { ...rules, timezone: 'America/New_York', endDate: '2026-10-31', couponValidityDays: 2 };
    expect(couponExpiresAt(fall).toISOString()).toBe('2026-11-03T05:00:00.000Z');
    // Ends Mar 7 + 1 day = Mar 8 (DST starts that morning): the end of Mar 8 is 04:00Z (EDT, UTC-4).
    const spring = { ...rules, timezone: 'America/New_York', endDate: '2026-03-07', couponValidityDays: 1 };
    expect(couponExpiresAt(spring).toISOString()).toBe('2026-03-09T04:00:00.000Z');
  });

  it('answers a redeemed coupon with its redemption after expiry when the order repeats', async () => {
    const redemption = { orderId: 'order-1', amount: 5_000, redeemedAt: '2026-06-01T00:00:00.000Z' };
    const { redeem } = setup('2026-07-01T00:00:00Z', { status: 'REDEEMED', redemption });
    expect(await redeem('alice', 'order-1')).toMatchObject({ status: 'REDEEMED', redemption });
    await expect(redeem('alice', 'order-2')).rejects.toMatchObject({ code: 'ALREADY_REDEEMED' });
  });

  it('answers from the winner when a concurrent redeem wins the race between read and write', async () => {
    const { coupons, redeem } = setup('2026-05-10T00:00:00Z');
    const winner = { orderId: 'order-w', amount: 5_000, redeemedAt: '2026-05-10T00:00:00.000Z' };
    coupons.beforeRedeem = () => {
      coupons.beforeRedeem = undefined;
      coupons.coupons.set(coupon.couponId, { ...coupon, status: 'REDEEMED', redemption: winner });
    };
    await expect(redeem('alice', 'order-l')).rejects.toMatchObject({ code: 'ALREADY_REDEEMED' });
    coupons.coupons.set(coupon.couponId, coupon);
    coupons.beforeRedeem = () => {
      coupons.beforeRedeem = undefined;
      coupons.coupons.set(coupon.couponId, { ...coupon, status: 'REDEEMED', redemption: winner });
    };
    expect(await redeem('alice', 'order-w')).toMatchObject({ status: 'REDEEMED', redemption: winner });
  });

  it('needs the order amount for a PERCENT coupon and changes nothing without it', async () => {
    const { coupons, redeem } = setup('2026-05-10T00:00:00Z', { discount: { type: 'PERCENT', value: 10 } });
    await expect(redeem('alice', 'order-1')).rejects.toMatchObject({ code: 'INVALID_REQUEST', statusCode: 400 });
    expect(coupons.credits).toHaveLength(0);
    expect(await redeem('alice', 'order-1', 30_000)).toMatchObject({ redemption: { amount: 3_000 } });
  });
});
