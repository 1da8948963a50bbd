import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbCouponStore } from '../../src/functions/adapters/dynamodb/coupon-store';
import { DynamoDbVendorRepository } from '../../src/functions/adapters/dynamodb/vendor-repository';
import type { Coupon } from '../../src/functions/domain/coupon/coupon';
import { redeemCoupon, userCoupons } from '../../src/functions/domain/vendor/redemption';
import {
  createAdmissionTable,
  createCouponTable,
  createVendorTable,
  localDynamoDbClient,
} from '../../tools/local/dynamodb-local';
import { type Emulator, startDynamoDbLocal } from '../../tools/local/emulators';

jest.setTimeout(120_000);

let dynamo: Emulator;
let client: DynamoDBClient;
let coupons: DynamoDbCouponStore;
let vendors: DynamoDbVendorRepository;

/** Tables shaped like the stack's CouponTable (with its user index) and VendorTable (with its vendor index). */
async function createTables() {
  await createAdmissionTable(client, 'admission');
  await createVendorTable(client, 'vendor');
  await createCouponTable(client, 'coupon');
}

beforeAll(async () => {
  dynamo = await startDynamoDbLocal('.local/test-lifecycle');
  client = localDynamoDbClient(dynamo.endpoint);
  await createTables();
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  coupons = new DynamoDbCouponStore(doc, 'coupon', 'admission', 'vendor');
  vendors = new DynamoDbVendorRepository(doc, 'vendor');
  await vendors.create({ vendorId: 'acme', name: 'Acme', currency: 'KRW', createdAt: '2026-04-01T00:00:00.000Z' });
});

afterAll(async () => {
  client?.destroy();
  await dynamo?.stop();
});

const coupon = (n: number, userId: string, admittedAt: string): Coupon => ({
  couponId: n.toString(16).padStart(32, '0'),
  campaignId: 'spring-sale',
  vendorId: 'acme',
  issueDate: '2026-05-01',
  userId,
  rank: n,
  admittedAt,
  issuedAt: admittedAt,
  expiresAt: '2026-06-04T15:00:00.000Z',
  status: 'ISSUED',
  discount: { type: 'AMOUNT', value: 5_000 },
});
const at = (iso: string) => ({ coupons, clock: () => new Date(iso) });

