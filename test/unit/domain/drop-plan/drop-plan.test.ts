import { dryRunResponseSchema } from '../../../../src/contract/dry-run';
import { campaignDefinitionSchema } from '../../../../src/functions/domain/campaign/campaign';
import { dryRunCreate, dryRunUpdate } from '../../../../src/functions/domain/campaign/campaign-admin';
import { usersForPeak } from '../../../../src/functions/domain/drop-plan/arrival-curve';
import type { DeployedCapacity } from '../../../../src/functions/domain/drop-plan/capacity';
import { planDrop } from '../../../../src/functions/domain/drop-plan/drop-plan';
import { simulateDrop } from '../../../../src/functions/domain/drop-plan/drop-summary';
import {
  CampaignExistsError,
  CampaignStartedError,
  UnknownVendorError,
} from '../../../../src/functions/domain/kernel/errors';
import { springSaleDefinition } from '../../../support/fixtures';

const deployed: DeployedCapacity = {
  admissionMode: 'dynamodb',
  stageThrottleRateLimit: 5000,
  stageThrottleBurstLimit: 5000,
};
/** An instant before springSaleDefinition's period (2026-05-01..05 in Seoul): no calendar warnings. */
const before = new Date('2026-04-01T00:00:00Z');
const define = (overrides: Record<string, unknown>) =>
  campaignDefinitionSchema.parse({ ...springSaleDefinition, ...overrides });

