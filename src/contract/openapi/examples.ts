import type { Operation } from '../routes';

/**
 * Examples of the OpenAPI document, taken from README.md's lifecycle walk-through ("API"): the vendor `acme`, its
 * campaign `spring-sale` (Seoul, May 1-5, 13:00-15:00, 100 a day, 50 % off up to 20,000 won), user `u1`'s coupon
 * and its redemption at the checkout on `order-7`. The contract tests validate each against its schema.
 */

const COUPON_ID = '3f1c2a9e8b7d4c6a5e0f1b2c3d4e5f60';
const CAMPAIGN = {
  campaignId: 'spring-sale',
  vendorId: 'acme',
  name: 'Spring sale',
  timezone: 'Asia/Seoul',
  startDate: '2026-05-01',
  endDate: '2026-05-05',
  dailyWindow: { open: '13:00', close: '15:00' },
  dailyQuota: 100,
  perUserDailyLimit: 1,
  couponValidityDays: 30,
  counterShards: 1,
  discount: { type: 'PERCENT', value: 50, maxAmount: 20000 },
} as const;
const VENDOR = { vendorId: 'acme', name: 'Acme', currency: 'KRW' } as const;
const COUPON = {
  couponId: COUPON_ID,
  campaignId: 'spring-sale',
  vendorId: 'acme',
  issueDate: '2026-05-01',
  userId: 'u1',
  rank: 1,
  admittedAt: '2026-05-01T04:00:00.012Z',
  issuedAt: '2026-05-01T04:00:00.310Z',
  expiresAt: '2026-06-04T15:00:00.000Z',
  status: 'ISSUED',
  discount: CAMPAIGN.discount,
} as const;
/** `acme` . base64url('order-7'): src/functions/domain/vendor/checkout.ts redemptionIdOf. */
const REDEMPTION_ID = 'acme.b3JkZXItNw';
const ORDER = { userId: 'u1', couponId: COUPON_ID, orderAmount: 30000, currency: 'KRW' } as const;
const REDEMPTION = {
  redemptionId: REDEMPTION_ID,
  vendorId: 'acme',
  orderId: 'order-7',
  couponId: COUPON_ID,
  userId: 'u1',
  campaignId: 'spring-sale',
  issueDate: '2026-05-01',
  orderAmount: 30000,
  currency: 'KRW',
  discountAmount: 15000,
  status: 'REDEEMED',
  redeemedAt: '2026-05-02T09:30:00.000Z',
} as const;
const STORED_CAMPAIGN = { ...CAMPAIGN, createdAt: '2026-04-20T01:00:00.000Z', version: 1 };

/** Request body examples, by operation. */
export const REQUEST_EXAMPLES: Partial<Record<Operation, unknown>> = {
  createVendor: VENDOR,
  createCampaign: CAMPAIGN,
  updateCampaign: { dailyQuota: 200 },
  quoteCoupon: ORDER,
  redeemCoupon: { ...ORDER, orderId: 'order-7' },
  refundRedemption: { reason: 'order cancelled' },
};

/** Success response examples, by operation (of its first success status). */
export const RESPONSE_EXAMPLES: Partial<Record<Operation, unknown>> = {
  createVendor: { ...VENDOR, createdAt: '2026-04-20T00:00:00.000Z' },
  listVendors: { items: [{ ...VENDOR, createdAt: '2026-04-20T00:00:00.000Z' }] },
  getVendor: {
    ...VENDOR,
    createdAt: '2026-04-20T00:00:00.000Z',
    settlement: { vendorId: 'acme', currency: 'KRW', balance: 15000, redemptions: 1, refunds: 0 },
    entries: [
      {
        kind: 'REDEMPTION',
        redemptionId: REDEMPTION_ID,
        couponId: COUPON_ID,
        campaignId: 'spring-sale',
        orderId: 'order-7',
        amount: 15000,
        redeemedAt: '2026-05-02T09:30:00.000Z',
      },
    ],
  },
  createCampaign: STORED_CAMPAIGN,
  getCampaign: STORED_CAMPAIGN,
  listCampaigns: { items: [STORED_CAMPAIGN] },
  updateCampaign: { ...STORED_CAMPAIGN, dailyQuota: 200, updatedAt: '2026-04-21T01:00:00.000Z', version: 2 },
  closeCampaign: {
    ...STORED_CAMPAIGN,
    closedAt: '2026-05-01T04:30:00.000Z',
    updatedAt: '2026-05-01T04:30:00.000Z',
    version: 2,
  },
  getCampaignStats: {
    campaignId: 'spring-sale',
    days: [{ issueDate: '2026-05-01', quota: 100, admitted: 100, persisted: 100, redeemed: 1, parked: 0 }],
  },
  issueCoupon: { code: 'ACCEPTED', rank: 1, couponId: COUPON_ID, issueDate: '2026-05-01' },
  getCount: {
    issueDate: '2026-05-01',
    quota: 100,
    admitted: 100,
    persisted: 100,
    remaining: 0,
    state: 'SOLD_OUT_TODAY',
    asOf: '2026-05-01T04:00:02.000Z',
  },
  getPublicCampaign: {
    campaignId: 'spring-sale',
    name: 'Spring sale',
    vendor: VENDOR,
    discount: CAMPAIGN.discount,
    timezone: 'Asia/Seoul',
    startDate: '2026-05-01',
    endDate: '2026-05-05',
    dailyWindow: CAMPAIGN.dailyWindow,
    perUserDailyLimit: 1,
    perUserCampaignLimit: null,
    state: 'SCHEDULED',
    today: '2026-04-30',
    window: { opensAt: '2026-05-01T04:00:00.000Z', closesAt: '2026-05-01T06:00:00.000Z' },
    nextOpensAt: '2026-05-01T04:00:00.000Z',
    quota: null,
    remaining: null,
    asOf: '2026-04-30T09:00:00.000Z',
  },
  getUserCoupon: { status: 'ISSUED', coupon: COUPON },
  listUserCoupons: { items: [COUPON] },
  quoteCoupon: { ...ORDER, applicable: true, discountAmount: 15000, reasons: [], expiresAt: COUPON.expiresAt },
  redeemCoupon: REDEMPTION,
  refundRedemption: {
    ...REDEMPTION,
    status: 'REFUNDED',
    refundedAt: '2026-05-03T10:00:00.000Z',
    refundReason: 'order cancelled',
  },
};
