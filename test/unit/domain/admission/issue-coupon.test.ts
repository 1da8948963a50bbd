import type { AdmissionMessage } from '../../../../src/functions/domain/admission/admission';
import { couponIdOf, MessageRejectedError } from '../../../../src/functions/domain/admission/admission';
import { issueCoupon } from '../../../../src/functions/domain/admission/issue-coupon';
import type { AdmitOutcome, AdmitRequest } from '../../../../src/functions/domain/admission/ports';
import { SoldOutCache, type SoldOutCacheOptions } from '../../../../src/functions/domain/admission/sold-out-cache';
import { admissionExpiresAt, type Campaign } from '../../../../src/functions/domain/campaign/campaign';
import {
  AdmissionUnsettledError,
  AlreadyIssuedError,
  NotOpenError,
  SoldOutError,
  UnavailableError,
} from '../../../../src/functions/domain/kernel/errors';
import { MemoryAdmissions } from '../../../support/fakes';
import { springSaleDefinition } from '../../../support/fixtures';

const campaign: Campaign = {
  ...springSaleDefinition,
  campaignId: 'c1',
  name: 'C1',
  dailyQuota: 2,
  createdAt: '2026-04-01T00:00:00Z',
};

function setup(now = '2026-05-01T04:30:00Z', soldOutOptions: SoldOutCacheOptions = {}) {
  const admissions = new MemoryAdmissions();
  const sent: AdmissionMessage[] = [];
  const queue = {
    fail: false as false | 'rejected' | 'unknown' | 'stored-then-rejected',
    send: async (m: AdmissionMessage) => {
      if (queue.fail === 'stored-then-rejected') {
        // A copy was stored and consumed (claimed) before the last attempt's error reached the sender.
        sent.push(m);
        await admissions.claim(m, [m]);
      }
      if (queue.fail === 'rejected' || queue.fail === 'stored-then-rejected')
        throw new MessageRejectedError('SQS answered 500');
      if (queue.fail === 'unknown') throw Object.assign(new Error('socket timeout'), { name: 'TimeoutError' });
      sent.push(m);
    },
  };
  const clock = () => new Date(now);
  const warnings: string[] = [];
  const deps = {
    campaigns: {
      get: async (id: string) => (id === 'c1' ? campaign : undefined),
    },
    admissions,
    queue,
    soldOut: new SoldOutCache(clock, soldOutOptions),
    clock,
    log: { warn: (message: string) => void warnings.push(message), error: () => undefined },
    admissionRetentionDays: 7,
  };
  const issue = (userId: string, requestId = `req-${userId}-${Math.random()}`) =>
    issueCoupon(deps, { campaignId: 'c1', userId, requestId });
  return { admissions, sent, queue, issue, warnings };
}

