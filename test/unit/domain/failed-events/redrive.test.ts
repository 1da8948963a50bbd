import {
  type AdmissionMessage,
  type CampaignDay,
  couponIdOf,
} from '../../../../src/functions/domain/admission/admission';
import { admissionExpiresAt, type Campaign } from '../../../../src/functions/domain/campaign/campaign';
import { admissionDayOf } from '../../../../src/functions/domain/coupon/admission-message';
import type { FailedEventFilter, FailedEventView } from '../../../../src/functions/domain/failed-events/failed-event';
import type { FailedEventStore } from '../../../../src/functions/domain/failed-events/ports';
import { redriveCampaignDay, redriveFailedEvent } from '../../../../src/functions/domain/failed-events/redrive';
import { FailedEventNotFoundError, NotRedrivableError } from '../../../../src/functions/domain/kernel/errors';
import type { Page, PageRequest } from '../../../../src/functions/domain/kernel/page';
import { springSaleDefinition } from '../../../support/fixtures';

const NOW = new Date('2026-05-01T10:00:00.000Z');
const OPERATOR = 'arn:aws:iam::123456789012:user/ops';

/** Days the ledger keeps a day's admissions after it (ADMISSION_RETENTION_DAYS as src/construct/ sets it). */
const RETENTION_DAYS = 7;
const campaignOf = (campaignId: string): Campaign => ({
  ...springSaleDefinition,
  campaignId,
  createdAt: '2026-04-01T00:00:00Z',
});
/** The instant the ledger of 2026-05-01 may be deleted: 7 days after the day ends in Seoul. */
const KEPT_UNTIL = new Date(admissionExpiresAt(campaignOf('spring'), '2026-05-01', RETENTION_DAYS) * 1000);

const admission = (userId: string, campaignId = 'spring', rank = 1): AdmissionMessage => ({
  campaignId,
  issueDate: '2026-05-01',
  userId,
  rank,
  admittedAt: '2026-05-01T09:00:00.000Z',
  couponId: couponIdOf(campaignId, '2026-05-01', userId),
});

const record = (id: string, body: string, status: FailedEventView['status'] = 'PARKED'): FailedEventView => ({
  failedEventId: id,
  status,
  reason: 'ERROR',
  body,
  lastError: 'InternalServerError: boom',
  attempts: 3,
  firstFailedAt: '2026-05-01T09:01:00.000Z',
  updatedAt: '2026-05-01T09:03:00.000Z',
  ...(admissionDayOf(body) ?? {}),
});

/** The failed-event table in memory, paging two records at a time. */
class MemoryRegistry implements Pick<FailedEventStore, 'page' | 'get' | 'markRedriven'> {
  constructor(readonly records: FailedEventView[]) {}
  async page(filter: FailedEventFilter, page: PageRequest): Promise<Page<FailedEventView>> {
    const start = page.cursor ? Number(page.cursor) : 0;
    const slice = this.records.slice(start, start + 2);
    const items = slice.filter((r) =>
      Object.entries(filter).every(([k, v]) => v === undefined || r[k as keyof FailedEventView] === v),
    );
    return start + 2 < this.records.length ? { items, nextCursor: String(start + 2) } : { items };
  }
  async get(id: string) {
    return this.records.find((r) => r.failedEventId === id);
  }
  async markRedriven(id: string, principal: string, now: Date) {
    const i = this.records.findIndex((r) => r.failedEventId === id);
    const before = this.records[i] as FailedEventView;
    const after: FailedEventView = {
      ...before,
      status: 'REDRIVEN',
      redrivenAt: now.toISOString(),
      redrivenBy: principal,
      redriveCount: (before.redriveCount ?? 0) + 1,
    };
    this.records[i] = after;
    return after;
  }
}

/**
 * The redrive's dependencies in memory. The ledger holds every user at rank 1 (both campaigns, one day) unless
 * `ledger` says otherwise (a rank, or undefined for no entry); `now` is the clock.
 */
