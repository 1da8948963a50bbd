import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { DynamoDbCouponStore } from '../../src/functions/adapters/dynamodb/coupon-store';
import { DynamoDbRedemptionLedger } from '../../src/functions/adapters/dynamodb/redemption-ledger';
import { DynamoDbVendorRepository } from '../../src/functions/adapters/dynamodb/vendor-repository';
import type { Coupon } from '../../src/functions/domain/coupon/coupon';
import { type CheckoutRedemption, redemptionIdOf } from '../../src/functions/domain/vendor/checkout';
import {
  type CheckoutDeps,
  redeemCoupon,
  refundRedemption,
  userCoupons,
} from '../../src/functions/domain/vendor/redemption';
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
let ledger: DynamoDbRedemptionLedger;

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
  coupons = new DynamoDbCouponStore(doc, 'coupon', 'admission');
  vendors = new DynamoDbVendorRepository(doc, 'vendor');
  ledger = new DynamoDbRedemptionLedger(doc, 'coupon', 'admission', 'vendor');
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
const at = (iso: string) => ({ coupons, vendors, redemptions: ledger, clock: () => new Date(iso) });
/** A checkout's redeem request for coupon `c`: an order of 20,000 KRW. */
const order = (c: Coupon, orderId: string, orderAmount = 20_000) => ({
  couponId: c.couponId,
  userId: c.userId,
  orderId,
  orderAmount,
  currency: 'KRW',
});

/** One generated checkout call of the race property. */
type Step = { kind: 'redeem' | 'repeat' | 'conflicting' | 'refund'; coupon: number; order: number };

