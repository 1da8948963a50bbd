import { couponExpiresAt } from '../../../../src/functions/domain/campaign/campaign';
import type { Coupon } from '../../../../src/functions/domain/coupon/coupon';
import {
  type CheckoutRedemption,
  discountFor,
  parseRedemptionId,
  redemptionIdOf,
} from '../../../../src/functions/domain/vendor/checkout';
import type { RedemptionLedger } from '../../../../src/functions/domain/vendor/ports';
import { quoteCoupon, redeemCoupon, refundRedemption } from '../../../../src/functions/domain/vendor/redemption';

/**
 * An in-memory store of coupons, checkout redemptions and the vendor's ledger with the port's conditions (coupon
 * ISSUED, owned and unexpired; one redemption per order; refund of a REDEEMED one only), each write all or nothing.
 */
class MemoryCheckout implements RedemptionLedger {
  readonly coupons = new Map<string, Coupon>();
  readonly orders = new Map<string, CheckoutRedemption>();
  /** The vendor's ledger entries' amounts, in order. */
  readonly entries: number[] = [];
  balance = 0;
  /** Runs between the use case's reads and its conditional write, to simulate a concurrent request. */
  beforeWrite?: () => void;
  async get(couponId: string) {
    return this.coupons.get(couponId);
  }
  async find(vendorId: string, orderId: string) {
    return this.orders.get(`${vendorId}/${orderId}`);
  }
  async redeem(coupon: Coupon, redemption: CheckoutRedemption) {
    this.beforeWrite?.();
    const stored = this.coupons.get(coupon.couponId);
    if (this.orders.has(`${redemption.vendorId}/${redemption.orderId}`)) return 'ORDER_EXISTS' as const;
    if (stored?.status !== 'ISSUED' || stored.userId !== coupon.userId || stored.expiresAt <= redemption.redeemedAt)
      return 'COUPON_CONFLICT' as const;
    const onCoupon = {
      redemptionId: redemption.redemptionId,
      orderId: redemption.orderId,
      amount: redemption.discountAmount,
      redeemedAt: redemption.redeemedAt,
    };
    this.coupons.set(coupon.couponId, { ...stored, status: 'REDEEMED', redemption: onCoupon });
    this.orders.set(`${redemption.vendorId}/${redemption.orderId}`, redemption);
    this.entries.push(redemption.discountAmount);
    this.balance += redemption.discountAmount;
    return 'REDEEMED' as const;
  }
  async refund(refunded: CheckoutRedemption) {
    this.beforeWrite?.();
    const key = `${refunded.vendorId}/${refunded.orderId}`;
    if (this.orders.get(key)?.status !== 'REDEEMED') return 'CONFLICT' as const;
    const { redemption: _, ...coupon } = this.coupons.get(refunded.couponId) as Coupon;
    this.coupons.set(refunded.couponId, { ...coupon, status: 'ISSUED' });
    this.orders.set(key, refunded);
    this.entries.push(-refunded.discountAmount);
    this.balance -= refunded.discountAmount;
    return 'REFUNDED' as const;
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
const VENDOR = { vendorId: 'acme', name: 'Acme', currency: 'KRW', createdAt: '2026-04-01T00:00:00.000Z' };

function setup(at: string, stored: Partial<Coupon> = {}) {
  const store = new MemoryCheckout();
  store.coupons.set(coupon.couponId, { ...coupon, ...stored });
  let now = new Date(at);
  const deps = {
    coupons: store,
    vendors: { get: async (id: string) => (id === 'acme' ? VENDOR : undefined) },
    redemptions: store,
    clock: () => now,
  };
  const order = (orderId: string, over: Partial<{ userId: string; orderAmount: number; currency: string }> = {}) => ({
    couponId: coupon.couponId,
    userId: 'alice',
    orderId,
    orderAmount: 20_000,
    currency: 'KRW',
    ...over,
  });
  return {
    store,
    deps,
    order,
    setNow: (iso: string) => {
      now = new Date(iso);
    },
    redeem: (orderId: string, over = {}) => redeemCoupon(deps, order(orderId, over)),
  };
}

describe('domain: discountFor', () => {
  it('gives an AMOUNT discount whole, at most the order amount', () => {
    expect(discountFor({ type: 'AMOUNT', value: 5_000 }, 12_000).amount).toBe(5_000);
    expect(discountFor({ type: 'AMOUNT', value: 5_000 }, 3_000).amount).toBe(3_000);
  });

  it('gives a PERCENT discount as its share of the order, rounded half up, capped at maxAmount', () => {
    expect(discountFor({ type: 'PERCENT', value: 50 }, 12_345)).toEqual({
      amount: 6_173,
      capped: false,
      belowMinimum: false,
    });
    expect(discountFor({ type: 'PERCENT', value: 12.5 }, 999).amount).toBe(125); // 124.875
    expect(discountFor({ type: 'PERCENT', value: 50, maxAmount: 1_000 }, 12_345)).toEqual({
      amount: 1_000,
      capped: true,
      belowMinimum: false,
    });
  });

  it('gives nothing below minOrderAmount', () => {
    expect(discountFor({ type: 'AMOUNT', value: 5_000, minOrderAmount: 10_000 }, 9_999)).toEqual({
      amount: 0,
      capped: false,
      belowMinimum: true,
    });
    expect(discountFor({ type: 'AMOUNT', value: 5_000, minOrderAmount: 10_000 }, 10_000).amount).toBe(5_000);
  });
});

describe('domain: redemptionIdOf', () => {
  it('names (vendor, order) reversibly, and refuses ids it did not make', () => {
    const id = redemptionIdOf('acme', 'order/7 ü');
    expect(parseRedemptionId(id)).toEqual({ vendorId: 'acme', orderId: 'order/7 ü' });
    expect(parseRedemptionId('acme')).toBeUndefined();
    expect(parseRedemptionId('acme.')).toBeUndefined();
    expect(parseRedemptionId(`${id}=`)).toBeUndefined();
  });
});

describe('domain: quoteCoupon', () => {
  it('gives the discount and changes nothing', async () => {
    const { store, deps, order } = setup('2026-05-10T00:00:00Z');
    expect(await quoteCoupon(deps, order('x'))).toMatchObject({ applicable: true, discountAmount: 5_000, reasons: [] });
    expect(store.coupons.get(coupon.couponId)?.status).toBe('ISSUED');
    expect(store.entries).toEqual([]);
  });

  it('says every reason it gives none: owner, validity, currency, minimum order', async () => {
    const { deps, order } = setup('2026-06-05T00:00:00Z', {
      discount: { type: 'AMOUNT', value: 5_000, minOrderAmount: 30_000 },
    });
    const quote = await quoteCoupon(deps, order('x', { userId: 'bob', currency: 'USD' }));
    expect(quote).toMatchObject({ applicable: false, discountAmount: 0 });
    expect(quote.reasons.map((r) => r.code)).toEqual([
      'NOT_OWNER',
      'EXPIRED',
      'CURRENCY_MISMATCH',
      'BELOW_MINIMUM_ORDER',
    ]);
  });

  it('says REDEEMED for a redeemed coupon and reports a maxAmount cap', async () => {
    const capped = setup('2026-05-10T00:00:00Z', { discount: { type: 'PERCENT', value: 50, maxAmount: 3_000 } });
    expect(await quoteCoupon(capped.deps, capped.order('x'))).toMatchObject({ discountAmount: 3_000, cappedAt: 3_000 });
    await capped.redeem('o-1');
    expect((await quoteCoupon(capped.deps, capped.order('x'))).reasons.map((r) => r.code)).toEqual(['REDEEMED']);
  });

  it('answers 404 for a missing coupon', async () => {
    const { deps, order } = setup('2026-05-10T00:00:00Z');
    await expect(quoteCoupon(deps, { ...order('x'), couponId: 'b'.repeat(32) })).rejects.toMatchObject({
      code: 'COUPON_NOT_FOUND',
    });
  });
});

describe('domain: redeemCoupon at the checkout', () => {
  it('redeems once and answers the same body again with the same redemption, crediting once', async () => {
    const { store, redeem } = setup('2026-05-10T00:00:00Z');
    const first = await redeem('order-1');
    expect(first).toMatchObject({
      status: 'REDEEMED',
      discountAmount: 5_000,
      redemptionId: redemptionIdOf('acme', 'order-1'),
    });
    expect(await redeem('order-1')).toEqual(first);
    expect(store.entries).toEqual([5_000]);
  });

  it('refuses another body for the same order with 409 IDEMPOTENCY_CONFLICT', async () => {
    const { store, redeem } = setup('2026-05-10T00:00:00Z');
    const first = await redeem('order-1');
    await expect(redeem('order-1', { orderAmount: 1 })).rejects.toMatchObject({
      code: 'IDEMPOTENCY_CONFLICT',
      statusCode: 409,
      details: { redemptionId: first.redemptionId },
    });
    expect(store.entries).toEqual([5_000]);
  });

  it("answers someone else's coupon like a missing one (404), a second order with 409, an expired one with 410", async () => {
    const { store, redeem } = setup('2026-05-10T00:00:00Z');
    await expect(redeem('o', { userId: 'mallory' })).rejects.toMatchObject({ code: 'COUPON_NOT_FOUND' });
    await redeem('order-1');
    await expect(redeem('order-2')).rejects.toMatchObject({
      code: 'ALREADY_REDEEMED',
      details: { orderId: 'order-1' },
    });
    expect(store.entries).toEqual([5_000]);
    await expect(setup('2026-06-04T15:00:00.000Z').redeem('o')).rejects.toMatchObject({
      code: 'EXPIRED',
      statusCode: 410,
    });
  });

  it('refuses another currency or an order below the minimum with 422 NOT_APPLICABLE, crediting nothing', async () => {
    const { store, redeem } = setup('2026-05-10T00:00:00Z', {
      discount: { type: 'AMOUNT', value: 5_000, minOrderAmount: 30_000 },
    });
    await expect(redeem('o', { currency: 'USD', orderAmount: 40_000 })).rejects.toMatchObject({
      code: 'NOT_APPLICABLE',
      statusCode: 422,
      details: { reasons: [expect.objectContaining({ code: 'CURRENCY_MISMATCH' })] },
    });
    await expect(redeem('o')).rejects.toMatchObject({ code: 'NOT_APPLICABLE' });
    expect(store.entries).toEqual([]);
  });

  it('answers the winner of a race for the same order, and 409 to a loser with another order', async () => {
    const { store, deps, order, redeem } = setup('2026-05-10T00:00:00Z');
    store.beforeWrite = () => {
      store.beforeWrite = undefined;
      void store.redeem(coupon, {
        ...order('order-w'),
        redemptionId: redemptionIdOf('acme', 'order-w'),
        vendorId: 'acme',
        campaignId: coupon.campaignId,
        issueDate: coupon.issueDate,
        discountAmount: 5_000,
        status: 'REDEEMED',
        redeemedAt: '2026-05-10T00:00:00.000Z',
      });
    };
    await expect(redeem('order-l')).rejects.toMatchObject({ code: 'ALREADY_REDEEMED' });
    expect(await redeemCoupon(deps, order('order-w'))).toMatchObject({ orderId: 'order-w' });
    expect(store.entries).toEqual([5_000]);
  });
});

describe('domain: refundRedemption', () => {
  it('makes the coupon usable again, reverses the credit by a new entry, and is idempotent', async () => {
    const { store, deps, redeem, setNow } = setup('2026-05-10T00:00:00Z');
    const { redemptionId } = await redeem('order-1');
    setNow('2026-05-11T00:00:00Z');
    const refunded = await refundRedemption(deps, redemptionId, 'order cancelled');
    expect(refunded).toMatchObject({
      status: 'REFUNDED',
      refundReason: 'order cancelled',
      refundedAt: '2026-05-11T00:00:00.000Z',
    });
    expect(await refundRedemption(deps, redemptionId, 'again')).toEqual(refunded);
    expect(store.coupons.get(coupon.couponId)).toMatchObject({ status: 'ISSUED' });
    expect(store.coupons.get(coupon.couponId)?.redemption).toBeUndefined();
    expect(store.entries).toEqual([5_000, -5_000]);
    // Redeemed again for another order; the refunded order still answers its refunded redemption.
    expect(await redeem('order-2')).toMatchObject({ status: 'REDEEMED' });
    expect(await redeem('order-1')).toEqual(refunded);
    expect(store.balance).toBe(store.entries.reduce((a, b) => a + b, 0));
  });

  it('leaves an expired coupon expired: it cannot be redeemed again', async () => {
    const { deps, redeem, setNow } = setup('2026-06-04T00:00:00Z');
    const { redemptionId } = await redeem('order-1');
    setNow('2026-06-05T00:00:00Z');
    await refundRedemption(deps, redemptionId, 'returned');
    await expect(redeem('order-2')).rejects.toMatchObject({ code: 'EXPIRED' });
  });

  it('answers 404 for an id no redemption has', async () => {
    const { deps } = setup('2026-05-10T00:00:00Z');
    await expect(refundRedemption(deps, redemptionIdOf('acme', 'nope'), 'x')).rejects.toMatchObject({
      code: 'REDEMPTION_NOT_FOUND',
      statusCode: 404,
    });
    await expect(refundRedemption(deps, 'garbage', 'x')).rejects.toMatchObject({ code: 'REDEMPTION_NOT_FOUND' });
  });

  it('answers a concurrent refund that won with its result', async () => {
    const { store, deps, redeem } = setup('2026-05-10T00:00:00Z');
    const redeemed = await redeem('order-1');
    store.beforeWrite = () => {
      store.beforeWrite = undefined;
      void store.refund({
        ...redeemed,
        status: 'REFUNDED',
        refundedAt: '2026-05-10T00:00:00.000Z',
        refundReason: 'first',
      });
    };
    expect(await refundRedemption(deps, redeemed.redemptionId, 'second')).toMatchObject({ refundReason: 'first' });
    expect(store.entries).toEqual([5_000, -5_000]);
  });
});

describe('domain: coupon validity', () => {
  it('follows daylight saving time: a New York coupon expires at local midnight, EDT or EST', () => {
    // Ends Oct 31 + 2 days = Nov 2 (DST ends that morning): the end of Nov 2 is 05:00Z (EST, UTC-5).
    const fall = { ...rules, timezone: 'America/New_York', endDate: '2026-10-31', couponValidityDays: 2 };
    expect(couponExpiresAt(fall).toISOString()).toBe('2026-11-03T05:00:00.000Z');
    // Ends Mar 7 + 1 day = Mar 8 (DST starts that morning): the end of Mar 8 is 04:00Z (EDT, UTC-4).
    const spring = { ...rules, timezone: 'America/New_York', endDate: '2026-03-07', couponValidityDays: 1 };
    expect(couponExpiresAt(spring).toISOString()).toBe('2026-03-09T04:00:00.000Z');
  });
});