describe('integration: redemption on DynamoDB', () => {
  it('lets exactly one of 16 concurrent redeems with different orders win, crediting the vendor once', async () => {
    const c = coupon(1, 'alice', '2026-05-01T04:00:00.000Z');
    await coupons.putIfAbsent(c);
    const answers = await Promise.allSettled(
      Array.from({ length: 16 }, (_, i) =>
        redeemCoupon(at('2026-05-10T00:00:00Z'), { couponId: c.couponId, userId: 'alice', orderId: `order-${i}` }),
      ),
    );
    const won = answers.filter((a) => a.status === 'fulfilled');
    expect(won).toHaveLength(1);
    const lost = answers.filter((a): a is PromiseRejectedResult => a.status === 'rejected').map((a) => a.reason.code);
    expect(lost).toEqual(Array(15).fill('ALREADY_REDEEMED'));
    expect((await vendors.account('acme'))?.settlement).toEqual({
      vendorId: 'acme',
      currency: 'KRW',
      balance: 5_000,
      redemptions: 1,
    });
    const { items } = await vendors.entries('acme', { limit: 10 });
    expect(items).toEqual([
      expect.objectContaining({ couponId: c.couponId, amount: 5_000, campaignId: 'spring-sale' }),
    ]);
    expect(await coupons.dayCounts({ campaignId: 'spring-sale', issueDate: '2026-05-01' })).toEqual({
      persisted: 1,
      redeemed: 1,
    });
  });

  it('answers 16 concurrent repeats of one order with the same redemption, crediting once', async () => {
    const c = coupon(2, 'bob', '2026-05-01T04:00:01.000Z');
    await coupons.putIfAbsent(c);
    const before = (await vendors.account('acme'))?.settlement;
    const answers = await Promise.all(
      Array.from({ length: 16 }, () =>
        redeemCoupon(at('2026-05-10T00:00:00Z'), {
          couponId: c.couponId,
          userId: 'bob',
          orderId: 'order-b',
          orderAmount: 3_000,
        }),
      ),
    );
    for (const answer of answers) expect(answer.redemption).toEqual(answers[0]?.redemption);
    expect(answers[0]?.redemption).toMatchObject({ orderId: 'order-b', amount: 3_000, orderAmount: 3_000 });
    expect((await vendors.account('acme'))?.settlement).toMatchObject({
      balance: (before?.balance ?? 0) + 3_000,
      redemptions: (before?.redemptions ?? 0) + 1,
    });
  });

  it('refuses an expired coupon with 410 in the conditional write itself, and credits nothing', async () => {
    const c = coupon(3, 'carol', '2026-05-01T04:00:02.000Z');
    await coupons.putIfAbsent(c);
    const before = (await vendors.account('acme'))?.settlement;
    await expect(
      redeemCoupon(at('2026-06-04T15:00:00.000Z'), { couponId: c.couponId, userId: 'carol', orderId: 'o' }),
    ).rejects.toMatchObject({ code: 'EXPIRED' });
    // The store's own condition refuses a redemption instant at or after expiresAt, whatever the caller checked.
    expect(
      await coupons.redeem(c as Coupon & { vendorId: string }, {
        orderId: 'o',
        amount: 5_000,
        redeemedAt: '2026-06-04T15:00:00.000Z',
      }),
    ).toBe('CONFLICT');
    expect((await vendors.account('acme'))?.settlement).toEqual(before);
  });

  it("lists a user's coupons newest first across campaigns, in pages, with each status", async () => {
    const days = ['2026-05-01', '2026-05-02', '2026-05-03', '2026-05-04', '2026-05-05'];
    for (const [i, day] of days.entries()) {
      await coupons.putIfAbsent({ ...coupon(100 + i, 'dave', `${day}T04:00:00.000Z`), campaignId: `c${i % 2}` });
    }
    await redeemCoupon(at('2026-05-06T00:00:00Z'), {
      couponId: coupon(101, 'd', '').couponId,
      userId: 'dave',
      orderId: 'x',
    });
    const seen: string[] = [];
    let cursor: string | undefined;
    const later = at('2026-06-05T00:00:00Z'); // after expiry: unredeemed coupons show EXPIRED
    do {
      const page = await userCoupons(later, 'dave', { limit: 2, ...(cursor ? { cursor } : {}) });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((c) => `${c.admittedAt.slice(0, 10)} ${c.status}`));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([
      '2026-05-05 EXPIRED',
      '2026-05-04 EXPIRED',
      '2026-05-03 EXPIRED',
      '2026-05-02 REDEEMED',
      '2026-05-01 EXPIRED',
    ]);
  });

  it("refuses a cursor that is malformed or pages another user's coupons", async () => {
    const first = await userCoupons(at('2026-05-06T00:00:00Z'), 'dave', { limit: 1 });
    expect(first.nextCursor).toBeDefined();
    await expect(
      userCoupons(at('2026-05-06T00:00:00Z'), 'mallory', { limit: 1, cursor: first.nextCursor }),
    ).rejects.toMatchObject({ code: 'INVALID_REQUEST', statusCode: 400 });
    await expect(
      userCoupons(at('2026-05-06T00:00:00Z'), 'dave', { limit: 1, cursor: 'not-a-cursor' }),
    ).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
  });
});

