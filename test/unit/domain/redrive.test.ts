import { type AdmissionMessage, couponIdOf } from '../../../lambdas/domain/admission';
import { FailedEventNotFoundError, NotRedrivableError } from '../../../lambdas/domain/errors';
import type { FailedEventRegistry, Page, PageRequest } from '../../../lambdas/domain/ports';
import {
  admissionDayOf,
  type FailedEventFilter,
  type FailedEventView,
  redriveCampaignDay,
  redriveFailedEvent,
} from '../../../lambdas/domain/redrive';

const NOW = new Date('2026-05-01T10:00:00.000Z');
const OPERATOR = 'arn:aws:iam::123456789012:user/ops';

const admission = (userId: string, campaignId = 'spring'): AdmissionMessage => ({
  campaignId,
  issueDate: '2026-05-01',
  userId,
  rank: 1,
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
class MemoryRegistry implements FailedEventRegistry {
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

function setup(records: FailedEventView[]) {
  const sent: AdmissionMessage[] = [];
  const failedEvents = new MemoryRegistry(records);
  const deps = { failedEvents, queue: { send: async (m: AdmissionMessage) => void sent.push(m) }, clock: () => NOW };
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
});