describe('domain: planDrop (the dry run)', () => {
  it('lists every issue day with its window in UTC, the quota total and the end of validity', () => {
    const plan = planDrop(define({}), deployed, before);
    expect(plan.days).toHaveLength(5);
    expect(plan.days[0]).toEqual({
      issueDate: '2026-05-01',
      opensAt: '2026-05-01T04:00:00.000Z',
      closesAt: '2026-05-01T06:00:00.000Z',
      openMinutes: 120,
      quota: 100,
    });
    expect(plan.totalQuota).toBe(500);
    // May 5 + 30 days of validity: the end of June 4 in Seoul.
    expect(plan.validUntil).toBe('2026-06-04T15:00:00.000Z');
    expect(plan.prewarm).toBeUndefined();
    expect(dryRunResponseSchema.safeParse(plan).success).toBe(true);
  });

  it("shows the proof of work's cost per visitor: its most attempts and mean solve times", () => {
    const plan = planDrop(define({ proofOfWork: { difficulty: 'MEDIUM' } }), deployed, before);
    expect(plan.proofOfWork).toEqual({
      difficulty: 'MEDIUM',
      maxAttempts: 501,
      meanSolveMs: { node: expect.any(Number), chromium: expect.any(Number) },
    });
    expect(dryRunResponseSchema.safeParse(plan).success).toBe(true);
    expect(planDrop(define({}), deployed, before).proofOfWork).toBeUndefined();
  });

  it('says which days a DST change shortens or skips, and counts no quota on a skipped day', () => {
    const plan = planDrop(
      define({
        timezone: 'America/New_York',
        startDate: '2026-03-07',
        endDate: '2026-03-09',
        dailyWindow: { open: '02:00', close: '02:59' },
      }),
      deployed,
      before,
    );
    expect(plan.days.map((d) => [d.issueDate, d.quota, d.dst?.effect])).toEqual([
      ['2026-03-07', 100, undefined],
      ['2026-03-08', 0, 'SKIPPED'],
      ['2026-03-09', 100, undefined],
    ]);
    expect(plan.days[1]?.opensAt).toBeUndefined();
    expect(plan.days[1]?.dst?.message).toMatch(/gap/);
    expect(plan.totalQuota).toBe(200);
  });

  it('lists both stretches of a window a fall-back repeats', () => {
    const plan = planDrop(
      define({
        timezone: 'America/New_York',
        startDate: '2026-11-01',
        endDate: '2026-11-01',
        dailyWindow: { open: '01:00', close: '01:30' },
      }),
      deployed,
      before,
    );
    expect(plan.days[0]).toMatchObject({
      opensAt: '2026-11-01T05:00:00.000Z',
      closesAt: '2026-11-01T06:30:00.000Z',
      openMinutes: 60,
      dst: { effect: 'LENGTHENED' },
      intervals: [
        { opensAt: '2026-11-01T05:00:00.000Z', closesAt: '2026-11-01T05:30:00.000Z' },
        { opensAt: '2026-11-01T06:00:00.000Z', closesAt: '2026-11-01T06:30:00.000Z' },
      ],
    });
  });

  it('raises pre-warming leadMinutes before each opening and lowers it at each close, across DST', () => {
    const plan = planDrop(
      define({
        timezone: 'America/New_York',
        startDate: '2026-03-07',
        endDate: '2026-03-08',
        dailyWindow: { open: '13:00', close: '15:00' },
        prewarm: { concurrency: 50, leadMinutes: 15 },
      }),
      deployed,
      before,
    );
    expect(plan.prewarm).toEqual({
      concurrency: 50,
      concurrencyFrom: 'prewarm.concurrency',
      leadMinutes: 15,
      days: [
        { issueDate: '2026-03-07', raiseAt: '2026-03-07T17:45:00.000Z', lowerAt: '2026-03-07T20:00:00.000Z' },
        { issueDate: '2026-03-08', raiseAt: '2026-03-08T16:45:00.000Z', lowerAt: '2026-03-08T19:00:00.000Z' },
      ],
    });
  });

  it('derives the pre-warm concurrency from expectedPeakRps (20 ms per request: 3,000/s -> 60)', () => {
    const plan = planDrop(
      define({ expectedPeakRps: 3000, counterShards: 3, prewarm: { leadMinutes: 10 } }),
      deployed,
      before,
    );
    expect(plan.prewarm).toMatchObject({ concurrency: 60, concurrencyFrom: 'expectedPeakRps' });
    expect(plan.warnings).toEqual([]);
  });

  it("simulates the first minute of the crowd its expected peak implies, with the pre-warm and the day's quota", () => {
    const plan = planDrop(
      define({ expectedPeakRps: 3000, counterShards: 3, prewarm: { leadMinutes: 10 } }),
      deployed,
      before,
    );
    const users = usersForPeak(3000);
    expect(plan.simulation).toEqual(
      simulateDrop({ users }, { deployed, quota: 100, counterShards: 3, provisionedConcurrency: 60, edge: false })
        .summary,
    );
    expect(plan.simulation).toMatchObject({ users, totals: { arrivals: users, admitted: 100 } });
    expect(dryRunResponseSchema.safeParse(plan).success).toBe(true);
    expect(planDrop(define({}), deployed, before).simulation).toBeUndefined();
  });

  it('refuses pre-warming with neither a concurrency nor an expected peak', () => {
    const parsed = campaignDefinitionSchema.safeParse({ ...springSaleDefinition, prewarm: { leadMinutes: 10 } });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['prewarm', 'concurrency']);
  });

  it('warns about every limit a peak exceeds, naming the setting to change', () => {
    const plan = planDrop(
      define({
        expectedPeakRps: 60_000,
        counterShards: 4,
        dailyQuota: 50_000,
        prewarm: { concurrency: 1500, leadMinutes: 10 },
      }),
      { ...deployed, issueReservedConcurrency: 1000 },
      before,
    );
    const byCode = Object.fromEntries(plan.warnings.map((w) => [w.code, w]));
    expect(Object.keys(byCode).sort()).toEqual([
      'API_GATEWAY_ACCOUNT',
      'COUNTER_SHARDS',
      'ISSUE_CONCURRENCY',
      'PREWARM_ABOVE_CONCURRENCY',
      'RANK_TICKET',
      'STAGE_BURST',
      'STAGE_THROTTLE',
    ]);
    expect(byCode.STAGE_THROTTLE).toMatchObject({ setting: 'throttleRateLimit (construct prop)', limit: 5000 });
    expect(byCode.ISSUE_CONCURRENCY).toMatchObject({ limit: 1000, needed: 1200 });
    expect(byCode.ISSUE_CONCURRENCY?.setting).toMatch(/reserved concurrency/);
    expect(byCode.COUNTER_SHARDS).toMatchObject({ limit: 4000, needed: 60_000 });
    expect(byCode.COUNTER_SHARDS?.message).toMatch(/counterShards >= 60/);
    expect(plan.deployed.issueConcurrencyLimit).toBe(1000);
  });

  it("warns that the day's one rank ticket item caps DynamoDB mode near 1,000 attempts/s, however many shards", () => {
    const plan = (expectedPeakRps: number, counterShards: number, dailyQuota = 5_000) =>
      planDrop(define({ expectedPeakRps, counterShards, dailyQuota, prewarm: { leadMinutes: 10 } }), deployed, before);
    const codes = (p: ReturnType<typeof plan>) => p.warnings.map((w) => w.code);
    // 1,500 attempts/s over 2 shards for a quota of 5,000: the counters take it, the rank ticket does not.
    const above = plan(1_500, 2);
    expect(codes(above)).toEqual(['RANK_TICKET']);
    expect(above.warnings[0]).toMatchObject({ limit: 1000, needed: 1500, unit: 'writes/s' });
    expect(above.warnings[0]?.setting).toMatch(/upstashSecretName/);
    expect(above.warnings[0]?.message).toMatch(/whatever counterShards/);
    expect(above.warnings[0]?.source).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
    expect(codes(plan(1_000, 1))).toEqual([]);
    // A quota of 1,000 is handed out within the first second, throttled or not.
    expect(codes(plan(1_500, 2, 1_000))).toEqual([]);
  });

  it('checks Upstash, not counter shards, in Redis mode, and warns of a cold opening without pre-warming', () => {
    const plan = planDrop(
      define({ expectedPeakRps: 12_000 }),
      { admissionMode: 'redis', stageThrottleRateLimit: 20_000, stageThrottleBurstLimit: 20_000 },
      before,
    );
    expect(plan.warnings.map((w) => w.code).sort()).toEqual([
      'API_GATEWAY_ACCOUNT',
      'COLD_OPENING',
      'UPSTASH_THROUGHPUT',
    ]);
    const cold = plan.warnings.find((w) => w.code === 'COLD_OPENING');
    expect(cold).toMatchObject({ setting: 'prewarm.concurrency (campaign field)', needed: 240 });
    expect(plan.deployed.issueConcurrencyLimit).toBe(1000);
  });
});