describe('integration: batched coupon writes on DynamoDB', () => {
  const batchCoupon = (n: number, issueDate: string): Coupon => ({
    ...coupon(10_000 + n, `batch-user-${n}`, `${issueDate}T04:00:00.000Z`),
    campaignId: 'batch-sale',
    issueDate,
  });
  const day = (issueDate: string) => ({ campaignId: 'batch-sale', issueDate });

  it('writes 120 coupons over two days in chunks of 50, settling existing ones and repeats as EXISTS', async () => {
    // 0..119, even on May 1, odd on May 2; 5 of them were written before; one id appears twice in the batch.
    const all = Array.from({ length: 120 }, (_, n) => batchCoupon(n, n % 2 === 0 ? '2026-05-01' : '2026-05-02'));
    for (const n of [3, 50, 51, 100, 119]) expect(await coupons.putIfAbsent(all[n] as Coupon)).toBe('CREATED');
    const { settled, failure } = await coupons.putAllIfAbsent([...all, all[7] as Coupon]);
    expect(failure).toBeUndefined();
    expect(settled.size).toBe(120);
    const exists = [...settled].filter(([, outcome]) => outcome === 'EXISTS').map(([id]) => id);
    expect(exists.sort()).toEqual([3, 50, 51, 100, 119].map((n) => (all[n] as Coupon).couponId).sort());
    expect(await coupons.existing(all.map((c) => c.couponId))).toEqual(new Set(all.map((c) => c.couponId)));
    // Each day counted once per coupon: 60 per day, whether written alone or in the batch.
    expect(await coupons.persistedCount(day('2026-05-01'))).toBe(60);
    expect(await coupons.persistedCount(day('2026-05-02'))).toBe(60);
    // Applying the same batch again (a redelivery) settles every coupon as EXISTS and counts nothing.
    const again = await coupons.putAllIfAbsent(all);
    expect([...again.settled.values()].every((outcome) => outcome === 'EXISTS')).toBe(true);
    expect(await coupons.persistedCount(day('2026-05-01'))).toBe(60);
  });

  it('leaves a chunk that fails for another reason unsettled, with the error, and keeps the chunks before it', async () => {
    const all = Array.from({ length: 60 }, (_, n) => batchCoupon(500 + n, '2026-05-03'));
    // An item DynamoDB refuses outright (an empty-string key) in the second chunk of 50.
    all[55] = { ...(all[55] as Coupon), couponId: '' };
    const { settled, failure } = await coupons.putAllIfAbsent(all);
    expect(failure).toBeInstanceOf(Error);
    expect(settled.size).toBe(50);
    expect([...settled.values()].every((outcome) => outcome === 'CREATED')).toBe(true);
    expect(await coupons.persistedCount(day('2026-05-03'))).toBe(50);
    expect(
      (
        await coupons.existing(
          all
            .slice(50)
            .map((c) => c.couponId)
            .filter(Boolean),
        )
      ).size,
    ).toBe(0);
  });
});

describe('integration: the vendor list on DynamoDB (sparse index)', () => {
  it('pages through every vendor once, by vendorId, and never through the credits of their redemptions', async () => {
    // Prepare: acme has credits by now (the redemption tests); three more vendors, created out of order.
    expect((await vendors.entries('acme', { limit: 10 })).items.length).toBeGreaterThan(0);
    for (const vendorId of ['delta', 'bravo', 'charlie']) {
      await vendors.create({
        vendorId,
        name: `Vendor ${vendorId}`,
        currency: 'USD',
        createdAt: '2026-04-02T00:00:00.000Z',
      });
    }

    // Act: pages of two.
    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await vendors.page({ limit: 2, ...(cursor ? { cursor } : {}) });
      pages.push(page.items.map((v) => v.vendorId));
      cursor = page.nextCursor;
    } while (cursor && pages.length < 10);

    // Assess: only vendors, in vendorId order, each once, with their own fields.
    expect(pages.flat()).toEqual(['acme', 'bravo', 'charlie', 'delta']);
    expect(pages[0]).toEqual(['acme', 'bravo']);
    const [first] = (await vendors.page({ limit: 1 })).items;
    expect(first).toEqual({ vendorId: 'acme', name: 'Acme', currency: 'KRW', createdAt: '2026-04-01T00:00:00.000Z' });
  });

  it("refuses a cursor another listing issued (a vendor's ledger page) as an invalid request", async () => {
    const ledger = await vendors.entries('acme', { limit: 1 });
    expect(ledger.nextCursor).toBeDefined();
    await expect(vendors.page({ limit: 2, cursor: ledger.nextCursor })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      statusCode: 400,
    });
  });
});
