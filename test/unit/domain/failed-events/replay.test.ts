import {
  IdempotentParameterMismatchException,
  ItemCollectionSizeLimitExceededException,
  TransactionCanceledException,
  TransactionConflictException,
  TransactionInProgressException,
} from '@aws-sdk/client-dynamodb';
import { couponIdOf } from '../../../../src/functions/domain/admission/admission';
import type { Campaign } from '../../../../src/functions/domain/campaign/campaign';
import { PoisonMessageError } from '../../../../src/functions/domain/coupon/admission-message';
import type { Coupon } from '../../../../src/functions/domain/coupon/coupon';
import type { DeadLetter } from '../../../../src/functions/domain/failed-events/ports';
import {
  failedEventIdOf,
  isRetryable,
  type ReplayDeps,
  replayDeadLetters,
} from '../../../../src/functions/domain/failed-events/replay';
import { springSaleDefinition } from '../../../support/fixtures';

const campaign: Campaign = { ...springSaleDefinition, campaignId: 'c1', name: 'C1', createdAt: '2026-04-01T00:00:00Z' };

const admission = (userId: string, rank = 1) =>
  JSON.stringify({
    campaignId: 'c1',
    issueDate: '2026-05-01',
    userId,
    rank,
    admittedAt: '2026-05-01T04:00:00.000Z',
    couponId: couponIdOf('c1', '2026-05-01', userId),
  });

/** An SDK client fault (a 400 that no retry can fix), as the AWS SDK v3 shapes it. */
const validationError = () =>
  Object.assign(new Error('One or more parameter values were invalid'), {
    name: 'ValidationException',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
  });

/**
 * A TransactWriteItems cancelled with one reason per item, as the AWS SDK v3 throws it: `None` for an item that
 * did not fail. The coupon store's transaction is the coupon put first, then the day's STATS update.
 */
