import {
  type AdmissionMessage,
  couponIdOf,
  MessageRejectedError,
} from '../../../../src/functions/domain/admission/admission';
import type { Campaign } from '../../../../src/functions/domain/campaign/campaign';
import type { FailedEventStatus } from '../../../../src/functions/domain/failed-events/failed-event';
import { reconcilableDays, reconcile } from '../../../../src/functions/domain/failed-events/reconcile';
import { MemoryAdmissions } from '../../../support/fakes';
import { springSaleDefinition } from '../../../support/fixtures';

const campaign: Campaign = {
  ...springSaleDefinition,
  campaignId: 'c1',
  name: 'C1',
  dailyQuota: 5,
  createdAt: '2026-04-01T00:00:00Z',
};
const NOW = new Date('2026-05-01T04:30:00Z'); // 13:30 in Seoul, issue day 2026-05-01
const day = { campaignId: 'c1', issueDate: '2026-05-01' };
const MINUTE = 60_000;

async function setup(admitted: { userId: string; minutesAgo: number }[]) {
  const admissions = new MemoryAdmissions();
  for (const [i, a] of admitted.entries()) {
    await admissions.admit({
      day,
      userId: a.userId,
      requestId: `r${i}`,
      quota: campaign.dailyQuota,
      admittedAt: new Date(NOW.getTime() - a.minutesAgo * MINUTE).toISOString(),
      expiresAt: 0,
    });
  }
  const coupons = new Set<string>();
  const failures = new Map<string, FailedEventStatus>();
  const sent: AdmissionMessage[] = [];
  const calls = { existing: 0 };
  const issueQueue = { depth: 0 };
  const queue = {
    failFor: new Set<string>(),
    send: async (m: AdmissionMessage) => {
      if (queue.failFor.has(m.userId)) throw new MessageRejectedError('SQS 500');
      sent.push(m);
    },
  };
  const deps = {
    campaigns: { list: async () => [campaign] },
    admissions,
    coupons: {
      existing: async (ids: readonly string[]) => {
        calls.existing++;
        return new Set(ids.filter((id) => coupons.has(id)));
      },
      persistedCount: async () => coupons.size,
    },
    failures: {
      statuses: async (ids: readonly string[]) =>
        new Map(ids.flatMap((id) => (failures.has(id) ? [[id, failures.get(id) as FailedEventStatus] as const] : []))),
    },
    queue,
    queueDepth: async () => issueQueue.depth,
    maxMessageAgeMs: 15 * MINUTE,
    clock: () => NOW,
    log: { warn: () => undefined, error: () => undefined },
    graceMs: 5 * MINUTE,
    lookbackMs: 24 * 60 * MINUTE,
  };
  const idOf = (userId: string) => couponIdOf('c1', '2026-05-01', userId);
  return { deps, coupons, failures, sent, calls, queue, idOf, issueQueue };
}