describe('domain: planDrop warns of a period or a validity in the past', () => {
  const codes = (plan: { warnings: { code: string }[] }) => plan.warnings.map((w) => w.code);

  it('warns of nothing when the period lies ahead', () => {
    expect(codes(planDrop(define({}), deployed, before))).toEqual([]);
  });

  it('warns that the period ended when its last window has closed, while coupons are still valid', () => {
    // Prepare: May 10 in Seoul, five days after the period (validity runs until June 4).
    const now = new Date('2026-05-10T00:00:00Z');

    // Act
    const plan = planDrop(define({}), deployed, now);

    // Assess
    expect(plan.warnings).toEqual([
      expect.objectContaining({
        code: 'PERIOD_ENDED',
        setting: 'startDate, endDate (campaign fields)',
        limit: 0,
        needed: 5,
        unit: 'issue days',
        message: expect.stringMatching(/2026-05-01\.\.2026-05-05 .*Asia\/Seoul.*nothing will be issued/),
      }),
    ]);
    expect(dryRunResponseSchema.safeParse(plan).success).toBe(true);
  });

  it('warns that the coupons validity has ended too, naming the couponValidityDays that would reach today', () => {
    // Prepare: July 1 in Seoul; validity ended at the end of June 4 (May 5 + 30 days).
    const now = new Date('2026-07-01T00:00:00Z');

    // Act
    const plan = planDrop(define({}), deployed, now);

    // Assess
    expect(codes(plan)).toEqual(['PERIOD_ENDED', 'VALIDITY_ENDED']);
    expect(plan.warnings[1]).toMatchObject({
      setting: 'couponValidityDays (campaign field)',
      limit: 30,
      needed: 57,
      unit: 'days',
      message: expect.stringContaining('2026-06-04T15:00:00.000Z'),
    });
  });

  it.each([
    ['during the third day window, which still issues', '2026-05-03T05:00:00Z', 3, '2026-05-03', 300],
    ['after the third day window closed', '2026-05-03T06:00:00Z', 2, '2026-05-04', 200],
  ])('warns that the period started, %s: only the remaining issue days will issue', (_name, at, left, first, quota) => {
    // Act
    const plan = planDrop(define({}), deployed, new Date(at));

    // Assess
    expect(plan.warnings).toEqual([
      expect.objectContaining({
        code: 'PERIOD_STARTED',
        setting: 'startDate (campaign field)',
        limit: left,
        needed: 5,
        unit: 'issue days',
        message: expect.stringMatching(
          new RegExp(`only the ${left} from ${first} will issue \\(at most ${quota} coupons\\)`),
        ),
      }),
    ]);
    expect(plan.totalQuota).toBe(500);
  });
});