describe('domain: issueCoupon', () => {
  it('admits in order, enqueues one message per admission and answers repeats with the existing rank', async () => {
    const { issue, sent } = setup();
    await expect(issue('alice')).resolves.toMatchObject({ rank: 1, issueDate: '2026-05-01' });
    await expect(issue('bob')).resolves.toMatchObject({ rank: 2 });
    await expect(issue('alice')).rejects.toMatchObject({ code: 'ALREADY_ISSUED', rank: 1 });
    expect(sent.map((m) => [m.userId, m.rank])).toEqual([
      ['alice', 1],
      ['bob', 2],
    ]);
  });

  it('answers the same request retried after a lost response as admitted, not as a repeat', async () => {
    const { issue } = setup();
    const first = await issue('alice', 'req-1');
    await expect(issue('alice', 'req-1')).resolves.toEqual(first);
  });

  it('releases the admission and answers 503 when the queue rejects the message, so the slot goes to someone else', async () => {
    const { issue, queue, admissions, sent } = setup();
    queue.fail = 'rejected';
    await expect(issue('alice')).rejects.toBeInstanceOf(UnavailableError);
    expect(admissions.users.size).toBe(0);
    queue.fail = false;
    await issue('bob');
    await issue('carol');
    expect(sent.map((m) => m.userId)).toEqual(['bob', 'carol']);
  });

  it('keeps the admission and answers admitted when a rejected send had a stored copy that was claimed first', async () => {
    const { issue, queue, admissions, sent } = setup();
    queue.fail = 'stored-then-rejected';
    await expect(issue('alice')).resolves.toMatchObject({ rank: 1 });
    expect(admissions.users.get('alice')?.rank).toBe(1);
    queue.fail = false;
    await issue('bob');
    // alice's unit was not freed: the quota (2) is used up by alice and bob.
    await expect(issue('carol')).rejects.toBeInstanceOf(SoldOutError);
    expect(sent.map((m) => m.userId)).toEqual(['alice', 'bob']);
  });

  it('tries an unanswered release again: the answered attempt settles it, even when an earlier one landed', async () => {
    const { issue, queue, admissions } = setup();
    queue.fail = 'rejected';
    const release = admissions.release.bind(admissions);
    let calls = 0;
    admissions.release = async (...args) => {
      calls++;
      if (calls === 1) {
        await release(...args); // applied, and its answer lost
        throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      }
      return release(...args);
    };
    await expect(issue('alice')).rejects.toBeInstanceOf(UnavailableError);
    expect(calls).toBe(2);
    expect(admissions.users.size).toBe(0);
  });

  it('answers outcome unknown when no release after a rejected send is answered (never a 503 that says "not admitted")', async () => {
    // Told a plain 503, the user might hold a unit all the same (reconciliation re-enqueues every ledger entry).
    const { issue, queue, admissions, sent } = setup();
    queue.fail = 'rejected';
    admissions.release = async () => {
      throw Object.assign(new Error('DynamoDB unreachable'), { name: 'TimeoutError' });
    };
    await expect(issue('alice')).rejects.toBeInstanceOf(AdmissionUnsettledError);
    expect(admissions.users.get('alice')?.rank).toBe(1);
    expect(sent).toEqual([]);
  });

  it('keeps the admission when the send outcome is unknown (a timeout), so a message SQS did take never oversells', async () => {
    const { issue, queue, admissions, sent } = setup();
    queue.fail = 'unknown';
    await expect(issue('alice')).resolves.toMatchObject({ rank: 1 });
    expect(admissions.users.get('alice')?.rank).toBe(1);
    queue.fail = false;
    await issue('bob');
    // The quota (2) is used up by alice (left to reconciliation) and bob: nobody else gets alice's unit.
    await expect(issue('carol')).rejects.toBeInstanceOf(SoldOutError);
    expect(sent.map((m) => m.userId)).toEqual(['bob']);
  });

  it('answers from the winners held in memory once a small day sold out: no backend call, repeats of winners get their rank', async () => {
    const { issue, admissions } = setup();
    await issue('alice');
    await issue('bob');
    await expect(issue('carol')).rejects.toBeInstanceOf(SoldOutError);
    const callsAfterSoldOut = admissions.calls;
    const readsAfterSoldOut = admissions.rankReads;
    await expect(issue('dave')).rejects.toBeInstanceOf(SoldOutError);
    const repeat = issue('bob');
    await expect(repeat).rejects.toBeInstanceOf(AlreadyIssuedError);
    await expect(repeat).rejects.toMatchObject({ rank: 2 });
    expect(admissions.calls).toBe(callsAfterSoldOut);
    expect(admissions.rankReads).toBe(readsAfterSoldOut);
  });

  it('answers from the sold-out flag once a day above the snapshot quota sold out: one point read each, repeats of winners get their rank, no admission', async () => {
    const { issue, admissions } = setup(undefined, { snapshotMaxQuota: 0 });
    await issue('alice');
    await issue('bob');
    await expect(issue('carol')).rejects.toBeInstanceOf(SoldOutError);
    const callsAfterSoldOut = admissions.calls;
    const readsAfterSoldOut = admissions.rankReads;
    await expect(issue('dave')).rejects.toBeInstanceOf(SoldOutError);
    const repeat = issue('bob');
    await expect(repeat).rejects.toBeInstanceOf(AlreadyIssuedError);
    await expect(repeat).rejects.toMatchObject({ rank: 2 });
    expect(admissions.calls).toBe(callsAfterSoldOut);
    expect(admissions.rankReads - readsAfterSoldOut).toBe(2);
  });

  it.each([
    ['with its winners (quota within the snapshot limit)', {}],
    ['as a flag (quota above the snapshot limit)', { snapshotMaxQuota: 0 }],
  ])(
    'does not cache a sold-out day %s whose count is below the quota (a unit came back), so the next request is admitted',
    async (_how, options) => {
      const { issue, admissions } = setup(undefined, options);
      await issue('alice');
      await issue('bob');
      admissions.admittedCount = async () => 1;
      admissions.admittedUsers = async () => new Map([['alice', 1]]);
      await expect(issue('carol')).rejects.toBeInstanceOf(SoldOutError);
      await admissions.release({ campaignId: 'c1', issueDate: '2026-05-01' }, 'bob', 2);
      await expect(issue('dave')).resolves.toMatchObject({ rank: 3 });
    },
  );

  it.each([
    ['winners', {}],
    ['admitted count', { snapshotMaxQuota: 0 }],
  ])('caches nothing and logs when the read of the %s fails after SOLD_OUT', async (_read, options) => {
    const { issue, admissions, warnings } = setup(undefined, options);
    await issue('alice');
    await issue('bob');
    const unavailable = async () => {
      throw new Error('backend unavailable');
    };
    admissions.admittedCount = unavailable;
    admissions.admittedUsers = unavailable;
    await expect(issue('carol')).rejects.toBeInstanceOf(SoldOutError);
    expect(warnings).toHaveLength(1);
    const callsBefore = admissions.calls;
    await expect(issue('dave')).rejects.toBeInstanceOf(SoldOutError);
    // Not answered from the cache: dave's request went to admission.
    expect(admissions.calls).toBeGreaterThan(callsBefore);
  });

  it('rejects outside the daily window without touching the backend', async () => {
    const { issue, admissions } = setup('2026-05-01T06:00:00Z');
    await expect(issue('alice')).rejects.toBeInstanceOf(NotOpenError);
    expect(admissions.calls).toBe(0);
  });

  it.each([
    ['before the period', '2026-04-30T00:00:00Z', '2026-05-01T04:00:00.000Z'],
    ["before today's window", '2026-05-01T02:00:00Z', '2026-05-01T04:00:00.000Z'],
    ["after today's window", '2026-05-01T06:00:00Z', '2026-05-02T04:00:00.000Z'],
  ])('answers 409 NOT_OPEN %s, with the next opening instant', async (_when, now, opensAt) => {
    // Prepare: Asia/Seoul (UTC+9), window 13:00-15:00 local, 2026-05-01..05.
    const { issue } = setup(now);
    // Act
    const refused = issue('alice');
    // Assess
    await expect(refused).rejects.toMatchObject({ code: 'NOT_OPEN', statusCode: 409, details: { opensAt } });
  });

  it.each([
    ['after the period', '2026-05-06T00:00:00Z'],
    ["after the last day's window", '2026-05-05T06:00:00Z'],
  ])('answers 409 ENDED %s, without touching the backend', async (_when, now) => {
    const { issue, admissions } = setup(now);
    await expect(issue('alice')).rejects.toMatchObject({ code: 'ENDED', statusCode: 409, details: {} });
    expect(admissions.calls).toBe(0);
  });

  it('asks the store for the campaign limit when the campaign sets it, and names the day held in the 409', async () => {
    // Prepare: a store that holds alice on April 30 for the whole campaign.
    const requests: AdmitRequest[] = [];
    const store = new (class extends MemoryAdmissions {
      override async admit(r: AdmitRequest): Promise<AdmitOutcome> {
        requests.push(r);
        return r.userId === 'alice' ? { kind: 'ALREADY_ADMITTED', rank: 3, issueDate: '2026-04-30' } : super.admit(r);
      }
    })();
    const limited: Campaign = { ...campaign, perUserCampaignLimit: 1 };
    const deps = {
      campaigns: { get: async () => limited },
      admissions: store,
      queue: { send: async () => undefined },
      soldOut: new SoldOutCache(() => new Date('2026-05-01T04:30:00Z')),
      clock: () => new Date('2026-05-01T04:30:00Z'),
      log: { warn: () => undefined, error: () => undefined },
      admissionRetentionDays: 7,
    };
    // Act
    const refused = issueCoupon(deps, { campaignId: 'c1', userId: 'alice', requestId: 'r1' });
    // Assess
    await expect(refused).rejects.toMatchObject({
      code: 'ALREADY_ISSUED',
      statusCode: 409,
      details: {
        rank: 3,
        issueDate: '2026-04-30',
        couponId: couponIdOf('c1', '2026-04-30', 'alice'),
        limit: 'perUserCampaignLimit',
      },
      message: expect.stringContaining('one coupon per user for the whole campaign'),
    });
    await expect(issueCoupon(deps, { campaignId: 'c1', userId: 'bob', requestId: 'r2' })).resolves.toMatchObject({
      rank: 1,
    });
    // The campaign marker is kept as long as the last issue day's admission state.
    const campaignLimit = { expiresAt: admissionExpiresAt(limited, limited.endDate, 7) };
    expect(requests.map((r) => r.campaignLimit)).toEqual([campaignLimit, campaignLimit]);
  });

  it('asks for no campaign limit without perUserCampaignLimit, and says the daily limit in a repeat', async () => {
    const { issue, admissions } = setup();
    const admit = jest.spyOn(admissions, 'admit');
    await issue('alice');
    await expect(issue('alice')).rejects.toMatchObject({ details: { limit: 'perUserDailyLimit' } });
    expect(admit.mock.calls.map(([r]) => r.campaignLimit)).toEqual([undefined, undefined]);
  });

  it('answers CAMPAIGN_NOT_FOUND for an unknown campaign', async () => {
    const { admissions } = setup();
    const deps = setup();
    await expect(
      issueCoupon(
        {
          campaigns: { get: async () => undefined },
          admissions,
          queue: deps.queue,
          soldOut: new SoldOutCache(() => new Date()),
          clock: () => new Date(),
          log: { warn: () => undefined, error: () => undefined },
          admissionRetentionDays: 7,
        },
        { campaignId: 'nope', userId: 'u', requestId: 'r' },
      ),
    ).rejects.toMatchObject({ code: 'CAMPAIGN_NOT_FOUND', statusCode: 404 });
  });
});
