import type { Campaign } from '../../../../src/functions/domain/campaign/campaign';
import {
  closeCampaign,
  createCampaign,
  updateCampaign,
} from '../../../../src/functions/domain/campaign/campaign-admin';
import { applyPrewarm } from '../../../../src/functions/domain/drop-plan/apply-prewarm';
import type { PrewarmScheduler } from '../../../../src/functions/domain/drop-plan/ports';
import {
  type PrewarmSchedule,
  prewarmDemand,
  prewarmSchedules,
  recomputeSoon,
  scheduleName,
} from '../../../../src/functions/domain/drop-plan/prewarm';
import { springSaleDefinition } from '../../../support/fixtures';

/** Seoul, May 1-5, 13:00-15:00 (04:00-06:00 UTC), 10 environments from 12:45. */
const warm: Campaign = {
  ...springSaleDefinition,
  prewarm: { concurrency: 10, leadMinutes: 15 },
  createdAt: '2026-04-01T00:00:00Z',
  version: 1,
};
const at = (iso: string) => new Date(iso);

describe('domain: pre-warming', () => {
  it('holds a campaign share from leadMinutes before its window opens until it closes', () => {
    expect(prewarmDemand([warm], at('2026-05-01T03:30:00Z')).total).toBe(0);
    expect(prewarmDemand([warm], at('2026-05-01T03:45:00Z')).total).toBe(10);
    expect(prewarmDemand([warm], at('2026-05-01T05:59:59Z')).shares).toEqual([
      { campaignId: 'spring-sale', issueDate: '2026-05-01', concurrency: 10 },
    ]);
    expect(prewarmDemand([warm], at('2026-05-01T06:00:00Z')).total).toBe(0);
    // Outside the period, and once closed, nothing.
    expect(prewarmDemand([warm], at('2026-05-06T04:30:00Z')).total).toBe(0);
    expect(prewarmDemand([{ ...warm, closedAt: '2026-05-01T00:00:00Z' }], at('2026-05-01T04:30:00Z')).total).toBe(0);
  });

  it('adds up overlapping campaigns, and one ending leaves the other share', () => {
    const later = {
      ...warm,
      campaignId: 'later',
      dailyWindow: { open: '14:00', close: '16:00' },
      prewarm: { leadMinutes: 30 },
      expectedPeakRps: 1000,
    };
    expect(prewarmDemand([warm, later], at('2026-05-01T04:45:00Z')).total).toBe(30);
    expect(prewarmDemand([warm, later], at('2026-05-01T06:30:00Z')).total).toBe(20);
  });

  it('counts a raise that crosses midnight into the window of the next local day', () => {
    const midnight = {
      ...warm,
      dailyWindow: { open: '00:10', close: '01:00' },
      prewarm: { concurrency: 4, leadMinutes: 30 },
    };
    // 23:45 on April 30 in Seoul: the May 1 window opens at 00:10.
    expect(prewarmDemand([midnight], at('2026-04-30T14:45:00Z')).shares).toEqual([
      { campaignId: 'spring-sale', issueDate: '2026-05-01', concurrency: 4 },
    ]);
  });

  it('schedules a daily raise and lower in the campaign time zone over the event period', () => {
    expect(prewarmSchedules(warm)).toEqual([
      {
        name: 'spring-sale.raise',
        action: 'raise',
        campaignId: 'spring-sale',
        expression: 'cron(45 12 * * ? *)',
        timezone: 'Asia/Seoul',
        startDate: '2026-05-01T03:44:00Z',
        endDate: '2026-05-05T06:00:00Z',
      },
      {
        name: 'spring-sale.lower',
        action: 'lower',
        campaignId: 'spring-sale',
        expression: 'cron(0 15 * * ? *)',
        timezone: 'Asia/Seoul',
        startDate: '2026-05-01T04:00:00Z',
        endDate: '2026-05-05T06:01:00Z',
      },
    ]);
    expect(prewarmSchedules({ ...warm, prewarm: undefined })).toEqual([]);
  });

  it('starts no schedule in the past, recomputes at once inside a lead window, and schedules nothing after the period', () => {
    // 12:50 in Seoul on May 3: inside the raise of that day's 13:00 window.
    const inLead = prewarmSchedules(warm, at('2026-05-03T03:50:00Z'));
    expect(inLead.map((s) => [s.name, s.expression, s.startDate])).toEqual([
      ['spring-sale.raise', 'cron(45 12 * * ? *)', '2026-05-03T03:50:00Z'],
      ['spring-sale.lower', 'cron(0 15 * * ? *)', '2026-05-03T03:50:00Z'],
      ['spring-sale.now', 'at(2026-05-03T03:51:00)', undefined],
    ]);
    expect(prewarmSchedules(warm, at('2026-05-05T06:00:00Z'))).toEqual([]);
    // Four minutes before the raise: the raise schedule will fire, no one-time recompute.
    expect(prewarmSchedules(warm, at('2026-05-03T03:41:00Z')).map((s) => s.name)).toEqual([
      'spring-sale.raise',
      'spring-sale.lower',
    ]);
  });

  it('names schedules within Scheduler limits, distinct per campaign', () => {
    const long = 'x'.repeat(64);
    expect(scheduleName(long, 'raise')).toHaveLength(64);
    expect(scheduleName(long, 'raise')).not.toBe(scheduleName(`${'x'.repeat(63)}y`, 'raise'));
    expect(scheduleName(long, 'raise')).toMatch(/^[0-9a-zA-Z_.-]+\.raise$/);
    expect(recomputeSoon('c', at('2026-05-01T04:30:10Z')).expression).toBe('at(2026-05-01T04:31:10)');
  });

  it('applies the sum to the alias, 0 when no window is near', async () => {
    const set = jest.fn(async (_n: number) => undefined);
    const campaigns = { list: async () => [warm] };
    await applyPrewarm({ campaigns, provisioned: { set }, clock: () => at('2026-05-01T04:00:00Z') });
    await applyPrewarm({ campaigns, provisioned: { set }, clock: () => at('2026-05-01T07:00:00Z') });
    expect(set.mock.calls).toEqual([[10], [0]]);
  });
});

