import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DateTime } from 'luxon';
import { call, middayZone, type RunningCloud, startCloudProcess, TEST_VENDOR } from '../../tools/local/child-cloud';
import type { ProvisionedChange } from '../../tools/local/lambda-api';
import type { LocalFiring, LocalScheduleDefinition } from '../../tools/local/scheduler';

jest.setTimeout(600_000);

/** A campaign over New York's 2027 spring-forward (March 14, 02:00 EST -> 03:00 EDT), stored nowhere yet. */
const springForward = {
  campaignId: 'drop-day-dst',
  vendorId: TEST_VENDOR.vendorId,
  name: 'Spring-forward drop',
  timezone: 'America/New_York',
  startDate: '2027-03-13',
  endDate: '2027-03-15',
  dailyWindow: { open: '02:00', close: '02:59' },
  dailyQuota: 40,
  perUserDailyLimit: 1,
  couponValidityDays: 10,
  discount: { type: 'AMOUNT', value: 1000 },
};

// Drop day through the local cloud: the dry run answers from the deployed template's settings and stores nothing.
describe('drop day through the local cloud', () => {
  let cloud: RunningCloud;
  let api: string;

  beforeAll(async () => {
    cloud = await startCloudProcess('dynamodb', { tag: 'drop-day' });
    api = cloud.endpoints.apiUrl;
  });
  afterAll(async () => {
    await cloud?.stop();
  });

  it('dry-runs a create: the DST-skipped day, totals, validity and the deployed settings, nothing stored', async () => {
    const answer = await call(`${api}/v1/admin/campaigns?dryRun=true`, { body: springForward });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      dryRun: true,
      days: [
        { issueDate: '2027-03-13', opensAt: '2027-03-13T07:00:00.000Z', closesAt: '2027-03-13T07:59:00.000Z' },
        { issueDate: '2027-03-14', quota: 0, openMinutes: 0, dst: { effect: 'SKIPPED' } },
        { issueDate: '2027-03-15', opensAt: '2027-03-15T06:00:00.000Z', quota: 40 },
      ],
      totalQuota: 80,
      validUntil: '2027-03-26T04:00:00.000Z',
      deployed: { admissionMode: 'dynamodb', stageThrottleRateLimit: 5000, stageThrottleBurstLimit: 5000 },
      warnings: [],
    });
    expect((await call(`${api}/v1/admin/campaigns/${springForward.campaignId}`)).status).toBe(404);
  });

  it('warns, naming the setting, when the expected peak exceeds the deployed stage throttle', async () => {
    const answer = await call(`${api}/v1/admin/campaigns?dryRun=true`, {
      body: { ...springForward, expectedPeakRps: 6000, counterShards: 6, prewarm: { leadMinutes: 5 } },
    });
    expect(answer.status).toBe(200);
    const warnings = answer.body.warnings as { code: string; setting: string; limit: number }[];
    expect(warnings.map((w) => w.code).sort()).toEqual(['STAGE_BURST', 'STAGE_THROTTLE']);
    expect(warnings.find((w) => w.code === 'STAGE_THROTTLE')).toMatchObject({
      setting: 'throttleRateLimit (construct prop)',
      limit: 5000,
    });
    expect(answer.body.prewarm).toMatchObject({
      concurrency: 120,
      leadMinutes: 5,
      days: [
        { issueDate: '2027-03-13', raiseAt: '2027-03-13T06:55:00.000Z', lowerAt: '2027-03-13T07:59:00.000Z' },
        { issueDate: '2027-03-15', raiseAt: '2027-03-15T05:55:00.000Z', lowerAt: '2027-03-15T06:59:00.000Z' },
      ],
    });
  });

  it('dry-runs an update against the stored campaign without changing it', async () => {
    const created = await call(`${api}/v1/admin/campaigns`, { body: springForward });
    expect(created.status).toBe(201);
    const url = `${api}/v1/admin/campaigns/${springForward.campaignId}`;
    const answer = await call(`${url}?dryRun=true`, { method: 'PATCH', body: { dailyQuota: 7 } });
    expect(answer).toMatchObject({ status: 200, body: { dryRun: true, totalQuota: 14 } });
    expect((await call(url)).body).toMatchObject({ dailyQuota: 40, version: 1 });
  });

  it('answers a dry run with the 4xx the real call would give, and refuses a bad dryRun flag', async () => {
    expect((await call(`${api}/v1/admin/campaigns?dryRun=true`, { body: springForward })).body).toMatchObject({
      code: 'CAMPAIGN_EXISTS',
    });
    const unknown = await call(`${api}/v1/admin/campaigns?dryRun=true`, {
      body: { ...springForward, campaignId: 'other', vendorId: 'nobody' },
    });
    expect(unknown.status).toBe(422);
    const bad = await call(`${api}/v1/admin/campaigns?dryRun=yes`, { body: { ...springForward, campaignId: 'x' } });
    expect(bad.status).toBe(400);
    expect(String(bad.body.message)).toMatch(/dryRun/);
    expect((await call(`${api}/v1/admin/campaigns/x`)).status).toBe(404);
  });

  describe('pre-warming', () => {
    type Prewarm = {
      schedules: LocalScheduleDefinition[];
      firings: LocalFiring[];
      provisioned: ProvisionedChange[];
    };
    const prewarmState = async () => (await call(`${api}/_local/prewarm`)).body as unknown as Prewarm;
    const issueStats = async () => {
      const { functions } = (await call(`${api}/_local/stats`)).body as {
        functions: Record<string, { coldStarts: number; provisionedStarts: number; invocations: number }>;
      };
      const id = Object.keys(functions).find((k) => k.includes('IssueCouponFunction')) as string;
      return functions[id] as { coldStarts: number; provisionedStarts: number; invocations: number };
    };
    /** Polls `probe` every second until it returns a value, for at most `ms`. */
    const eventually = async <T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> => {
      const deadline = Date.now() + ms;
      for (;;) {
        const value = await probe();
        if (value !== undefined) return value;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 1000));
      }
    };
    const sleepUntil = (iso: string) => new Promise((r) => setTimeout(r, Math.max(0, Date.parse(iso) - Date.now())));

    it('raises the sum of overlapping campaigns before the window, starts warm, drops a closed share, lowers after', async () => {
      // A window two minutes long opening about three minutes from now, lead one minute, in a zone where it is
      // midday (no date change while the test runs).
      const zone = middayZone();
      const now = DateTime.now().setZone(zone);
      const opens = now.plus({ minutes: 3 }).startOf('minute');
      const closes = opens.plus({ minutes: 2 });
      const base = {
        vendorId: TEST_VENDOR.vendorId,
        timezone: zone,
        startDate: opens.toISODate(),
        endDate: opens.toISODate(),
        dailyWindow: { open: opens.toFormat('HH:mm'), close: closes.toFormat('HH:mm') },
        dailyQuota: 10,
        perUserDailyLimit: 1,
        couponValidityDays: 1,
        discount: { type: 'PERCENT', value: 10 },
      };
      const first = { ...base, campaignId: 'warm-a', name: 'Warm A', prewarm: { concurrency: 3, leadMinutes: 1 } };
      const second = { ...base, campaignId: 'warm-b', name: 'Warm B', prewarm: { concurrency: 2, leadMinutes: 1 } };

      // Prepare: the dry run's schedule, then the campaigns and their schedules.
      const dry = await call(`${api}/v1/admin/campaigns?dryRun=true`, { body: first });
      expect(dry.status).toBe(200);
      const planned = (dry.body.prewarm as { days: { raiseAt: string; lowerAt: string }[] }).days;
      expect(planned).toEqual([
        { issueDate: base.startDate, raiseAt: expect.any(String), lowerAt: expect.any(String) },
      ]);
      const { raiseAt, lowerAt } = planned[0] as { raiseAt: string; lowerAt: string };
      expect(Date.parse(raiseAt)).toBe(opens.minus({ minutes: 1 }).toMillis());
      expect(Date.parse(lowerAt)).toBe(closes.toMillis());
      for (const campaign of [first, second]) {
        expect((await call(`${api}/v1/admin/campaigns`, { body: campaign })).status).toBe(201);
      }
      const held = (await prewarmState()).schedules.filter((s) => s.name.startsWith('warm-a.'));
      expect(held.map((s) => [s.name, s.expression, s.timezone]).sort()).toEqual([
        ['warm-a.lower', `cron(${closes.minute} ${closes.hour} * * ? *)`, zone],
        [
          'warm-a.raise',
          `cron(${opens.minus({ minutes: 1 }).minute} ${opens.minus({ minutes: 1 }).hour} * * ? *)`,
          zone,
        ],
      ]);
      expect(await issueStats()).toMatchObject({ coldStarts: 0, provisionedStarts: 0 });

      // The raise fires at the dry run's instant and the alias holds both shares: 3 + 2 environments, initialized.
      const raised = await eventually('the raise', 240_000, async () => {
        const state = await prewarmState();
        const firing = state.firings.find((f) => f.name === 'warm-a.raise');
        return firing && state.provisioned.at(-1)?.executions === 5 ? { state, firing } : undefined;
      });
      expect(raised.firing.outcome).toBe('invoked');
      expect(Math.abs(Date.parse(raised.firing.firedAt) - Date.parse(raiseAt))).toBeLessThan(30_000);
      expect(raised.state.provisioned.at(-1)).toMatchObject({ qualifier: 'live', executions: 5 });
      await eventually('five initialized environments', 60_000, async () =>
        (await issueStats()).provisionedStarts === 5 ? true : undefined,
      );
      // Each warmed up at its INIT (src/functions/domain/admission/warm-up.ts): both campaigns cached, no step failed.
      const warmUps = await eventually('five warm-ups logged', 60_000, async () => {
        const logFile = readdirSync(cloud.logDir).find((f) => /IssueCouponFunction.*\.log$/.test(f));
        const lines = logFile ? readFileSync(path.join(cloud.logDir, logFile), 'utf8').split('\n') : [];
        const done = lines
          .filter((l) => l.includes('provisioned INIT warm-up done'))
          .map((l) => JSON.parse(l) as { campaignIds: string[]; failed: string[]; timedOut: boolean });
        return done.length >= 5 ? done : undefined;
      });
      for (const warmUp of warmUps) {
        expect(warmUp).toMatchObject({
          campaignIds: expect.arrayContaining(['warm-a', 'warm-b']),
          failed: [],
          timedOut: false,
        });
      }

      // The drop opens on warm environments: no invocation pays a cold start.
      await sleepUntil(opens.toISO() as string);
      const answers = await Promise.all(
        ['u1', 'u2', 'u3', 'u4', 'u5'].map((u) => call(`${api}/v1/campaigns/warm-a/issue`, { body: {}, as: u })),
      );
      expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202, 202]);
      expect(await issueStats()).toMatchObject({ coldStarts: 0, provisionedStarts: 5 });

      // Closing one campaign takes its share off within a minute and leaves the other's.
      expect((await call(`${api}/v1/admin/campaigns/warm-b/close`, { body: {} })).status).toBe(200);
      const afterClose = await eventually('the close recompute', 120_000, async () => {
        const state = await prewarmState();
        return state.firings.some((f) => f.name === 'warm-b.close') ? state : undefined;
      });
      expect(afterClose.provisioned.at(-1)?.executions).toBe(3);
      expect(afterClose.schedules.map((s) => s.name).filter((n) => n.startsWith('warm-b'))).toEqual([]);

      // The lower fires when the window closes: nothing provisioned any more.
      const lowered = await eventually('the lower', 240_000, async () => {
        const state = await prewarmState();
        const firing = state.firings.find((f) => f.name === 'warm-a.lower');
        return firing ? { state, firing } : undefined;
      });
      expect(Math.abs(Date.parse(lowered.firing.firedAt) - Date.parse(lowerAt))).toBeLessThan(30_000);
      expect(lowered.state.provisioned.at(-1)?.executions).toBe(0);
    });
  });
});