describe('domain: reconcile', () => {
  it('re-enqueues exactly the admitted users past the grace period with no coupon and no failure record', async () => {
    const { deps, coupons, failures, sent, idOf } = await setup([
      { userId: 'persisted', minutesAgo: 30 },
      { userId: 'lost', minutesAgo: 30 },
      { userId: 'young', minutesAgo: 1 },
      { userId: 'parked', minutesAgo: 30 },
      { userId: 'retrying', minutesAgo: 30 },
    ]);
    coupons.add(idOf('persisted'));
    failures.set(idOf('parked'), 'PARKED');
    failures.set(idOf('retrying'), 'RETRYING');

    const [report] = await reconcile(deps);

    expect(sent).toEqual([
      {
        campaignId: 'c1',
        issueDate: '2026-05-01',
        userId: 'lost',
        rank: 2,
        admittedAt: new Date(NOW.getTime() - 30 * MINUTE).toISOString(),
        couponId: idOf('lost'),
      },
    ]);
    expect(report).toMatchObject({
      ...day,
      quota: 5,
      admitted: 5,
      persisted: 1,
      persistedCount: 1,
      parked: 1,
      retrying: 1,
      pending: 1,
      reconciled: 1,
      reconcileFailures: 0,
      violations: [],
    });
  });

  it('while the issue queue holds messages, leaves alone users whose message could still be in it', async () => {
    const { deps, sent, issueQueue } = await setup([
      { userId: 'recent', minutesAgo: 10 },
      { userId: 'old', minutesAgo: 20 },
    ]);
    issueQueue.depth = 7;
    const [report] = await reconcile(deps);
    // 10 minutes is past the grace period (5) but within the longest a message can stay queued (15).
    expect(sent.map((m) => m.userId)).toEqual(['old']);
    expect(report).toMatchObject({ pending: 1, reconciled: 1 });
  });

  it('reads only pending admissions: one a coupon writer claimed is left to the queue and its dead-letter queue', async () => {
    const { deps, sent } = await setup([
      { userId: 'claimed', minutesAgo: 30 },
      { userId: 'lost', minutesAgo: 30 },
    ]);
    await deps.admissions.claim(day, [{ userId: 'claimed', rank: 1 }]);
    const [report] = await reconcile(deps);
    expect(sent.map((m) => m.userId)).toEqual(['lost']);
    expect(report).toMatchObject({ admitted: 2, persisted: 0, reconciled: 1, pending: 1 });
  });

  it('during a long drain re-enqueues a pending admission once per longest message age, not on every run', async () => {
    const { deps, sent, issueQueue } = await setup([{ userId: 'waiting', minutesAgo: 20 }]);
    issueQueue.depth = 5_000;
    const at = (minutesLater: number) => ({ ...deps, clock: () => new Date(NOW.getTime() + minutesLater * MINUTE) });
    await reconcile(at(0));
    for (let minute = 1; minute < 15; minute++) await reconcile(at(minute));
    expect(sent).toHaveLength(1);
    await reconcile(at(15));
    expect(sent).toHaveLength(2);
  });

  it('reads at most pageSize pending admissions a day per run, oldest first; the rest go in the next run', async () => {
    const { deps, sent } = await setup([
      { userId: 'a', minutesAgo: 40 },
      { userId: 'b', minutesAgo: 30 },
      { userId: 'c', minutesAgo: 50 },
    ]);
    await reconcile({ ...deps, pageSize: 2 });
    expect(sent.map((m) => m.userId)).toEqual(['c', 'a']);
    await reconcile({ ...deps, pageSize: 2 });
    expect(sent.map((m) => m.userId)).toEqual(['c', 'a', 'b']);
  });

  it('reads only the two counts when the persisted count equals the admitted count', async () => {
    const { deps, coupons, calls, sent, idOf } = await setup([{ userId: 'a', minutesAgo: 30 }]);
    coupons.add(idOf('a'));
    const [report] = await reconcile(deps);
    const callsBefore = deps.admissions.calls;
    await reconcile(deps);
    expect(deps.admissions.calls).toBe(callsBefore);
    expect(calls.existing).toBe(0);
    expect(sent).toEqual([]);
    expect(report).toMatchObject({ admitted: 1, persisted: 1, reconciled: 0 });
  });

  it('counts a failed re-enqueue and carries on with the others', async () => {
    const { deps, queue, sent } = await setup([
      { userId: 'a', minutesAgo: 30 },
      { userId: 'b', minutesAgo: 30 },
    ]);
    queue.failFor.add('a');
    const [report] = await reconcile(deps);
    expect(sent.map((m) => m.userId)).toEqual(['b']);
    expect(report).toMatchObject({ reconciled: 1, reconcileFailures: 1 });
  });

  it('flags coupons without an admission and admissions over the quota', async () => {
    const { deps, coupons } = await setup([{ userId: 'a', minutesAgo: 30 }]);
    coupons.add('ghost-1').add('ghost-2');
    const [report] = await reconcile({ ...deps, campaigns: { list: async () => [{ ...campaign, dailyQuota: 0 }] } });
    expect(report?.violations).toEqual(['ADMITTED_OVER_QUOTA', 'PERSISTED_OVER_ADMITTED']);
  });
});

describe('domain: reconcilableDays', () => {
  const c = { ...campaign, timezone: 'America/New_York', startDate: '2026-03-08', endDate: '2026-03-10' };
  it("checks today's and yesterday's issue day in the campaign's zone, within the event period", () => {
    expect(reconcilableDays(c, new Date('2026-03-09T12:00:00Z'), 86_400_000)).toEqual(['2026-03-08', '2026-03-09']);
    // 03:30Z on the 8th is still the 7th in New York: before the period, nothing; a day later only the 8th.
    expect(reconcilableDays(c, new Date('2026-03-08T03:30:00Z'), 86_400_000)).toEqual([]);
    expect(reconcilableDays(c, new Date('2026-03-09T03:30:00Z'), 86_400_000)).toEqual(['2026-03-08']);
    // The day after the period ends, the last day is still reconciled once more.
    expect(reconcilableDays(c, new Date('2026-03-11T12:00:00Z'), 86_400_000)).toEqual(['2026-03-10']);
  });
});