function setup(records: FailedEventView[], options: { ledger?: Record<string, number | undefined>; now?: Date } = {}) {
  const sent: AdmissionMessage[] = [];
  const failedEvents = new MemoryRegistry(records);
  const deps = {
    failedEvents,
    queue: { send: async (m: AdmissionMessage) => void sent.push(m) },
    admissions: {
      rankOf: async (_: CampaignDay, userId: string) =>
        options.ledger && userId in options.ledger ? options.ledger[userId] : 1,
    },
    campaigns: { get: async (id: string) => campaignOf(id) },
    admissionRetentionDays: RETENTION_DAYS,
    clock: () => options.now ?? NOW,
  };
  return { deps, sent, failedEvents };
}

describe('domain: redrive', () => {
  it('re-enqueues a parked admission as first sent and records when and by whom', async () => {
    const message = admission('alice');
    const { deps, sent } = setup([record('a', JSON.stringify(message))]);
    const after = await redriveFailedEvent(deps, 'a', OPERATOR);
    expect(sent).toEqual([message]);
    expect(after).toMatchObject({
      status: 'REDRIVEN',
      redrivenBy: OPERATOR,
      redrivenAt: NOW.toISOString(),
      redriveCount: 1,
    });
    expect(after.attempts).toBe(3); // the history stays
  });

  it('refuses a record still being replayed, a body that is no admission, and an unknown id, sending nothing', async () => {
    const { deps, sent } = setup([record('r', JSON.stringify(admission('bob')), 'RETRYING'), record('p', '{"x":1}')]);
    await expect(redriveFailedEvent(deps, 'r', OPERATOR)).rejects.toBeInstanceOf(NotRedrivableError);
    await expect(redriveFailedEvent(deps, 'p', OPERATOR)).rejects.toThrow(/not an admission/);
    await expect(redriveFailedEvent(deps, 'nope', OPERATOR)).rejects.toBeInstanceOf(FailedEventNotFoundError);
    expect(sent).toEqual([]);
  });

  it('leaves the record PARKED when the queue refuses, so a later redrive can try again', async () => {
    const { deps, failedEvents } = setup([record('a', JSON.stringify(admission('alice')))]);
    const failing = { ...deps, queue: { send: async () => Promise.reject(new Error('SQS down')) } };
    await expect(redriveFailedEvent(failing, 'a', OPERATOR)).rejects.toThrow('SQS down');
    expect(failedEvents.records[0]?.status).toBe('PARKED');
  });

  it('redrives every parked admission of a campaign day across pages, skipping what is not an admission', async () => {
    const { deps, sent } = setup([
      record('a', JSON.stringify(admission('alice'))),
      record('o', JSON.stringify(admission('olga', 'other'))),
      record('p', 'not json'),
      record('b', JSON.stringify(admission('bob'))),
      record('c', JSON.stringify(admission('carol')), 'REDRIVEN'),
    ]);
    const result = await redriveCampaignDay(deps, { campaignId: 'spring', issueDate: '2026-05-01' }, OPERATOR);
    expect(result.redriven).toEqual(['a', 'b']);
    expect(sent.map((m) => m.userId)).toEqual(['alice', 'bob']);
    expect(result.skipped).toEqual([]); // the poison record has no campaign day, so the filter never returns it
    const again = await redriveCampaignDay(deps, { campaignId: 'spring', issueDate: '2026-05-01' }, OPERATOR);
    expect(again.redriven).toEqual([]);
  });
  it("refuses with ADMISSION_EXPIRED an admission whose ledger entry went with the day's retention, changing nothing", async () => {
    const { deps, sent, failedEvents } = setup([record('a', JSON.stringify(admission('alice')))], {
      ledger: { alice: undefined },
      now: new Date(KEPT_UNTIL.getTime() + 60_000),
    });
    const refusal = redriveFailedEvent(deps, 'a', OPERATOR);
    await expect(refusal).rejects.toMatchObject({
      code: 'ADMISSION_EXPIRED',
      statusCode: 409,
      details: { ledgerKeptUntil: KEPT_UNTIL.toISOString() },
    });
    await expect(refusal).rejects.toThrow(
      `the admission ledger of spring 2026-05-01 was kept until ${KEPT_UNTIL.toISOString()}`,
    );
    await expect(refusal).rejects.toThrow(/can no longer be written by a redrive: issue it by hand/);
    expect(sent).toEqual([]);
    expect(failedEvents.records[0]).toMatchObject({ status: 'PARKED' });
    expect(failedEvents.records[0]?.redriveCount).toBeUndefined();
  });

  it('refuses with ADMISSION_RELEASED an admission the ledger holds with another rank, or not at all within its retention', async () => {
    const { deps, sent, failedEvents } = setup(
      [record('b', JSON.stringify(admission('bob'))), record('c', JSON.stringify(admission('carol')))],
      { ledger: { bob: 2, carol: undefined }, now: new Date(KEPT_UNTIL.getTime() - 60_000) },
    );
    await expect(redriveFailedEvent(deps, 'b', OPERATOR)).rejects.toMatchObject({
      code: 'ADMISSION_RELEASED',
      statusCode: 409,
      message: expect.stringMatching(/rank 2.*no coupon to write/),
    });
    await expect(redriveFailedEvent(deps, 'c', OPERATOR)).rejects.toMatchObject({
      code: 'ADMISSION_RELEASED',
      statusCode: 409,
      message: expect.stringMatching(/holds no admission of carol.*no coupon to write/),
    });
    expect(sent).toEqual([]);
    expect(failedEvents.records.map((r) => r.status)).toEqual(['PARKED', 'PARKED']);
  });

  it('redrives an admission the ledger still holds after the retention instant (its entry not deleted yet)', async () => {
    const message = admission('alice');
    const { deps, sent } = setup([record('a', JSON.stringify(message))], {
      now: new Date(KEPT_UNTIL.getTime() + 60_000),
    });
    expect(await redriveFailedEvent(deps, 'a', OPERATOR)).toMatchObject({ status: 'REDRIVEN' });
    expect(sent).toEqual([message]);
  });

  it('skips, with their reason, the admissions of a campaign day the ledger released or no longer keeps, redriving the rest', async () => {
    const records = [
      record('a', JSON.stringify(admission('alice'))),
      record('b', JSON.stringify(admission('bob'))),
      record('c', JSON.stringify(admission('carol'))),
    ];
    const released = setup(structuredClone(records), { ledger: { bob: 3 } });
    const result = await redriveCampaignDay(released.deps, { campaignId: 'spring', issueDate: '2026-05-01' }, OPERATOR);
    expect(result.redriven).toEqual(['a', 'c']);
    expect(released.sent.map((m) => m.userId)).toEqual(['alice', 'carol']);
    expect(result.skipped).toEqual([
      { failedEventId: 'b', code: 'ADMISSION_RELEASED', reason: expect.stringMatching(/released/) },
    ]);
    expect(released.failedEvents.records.map((r) => r.status)).toEqual(['REDRIVEN', 'PARKED', 'REDRIVEN']);

    const expired = setup(structuredClone(records), {
      ledger: { alice: undefined, bob: undefined, carol: undefined },
      now: new Date(KEPT_UNTIL.getTime() + 1),
    });
    const late = await redriveCampaignDay(expired.deps, { campaignId: 'spring', issueDate: '2026-05-01' }, OPERATOR);
    expect(late.redriven).toEqual([]);
    expect(late.skipped.map((s) => [s.failedEventId, s.code])).toEqual([
      ['a', 'ADMISSION_EXPIRED'],
      ['b', 'ADMISSION_EXPIRED'],
      ['c', 'ADMISSION_EXPIRED'],
    ]);
    expect(late.skipped[0]?.reason).toMatch(`kept until ${KEPT_UNTIL.toISOString()}`);
    expect(expired.sent).toEqual([]);
    expect(expired.failedEvents.records.every((r) => r.status === 'PARKED')).toBe(true);
  });
});