describe('domain: campaign admin writes pre-warm schedules', () => {
  const recorder = () => {
    const calls: string[] = [];
    const schedules: PrewarmScheduler = {
      put: async (s: readonly PrewarmSchedule[]) => void calls.push(`put ${s.map((x) => x.name).join(',')}`),
      remove: async (names: readonly string[]) => void calls.push(`remove ${names.join(',')}`),
    };
    return { calls, schedules };
  };
  const stored = new Map<string, Campaign>();
  const campaigns = {
    get: async (id: string) => stored.get(id),
    create: async (c: Campaign) => void stored.set(c.campaignId, c),
    replace: async (c: Campaign) => void stored.set(c.campaignId, c),
    close: async (id: string, closedAt: string) => {
      const c = { ...(stored.get(id) as Campaign), closedAt };
      stored.set(id, c);
      return c;
    },
    list: async () => [...stored.values()],
    page: async () => ({ items: [] }),
  };
  const vendors = { get: async () => ({ vendorId: 'acme', name: 'Acme', currency: 'KRW' }) as never };

  it('creates them with the campaign, replaces or removes them on update, removes them on close', async () => {
    const { calls, schedules } = recorder();
    const clock = () => at('2026-04-01T00:00:00Z');
    const { createdAt, version, ...definition } = warm;
    await createCampaign({ campaigns, vendors, clock, schedules }, definition);
    await updateCampaign({ campaigns, vendors, clock, schedules }, 'spring-sale', { dailyQuota: 5 });
    await updateCampaign({ campaigns, vendors, clock, schedules }, 'spring-sale', { prewarm: null });
    expect(stored.get('spring-sale')?.prewarm).toBeUndefined();
    expect(calls).toEqual([
      'put spring-sale.raise,spring-sale.lower',
      'put spring-sale.raise,spring-sale.lower',
      'remove spring-sale.raise,spring-sale.lower,spring-sale.now',
    ]);
    const admissions = { close: async () => undefined };
    stored.set('spring-sale', warm);
    const during = () => at('2026-05-01T04:30:00Z');
    await closeCampaign({ campaigns, clock: during, schedules, admissions }, 'spring-sale', 7);
    expect(calls.slice(3)).toEqual([
      'remove spring-sale.raise,spring-sale.lower,spring-sale.now',
      'put spring-sale.close',
    ]);
  });

  it('leaves a taken id and a lost update with the schedules of what is stored', async () => {
    const calls: string[] = [];
    const schedules: PrewarmScheduler = {
      put: async (s: readonly PrewarmSchedule[]) => void calls.push(`put ${s.map((x) => x.expression).join(',')}`),
      remove: async (names: readonly string[]) => void calls.push(`remove ${names.join(',')}`),
    };
    const clock = () => at('2026-04-01T00:00:00Z');
    stored.set('spring-sale', warm);
    const { createdAt, version, ...definition } = warm;
    await expect(
      createCampaign(
        { campaigns, vendors, clock, schedules },
        { ...definition, prewarm: { concurrency: 1, leadMinutes: 1 } },
      ),
    ).rejects.toThrow(/already exists/);
    expect(calls).toEqual([]);
    const losing = {
      ...campaigns,
      replace: async () => {
        throw new Error('conflict');
      },
    };
    await expect(
      updateCampaign({ campaigns: losing, vendors, clock, schedules }, 'spring-sale', {
        dailyWindow: { open: '10:00', close: '11:00' },
      }),
    ).rejects.toThrow('conflict');
    // Written for the update, then put back to the stored 13:00 window (raise at 12:45).
    expect(calls).toEqual(['put cron(45 9 * * ? *),cron(0 11 * * ? *)', 'put cron(45 12 * * ? *),cron(0 15 * * ? *)']);
  });
});