/** The vendor's ledger, all pages. */
async function allEntries(vendorId: string) {
  const items = [];
  let cursor: string | undefined;
  do {
    const page = await vendors.entries(vendorId, { limit: 100, ...(cursor ? { cursor } : {}) });
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

describe('integration: checkout redemption on DynamoDB', () => {
  it('lets exactly one of 16 concurrent redeems with different orders win, crediting the vendor once', async () => {
    const c = coupon(1, 'alice', '2026-05-01T04:00:00.000Z');
    await coupons.putIfAbsent(c);
    const answers = await Promise.allSettled(
      Array.from({ length: 16 }, (_, i) => redeemCoupon(at('2026-05-10T00:00:00Z'), order(c, `order-${i}`))),
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
      refunds: 0,
    });
    const { items } = await vendors.entries('acme', { limit: 10 });
    expect(items).toEqual([
      expect.objectContaining({ kind: 'REDEMPTION', couponId: c.couponId, amount: 5_000, campaignId: 'spring-sale' }),
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
      Array.from({ length: 16 }, () => redeemCoupon(at('2026-05-10T00:00:00Z'), order(c, 'order-b', 3_000))),
    );
    for (const answer of answers) expect(answer).toEqual(answers[0]);
    expect(answers[0]).toMatchObject({ orderId: 'order-b', discountAmount: 3_000, orderAmount: 3_000 });
    expect((await vendors.account('acme'))?.settlement).toMatchObject({
      balance: (before?.balance ?? 0) + 3_000,
      redemptions: (before?.redemptions ?? 0) + 1,
    });
  });

  it('refuses an expired coupon with 410 in the conditional write itself, and credits nothing', async () => {
    const c = coupon(3, 'carol', '2026-05-01T04:00:02.000Z');
    await coupons.putIfAbsent(c);
    const before = (await vendors.account('acme'))?.settlement;
    await expect(redeemCoupon(at('2026-06-04T15:00:00.000Z'), order(c, 'o'))).rejects.toMatchObject({
      code: 'EXPIRED',
    });
    // The store's own condition refuses a redemption instant at or after expiresAt, whatever the caller checked.
    const late: CheckoutRedemption = {
      ...order(c, 'o-late'),
      redemptionId: 'acme.by1sYXRl',
      vendorId: 'acme',
      campaignId: c.campaignId,
      issueDate: c.issueDate,
      discountAmount: 5_000,
      status: 'REDEEMED',
      redeemedAt: '2026-06-04T15:00:00.000Z',
    };
    expect(await ledger.redeem(c as Coupon & { vendorId: string }, late)).toBe('COUPON_CONFLICT');
    expect(await ledger.find('acme', 'o-late')).toBeUndefined();
    expect((await vendors.account('acme'))?.settlement).toEqual(before);
  });

  it('refunds by a new negative entry, makes the coupon ISSUED again, uncounts the day, idempotently', async () => {
    const c = { ...coupon(4, 'erin', '2026-05-02T04:00:00.000Z'), issueDate: '2026-05-02' };
    await coupons.putIfAbsent(c);
    const before = (await vendors.account('acme'))?.settlement;
    const redeemed = await redeemCoupon(at('2026-05-10T00:00:00Z'), order(c, 'order-e'));
    const refunds = await Promise.all(
      Array.from({ length: 8 }, () => refundRedemption(at('2026-05-11T00:00:00Z'), redeemed.redemptionId, 'cancelled')),
    );
    for (const refund of refunds) expect(refund).toEqual(refunds[0]);
    expect(refunds[0]).toMatchObject({ status: 'REFUNDED', refundedAt: '2026-05-11T00:00:00.000Z' });
    expect(await coupons.get(c.couponId)).not.toHaveProperty('redemption');
    expect((await coupons.get(c.couponId))?.status).toBe('ISSUED');
    expect((await vendors.account('acme'))?.settlement).toMatchObject({
      balance: before?.balance,
      redemptions: (before?.redemptions ?? 0) + 1,
      refunds: (before?.refunds ?? 0) + 1,
    });
    const entries = (await allEntries('acme')).filter((e) => e.orderId === 'order-e');
    expect(entries.map((e) => [e.kind, e.amount])).toEqual([
      ['REDEMPTION', 5_000],
      ['REFUND', -5_000],
    ]);
    expect(await coupons.dayCounts({ campaignId: 'spring-sale', issueDate: '2026-05-02' })).toEqual({
      persisted: 1,
      redeemed: 0,
    });
    // Usable again: another order redeems it.
    expect(await redeemCoupon(at('2026-05-12T00:00:00Z'), order(c, 'order-e2'))).toMatchObject({ status: 'REDEEMED' });
  });

  it('keeps the balance equal to the sum of the ledger under concurrent redeem, repeat and refund races (property)', async () => {
    let run = 0;
    const step: fc.Arbitrary<Step> = fc.record({
      kind: fc.constantFrom<Step['kind']>('redeem', 'repeat', 'conflicting', 'refund'),
      coupon: fc.integer({ min: 0, max: 2 }),
      order: fc.integer({ min: 0, max: 3 }),
    });
    await fc.assert(
      // Rounds run one after the other (so refunds find earlier redemptions); the steps of a round race.
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(fc.array(step, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 4 }),
        async (s, rounds) => {
          const vendorId = `race-${run}`;
          await vendors.create({ vendorId, name: 'Race', currency: 'KRW', createdAt: '2026-04-01T00:00:00.000Z' });
          const raced = Array.from({ length: 3 }, (_, i) => ({
            ...coupon(1_000_000 + run * 10 + i, `racer-${i}`, '2026-05-01T04:00:00.000Z'),
            campaignId: vendorId,
            vendorId,
          }));
          run++;
          for (const c of raced) await coupons.putIfAbsent(c);
          // Every backend call starts when the scheduler says: the generated interleaving of a round's reads and writes.
          const gated =
            <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
            (...args: A) =>
              s.schedule(Promise.resolve()).then(() => fn(...args));
          const deps: CheckoutDeps = {
            coupons: { get: gated((id: string) => coupons.get(id)) },
            vendors: { get: gated((id: string) => vendors.get(id)) },
            redemptions: {
              find: gated((v: string, o: string) => ledger.find(v, o)),
              redeem: gated((c: Coupon & { vendorId: string }, r: CheckoutRedemption) => ledger.redeem(c, r)),
              refund: gated((r: CheckoutRedemption) => ledger.refund(r)),
            },
            clock: () => new Date('2026-05-10T00:00:00Z'),
          };
          const orderOf = (n: number) => `order-${n}`;
          const act = async ({ kind, coupon: ci, order: oi }: Step) => {
            const c = raced[ci] as Coupon;
            if (kind === 'refund') {
              return refundRedemption(deps, redemptionIdOf(vendorId, orderOf(oi)), 'returned');
            }
            const amount = kind === 'conflicting' ? 9_999 : 20_000;
            return redeemCoupon(deps, order(c, orderOf(oi), amount));
          };
          const codes: string[] = [];
          for (const steps of rounds) {
            const outcomes = Promise.all(
              steps.map((st) =>
                act(st).then(
                  () => 'ok',
                  (error: { code?: string }) => error.code ?? String(error),
                ),
              ),
            );
            await s.waitFor(outcomes);
            codes.push(...(await outcomes));
          }
          for (const code of codes) {
            expect([
              'ok',
              'ALREADY_REDEEMED',
              'IDEMPOTENCY_CONFLICT',
              'REDEMPTION_NOT_FOUND',
              'COUPON_NOT_FOUND',
            ]).toContain(code);
          }
          const entries = await allEntries(vendorId);
          const account = (await vendors.account(vendorId))?.settlement;
          expect(account?.balance).toBe(entries.reduce((sum, e) => sum + e.amount, 0));
          expect(account?.redemptions).toBe(entries.filter((e) => e.kind === 'REDEMPTION').length);
          expect(account?.refunds).toBe(entries.filter((e) => e.kind === 'REFUND').length);
          // Each coupon is REDEEMED exactly when one unrefunded redemption holds it.
          let redeemedNow = 0;
          for (const c of raced) {
            const stored = await coupons.get(c.couponId);
            const held = [];
            for (let o = 0; o < 4; o++) {
              const r = await ledger.find(vendorId, orderOf(o));
              if (r?.couponId === c.couponId && r.status === 'REDEEMED') held.push(r.redemptionId);
            }
            expect(held.length).toBeLessThanOrEqual(1);
            expect(stored?.status).toBe(held.length === 1 ? 'REDEEMED' : 'ISSUED');
            if (held.length === 1) {
              expect(stored?.redemption?.redemptionId).toBe(held[0]);
              redeemedNow++;
            }
          }
          expect((await coupons.dayCounts({ campaignId: vendorId, issueDate: '2026-05-01' })).redeemed).toBe(
            redeemedNow,
          );
        },
      ),
      { numRuns: 25, verbose: true },
    );
  });
});

describe("integration: a user's coupons on DynamoDB", () => {
  it("lists a user's coupons newest first across campaigns, in pages, with each status", async () => {
    const days = ['2026-05-01', '2026-05-02', '2026-05-03', '2026-05-04', '2026-05-05'];
    for (const [i, day] of days.entries()) {
      await coupons.putIfAbsent({ ...coupon(100 + i, 'dave', `${day}T04:00:00.000Z`), campaignId: `c${i % 2}` });
    }
    await redeemCoupon(at('2026-05-06T00:00:00Z'), order({ ...coupon(101, 'dave', ''), userId: 'dave' }, 'x'));
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
    } while (cursor && pages.length < 100);

    // Assess: only vendors, in vendorId order, each once, with their own fields (the race property above created
    // `race-<n>` vendors with credits and refunds of their own in the same table).
    const listed = pages.flat();
    expect(listed).toEqual([...new Set(listed)].sort());
    expect(listed.filter((id) => !id.startsWith('race-'))).toEqual(['acme', 'bravo', 'charlie', 'delta']);
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