const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`,
    $metadata: { httpStatusCode: 400 },
    CancellationReasons: codes.map((Code) => (Code === 'None' ? { Code } : { Code, Message: `${Code} (injected)` })),
  });

function setup(
  bodies: string[],
  options: { failWrites?: () => Error | undefined; released?: string[]; ranks?: Record<string, number> } = {},
) {
  const queue: DeadLetter[] = bodies.map((body, i) => ({
    messageId: `m${i}`,
    receiptHandle: `h${i}`,
    body,
    attributes: {},
  }));
  const coupons = new Map<string, Coupon>();
  const records = new Map<string, { attempts: number; status: string; reason: string; error: string }>();
  const failures: ReplayDeps['failures'] = {
    recordFailure: async (f, park) => {
      const r = records.get(f.failedEventId) ?? { attempts: 0, status: '', reason: f.reason, error: '' };
      r.attempts++;
      r.status = park ? 'PARKED' : 'RETRYING';
      r.error = f.error;
      records.set(f.failedEventId, r);
      return r.attempts;
    },
    park: async (id) => {
      (records.get(id) as { status: string }).status = 'PARKED';
    },
    resolve: async (id) => {
      records.delete(id);
    },
  };
  let delivered = 0;
  const deps = {
    campaigns: { get: async (id: string) => (id === 'c1' ? campaign : undefined) },
    // The ledger holds every user at rank 1 (or `ranks`) except those released.
    admissions: {
      claim: async (_: unknown, requests: readonly { userId: string; rank: number }[]) =>
        requests.map((r) => r.rank === (options.ranks?.[r.userId] ?? 1) && !options.released?.includes(r.userId)),
    },
    coupons: {
      putIfAbsent: async (c: Coupon) => {
        const failure = options.failWrites?.();
        if (failure) throw failure;
        if (coupons.has(c.couponId)) return 'EXISTS' as const;
        coupons.set(c.couponId, c);
        return 'CREATED' as const;
      },
      get: async () => undefined,
      existing: async () => new Set<string>(),
      persistedCount: async () => coupons.size,
    },
    deadLetters: {
      // Everything not deleted is visible again on the next run, 10 per receive.
      receive: async () => {
        const batch = queue.slice(delivered, delivered + 10);
        delivered += batch.length;
        return batch;
      },
      delete: async (m: DeadLetter) => {
        queue.splice(queue.indexOf(m), 1);
        delivered--;
      },
    },
    failures,
    clock: () => new Date('2026-05-01T05:00:00Z'),
    maxReplayAttempts: 3,
    hasTime: () => true,
  };
  const run = () => {
    delivered = 0;
    return replayDeadLetters(deps);
  };
  return { run, queue, coupons, records, deps };
}

describe('domain: replayDeadLetters', () => {
  it('applies each admission once, deletes it and any copies, and leaves no failure record', async () => {
    const { run, queue, coupons, records } = setup([admission('a'), admission('b'), admission('a'), admission('a')]);
    expect(await run()).toEqual({ replayed: 2, parked: 0, retained: 0, dropped: 0, duplicates: 2 });
    expect(queue).toEqual([]);
    expect(coupons.size).toBe(2);
    expect(records.size).toBe(0);
  });

  it('keeps an admission failing with a retryable error in the queue on every run, one attempt per run, never parked', async () => {
    const { run, queue, records } = setup([admission('a'), admission('a')], {
      failWrites: () => Object.assign(new Error('DynamoDB 500'), { $fault: 'server' }),
    });
    const id = couponIdOf('c1', '2026-05-01', 'a');
    expect(await run()).toMatchObject({ retained: 1, duplicates: 1 });
    expect(queue).toHaveLength(1);
    expect(records.get(id)).toMatchObject({ attempts: 1, status: 'RETRYING' });
    for (let i = 0; i < 8; i++) expect(await run()).toMatchObject({ parked: 0, retained: 1 });
    expect(queue).toHaveLength(1);
    expect(records.get(id)).toMatchObject({ attempts: 9, status: 'RETRYING', reason: 'ERROR' });
  });

  it('parks an admission failing with a non-retryable error on its third attempt', async () => {
    const { run, queue, records } = setup([admission('a')], { failWrites: validationError });
    const id = couponIdOf('c1', '2026-05-01', 'a');
    await run();
    await run();
    expect(await run()).toMatchObject({ parked: 1, retained: 0 });
    expect(queue).toEqual([]);
    expect(records.get(id)).toMatchObject({
      attempts: 3,
      status: 'PARKED',
      reason: 'ERROR',
      error: 'ValidationException: One or more parameter values were invalid',
    });
  });

  it("keeps an admission whose coupon transaction lost a TransactionConflict on the day's STATS item on every run, never parked, until it is written", async () => {
    let conflict = true;
    const { run, queue, coupons, records } = setup([admission('a')], {
      failWrites: () => (conflict ? cancelled('None', 'TransactionConflict') : undefined),
    });
    const id = couponIdOf('c1', '2026-05-01', 'a');
    for (let i = 0; i < 10; i++) expect(await run()).toMatchObject({ parked: 0, retained: 1 });
    expect(queue).toHaveLength(1);
    expect(records.get(id)).toMatchObject({ attempts: 10, status: 'RETRYING', reason: 'ERROR' });
    expect(records.get(id)?.error).toMatch(/^TransactionCanceledException: .*TransactionConflict/);
    conflict = false;
    expect(await run()).toMatchObject({ replayed: 1, parked: 0, retained: 0 });
    expect(queue).toEqual([]);
    expect(coupons.has(id)).toBe(true);
    expect(records.size).toBe(0);
  });

  it('parks an admission whose coupon transaction was cancelled for a ValidationError on its third run', async () => {
    const { run, queue, records } = setup([admission('a')], { failWrites: () => cancelled('ValidationError', 'None') });
    const id = couponIdOf('c1', '2026-05-01', 'a');
    expect(await run()).toMatchObject({ parked: 0, retained: 1 });
    expect(await run()).toMatchObject({ parked: 0, retained: 1 });
    expect(await run()).toMatchObject({ parked: 1, retained: 0 });
    expect(queue).toEqual([]);
    expect(records.get(id)).toMatchObject({ attempts: 3, status: 'PARKED', reason: 'ERROR' });
  });

  it('drops an admission the ledger no longer holds without writing its coupon or a failure record', async () => {
    const { run, queue, coupons, records } = setup([admission('a'), admission('b')], { released: ['a'] });
    expect(await run()).toMatchObject({ replayed: 1, dropped: 1, parked: 0, retained: 0 });
    expect(queue).toEqual([]);
    expect([...coupons.values()].map((c) => c.userId)).toEqual(['b']);
    expect(records.size).toBe(0);
  });

  it.each([
    ['stale copy first', [1, 2]],
    ['live copy first', [2, 1]],
  ])(
    "tells a released admission from the same user's later one (%s): the stale is dropped, the live written",
    async (_, order) => {
      const { run, queue, coupons } = setup(
        order.map((rank) => admission('a', rank)),
        { ranks: { a: 2 } },
      );
      expect(await run()).toMatchObject({ replayed: 1, dropped: 1, duplicates: 0 });
      expect(queue).toEqual([]);
      expect([...coupons.values()].map((c) => [c.userId, c.rank])).toEqual([['a', 2]]);
    },
  );

  it('parks a poison message at once, keyed by message id when it carries no admission', async () => {
    const unknown = admission('z').replace('"c1"', '"nope"');
    const { run, queue, records } = setup(['not json', unknown]);
    expect(await run()).toMatchObject({ parked: 2, replayed: 0 });
    expect(queue).toEqual([]);
    expect(records.get('message#m0')).toMatchObject({ status: 'PARKED', reason: 'POISON' });
    expect(records.get(failedEventIdOf({ messageId: 'm1', body: unknown }))?.error).toMatch(/does not exist/);
  });
});

describe('domain: isRetryable', () => {
  it('retries throttling, server faults, timeouts and network errors, but not client faults or poison', () => {
    expect(isRetryable(Object.assign(new Error('x'), { $fault: 'server', $metadata: { httpStatusCode: 500 } }))).toBe(
      true,
    );
    expect(
      isRetryable(
        Object.assign(new Error('x'), {
          name: 'ProvisionedThroughputExceededException',
          $fault: 'client',
          $retryable: { throttling: true },
        }),
      ),
    ).toBe(true);
    expect(isRetryable(Object.assign(new Error('x'), { name: 'ThrottlingException', $fault: 'client' }))).toBe(true);
    expect(isRetryable(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isRetryable(validationError())).toBe(false);
    expect(isRetryable(new PoisonMessageError('bad body'))).toBe(false);
  });
});

describe('domain: isRetryable of a cancelled DynamoDB transaction', () => {
  it.each([
    ['TransactionConflict', ['None', 'TransactionConflict']],
    ['ThrottlingError', ['ThrottlingError', 'None']],
    ['ProvisionedThroughputExceeded', ['None', 'ProvisionedThroughputExceeded']],
    ['RequestLimitExceeded', ['RequestLimitExceeded', 'None']],
    ['InternalServerError', ['None', 'InternalServerError']],
    ['an unknown code', ['None', 'SomethingNew']],
    // The coupon put's own failure is settled EXISTS by the store; a later item's condition is on state that moves.
    ['ConditionalCheckFailed on a later item', ['None', 'ConditionalCheckFailed']],
    ['no reasons at all', []],
  ])('retries one cancelled for %s', (_, codes) => {
    expect(isRetryable(cancelled(...codes))).toBe(true);
  });

  it.each([
    ['ValidationError', ['ValidationError', 'None']],
    ['ItemCollectionSizeLimitExceeded', ['ItemCollectionSizeLimitExceeded', 'None']],
    ['a ValidationError beside a TransactionConflict', ['TransactionConflict', 'ValidationError']],
  ])('does not retry one cancelled for %s', (_, codes) => {
    expect(isRetryable(cancelled(...codes))).toBe(false);
  });

  it('retries a conflict with an ongoing transaction and a transaction still in progress, not a reused token or a full item collection', () => {
    const $metadata = { httpStatusCode: 400 };
    expect(
      isRetryable(new TransactionConflictException({ message: 'Transaction is ongoing for the item', $metadata })),
    ).toBe(true);
    expect(isRetryable(new TransactionInProgressException({ message: 'in progress', $metadata }))).toBe(true);
    expect(isRetryable(new IdempotentParameterMismatchException({ message: 'token reused', $metadata }))).toBe(false);
    expect(isRetryable(new ItemCollectionSizeLimitExceededException({ message: 'over 10 GB', $metadata }))).toBe(false);
  });
});