describe('domain: dry runs of create and update', () => {
  const stored = { ...springSaleDefinition, createdAt: '2026-04-01T00:00:00Z', version: 1 };
  const writes: string[] = [];
  const deps = (now: string) => ({
    campaigns: {
      get: async (id: string) => (id === 'spring-sale' ? stored : undefined),
      create: async () => void writes.push('create'),
      replace: async () => void writes.push('replace'),
      close: async () => {
        writes.push('close');
        return stored;
      },
      page: async () => ({ items: [] }),
    },
    vendors: { get: async (id: string) => (id === 'acme' ? { vendorId: 'acme' } : undefined) },
    clock: () => new Date(now),
  });
  // biome-ignore lint/suspicious/noExplicitAny: a fake of the repository's methods the dry run may reach
  const asDeps = (d: ReturnType<typeof deps>) => d as any;

  it('plans a new campaign without storing it, with the checks a create makes', async () => {
    const plan = await dryRunCreate(asDeps(deps('2026-04-01T00:00:00Z')), define({ campaignId: 'new-one' }), deployed);
    expect(plan.totalQuota).toBe(500);
    expect(plan.warnings).toEqual([]);
    const late = await dryRunCreate(asDeps(deps('2026-05-10T00:00:00Z')), define({ campaignId: 'late' }), deployed);
    expect(late.warnings.map((w) => w.code)).toEqual(['PERIOD_ENDED']);
    await expect(dryRunCreate(asDeps(deps('2026-04-01T00:00:00Z')), define({}), deployed)).rejects.toBeInstanceOf(
      CampaignExistsError,
    );
    await expect(
      dryRunCreate(asDeps(deps('2026-04-01T00:00:00Z')), define({ campaignId: 'x', vendorId: 'nobody' }), deployed),
    ).rejects.toBeInstanceOf(UnknownVendorError);
    expect(writes).toEqual([]);
  });

  it('plans an update merged with the stored campaign, without storing it, and refuses it once started', async () => {
    const plan = await dryRunUpdate(asDeps(deps('2026-04-01T00:00:00Z')), 'spring-sale', { dailyQuota: 7 }, deployed);
    expect(plan.totalQuota).toBe(35);
    expect(plan.campaign).toMatchObject({ campaignId: 'spring-sale', dailyQuota: 7, name: 'Spring sale' });
    await expect(
      dryRunUpdate(asDeps(deps('2026-05-01T00:00:00Z')), 'spring-sale', { dailyQuota: 7 }, deployed),
    ).rejects.toBeInstanceOf(CampaignStartedError);
    expect(writes).toEqual([]);
  });
});
