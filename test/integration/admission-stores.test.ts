import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { Redis } from '@upstash/redis';
import fc from 'fast-check';
import { ADMISSION_MODES } from '../../src/contract/names';
import { DynamoDbAdmissionStore } from '../../src/functions/adapters/dynamodb/admission-store';
import { RedisAdmissionStore } from '../../src/functions/adapters/redis/admission-store';
import type { CampaignDay } from '../../src/functions/domain/admission/admission';
import type { AdmissionStore } from '../../src/functions/domain/admission/ports';
import { AdmissionVoidedError } from '../../src/functions/domain/kernel/errors';
import { createAdmissionTable, localDynamoDbClient } from '../../tools/local/dynamodb-local';
import { type Emulator, startDynamoDbLocal, startRedisServer } from '../../tools/local/emulators';
import { startUpstashBridge, type UpstashBridge } from '../../tools/local/upstash-bridge';

jest.setTimeout(120_000);

let redisServer: Emulator;
let bridge: UpstashBridge;
let dynamo: Emulator;
let dynamoClient: DynamoDBClient;
const stores: Record<string, () => AdmissionStore> = {};

beforeAll(async () => {
  [redisServer, dynamo] = await Promise.all([
    startRedisServer('.local/test-integration'),
    startDynamoDbLocal('.local/test-integration'),
  ]);
  bridge = await startUpstashBridge({ redisPort: redisServer.port, token: 'integration' });
  dynamoClient = localDynamoDbClient(dynamo.endpoint);
  await createAdmissionTable(dynamoClient, 'admission');
  // One client per simulated Lambda instance, as on AWS.
  stores.redis = () =>
    new RedisAdmissionStore(
      new Redis({ url: bridge.url, token: bridge.token, enableTelemetry: false, automaticDeserialization: false }),
    );
  stores.dynamodb = () => new DynamoDbAdmissionStore(DynamoDBDocumentClient.from(dynamoClient), 'admission');
});

afterAll(async () => {
  dynamoClient?.destroy();
  await bridge?.stop();
  await Promise.all([redisServer?.stop(), dynamo?.stop()]);
});

const request = (
  day: { campaignId: string; issueDate: string },
  userId: string,
  quota: number,
  requestId = `r-${userId}-${Math.random()}`,
) => ({
  day,
  userId,
  requestId,
  quota,
  admittedAt: new Date().toISOString(),
  expiresAt: Math.floor(Date.now() / 1000) + 86_400,
});

describe.each(ADMISSION_MODES)('integration: %s admission store', (mode) => {
  it('admits exactly the quota under concurrency from several instances, one rank per user', async () => {
    const instances = Array.from({ length: 4 }, () => (stores[mode] as () => AdmissionStore)());
    const day = { campaignId: `conc-${mode}`, issueDate: '2026-05-01' };
    const users = Array.from({ length: 300 }, (_, i) => `u${i % 200}`);
    const outcomes = await Promise.all(
      users.map((u, i) => (instances[i % 4] as AdmissionStore).admit(request(day, u, 50))),
    );
    const admitted = outcomes.filter((o) => o.kind === 'ADMITTED');
    expect(admitted).toHaveLength(50);
    const ranks = admitted.map((o) => (o.kind === 'ADMITTED' ? o.rank : 0)).sort((a, b) => a - b);
    expect(new Set(ranks).size).toBe(50);
    // Redis ranks the admitted users 1..quota; DynamoDB's rank tickets skip the ranks of concurrent repeats.
    if (mode === 'redis') expect(ranks).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    else expect(ranks[0]).toBeGreaterThanOrEqual(1);
    const store = instances[0] as AdmissionStore;
    expect(await store.admittedCount(day)).toBe(50);
    const winners = await store.admittedUsers(day);
    expect(winners.size).toBe(50);
    for (const [i, outcome] of outcomes.entries()) {
      if (outcome.kind === 'ALREADY_ADMITTED') expect(outcome.rank).toBe(winners.get(users[i] as string));
    }
    if (mode === 'redis') {
      // A client left on @upstash/redis' default JSON decoding reads the same winners and ledger.
      const decoding = new RedisAdmissionStore(
        new Redis({ url: bridge.url, token: bridge.token, enableTelemetry: false }),
      );
      expect(await decoding.admittedUsers(day)).toEqual(winners);
      expect(await decoding.ledger(day)).toEqual(await store.ledger(day));
    }
  });

  it('answers a retried request as admitted and another request of the same user as a repeat', async () => {
    const store = (stores[mode] as () => AdmissionStore)();
    const day = { campaignId: `retry-${mode}`, issueDate: '2026-05-01' };
    const first = await store.admit(request(day, 'alice', 5, 'req-1'));
    expect(await store.admit(request(day, 'alice', 5, 'req-1'))).toMatchObject({
      kind: 'ADMITTED',
      rank: (first as { rank: number }).rank,
    });
    expect(await store.admit(request(day, 'alice', 5, 'req-2'))).toEqual({ kind: 'ALREADY_ADMITTED', rank: 1 });
  });

  it('returns a released unit of quota to the next user', async () => {
    const store = (stores[mode] as () => AdmissionStore)();
    const day = { campaignId: `release-${mode}`, issueDate: '2026-05-01' };
    await store.admit(request(day, 'a', 1));
    expect(await store.admit(request(day, 'b', 1))).toEqual({ kind: 'SOLD_OUT' });
    await store.release(day, 'a', 1);
    expect(await store.rankOf(day, 'a')).toBeUndefined();
    expect(await store.admit(request(day, 'b', 1))).toMatchObject({ kind: 'ADMITTED' });
    expect(await store.admittedCount(day)).toBe(1);
  });

  it('never admits more than the quota nor a user twice, and uses up the quota, for any request mix (property)', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 12 }),
        fc.array(fc.integer({ min: 0, max: 19 }), { minLength: 1, maxLength: 40 }),
        async (quota, picks) => {
          const instances = Array.from({ length: 3 }, () => (stores[mode] as () => AdmissionStore)());
          const day = { campaignId: `prop-${mode}-${run++}`, issueDate: '2026-05-01' };
          const outcomes = await Promise.all(
            picks.map((u, i) => (instances[i % 3] as AdmissionStore).admit(request(day, `u${u}`, quota))),
          );
          const expected = Math.min(quota, new Set(picks).size);
          const admitted = outcomes.flatMap((o, i) => (o.kind === 'ADMITTED' ? [[picks[i], o.rank] as const] : []));
          const ranks = new Map(admitted);
          expect(ranks.size).toBe(admitted.length); // nobody twice
          expect(new Set(ranks.values()).size).toBe(admitted.length); // one rank per user
          for (const [i, o] of outcomes.entries()) {
            if (o.kind === 'ALREADY_ADMITTED') expect(o.rank).toBe(ranks.get(picks[i] as number));
          }
          if (mode === 'redis') {
            // One script per request: exact at once, ranks 1..n, SOLD_OUT only when full and never for a winner.
            expect(admitted).toHaveLength(expected);
            expect([...ranks.values()].sort((a, b) => a - b)).toEqual(
              Array.from({ length: expected }, (_, i) => i + 1),
            );
            for (const [i, o] of outcomes.entries()) {
              if (o.kind === 'SOLD_OUT') expect(ranks.has(picks[i] as number)).toBe(false);
            }
          } else {
            // Two writes per request: a concurrent duplicate holds a unit for a moment (a neighbour may be turned
            // away meanwhile, and its rank is skipped), but never beyond the quota ...
            expect(admitted.length).toBeLessThanOrEqual(expected);
          }
          // ... and every unit is used once the users try again.
          for (const u of new Set(picks)) await (instances[0] as AdmissionStore).admit(request(day, `u${u}`, quota));
          const ledger = (await instances[0]?.ledger(day)) ?? [];
          expect(ledger).toHaveLength(expected);
          expect(await instances[0]?.admittedCount(day)).toBe(expected);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('closes a day for every instance at once: later users CLOSED, admitted users keep their rank', async () => {
    const [one, two] = [(stores[mode] as () => AdmissionStore)(), (stores[mode] as () => AdmissionStore)()];
    const day = { campaignId: `close-${mode}`, issueDate: '2026-05-01' };
    const closeAt = { counterShards: 4, expiresAt: Math.floor(Date.now() / 1000) + 86_400 };
    const first = await one.admit({ ...request(day, 'early', 10), counterShards: 4 });
    expect(first.kind).toBe('ADMITTED');
    // Concurrent admissions while the day closes: each is either admitted before the close or CLOSED after it.
    const racing = Promise.all(
      Array.from({ length: 20 }, (_, i) => two.admit({ ...request(day, `racer${i}`, 10), counterShards: 4 })),
    );
    await one.close(day, closeAt);
    const after = await Promise.all(
      ['late1', 'late2'].map((u) => two.admit({ ...request(day, u, 10), counterShards: 4 })),
    );
    expect(after).toEqual([{ kind: 'CLOSED' }, { kind: 'CLOSED' }]);
    const raced = await racing;
    expect(raced.every((o) => ['ADMITTED', 'CLOSED', 'SOLD_OUT'].includes(o.kind))).toBe(true);
    expect(await two.admit({ ...request(day, 'early', 10), counterShards: 4 })).toMatchObject({
      kind: 'ALREADY_ADMITTED',
      rank: first.kind === 'ADMITTED' ? first.rank : -1,
    });
    await one.close(day, closeAt); // idempotent
    const admitted = raced.filter((o) => o.kind === 'ADMITTED').length + 1;
    expect(await one.admittedCount(day)).toBe(admitted);
    expect((await one.ledger(day)).length).toBe(admitted);
  });

  it('lists the ledger in rank order with each admission instant, without released users', async () => {
    const store = (stores[mode] as () => AdmissionStore)();
    const day = { campaignId: `ledger-${mode}`, issueDate: '2026-05-01' };
    const at = (s: number) => new Date(Date.UTC(2026, 4, 1, 4, 0, s)).toISOString();
    for (const [i, userId] of ['x|1', 'b', 'c'].entries()) {
      await store.admit({ ...request(day, userId, 10), admittedAt: at(i) });
    }
    await store.release(day, 'b', 2);
    expect(await store.ledger(day)).toEqual([
      { userId: 'x|1', rank: 1, admittedAt: at(0) },
      { userId: 'c', rank: 3, admittedAt: at(2) },
    ]);
    expect(await store.ledger({ ...day, issueDate: '2026-05-02' })).toEqual([]);
  });

  it('claim first: the release refuses, the admission and its unit of quota stand', async () => {
    const [consumer, issuer] = [(stores[mode] as () => AdmissionStore)(), (stores[mode] as () => AdmissionStore)()];
    const day = { campaignId: `claim-first-${mode}`, issueDate: '2026-05-01' };
    await issuer.admit(request(day, 'a', 1));
    expect(await consumer.claim(day, [{ userId: 'a', rank: 1 }])).toEqual([true]);
    expect(await issuer.release(day, 'a', 1)).toBe('CLAIMED');
    expect(await issuer.rankOf(day, 'a')).toBe(1);
    expect(await issuer.admittedCount(day)).toBe(1);
    expect(await issuer.admit(request(day, 'b', 1))).toEqual({ kind: 'SOLD_OUT' });
    // A redelivered copy claims again (idempotent).
    expect(await consumer.claim(day, [{ userId: 'a', rank: 1 }])).toEqual([true]);
  });

  it('release first: the claim finds nothing, as for a user never admitted or a stale rank', async () => {
    const [consumer, issuer] = [(stores[mode] as () => AdmissionStore)(), (stores[mode] as () => AdmissionStore)()];
    const day = { campaignId: `release-first-${mode}`, issueDate: '2026-05-01' };
    await issuer.admit(request(day, 'a', 5));
    await issuer.admit(request(day, 'b', 5));
    expect(await issuer.release(day, 'a', 1)).toBe('RELEASED');
    expect(await issuer.release(day, 'a', 1)).toBe('NOT_HELD');
    expect(
      await consumer.claim(day, [
        { userId: 'a', rank: 1 },
        { userId: 'b', rank: 2 },
        { userId: 'ghost', rank: 3 },
        { userId: 'b', rank: 7 },
      ]),
    ).toEqual([false, true, false, false]);
    // The same user admitted again gets a new rank: a copy of the released admission's message stays dropped.
    await issuer.admit(request(day, 'a', 5));
    const rank = (await issuer.rankOf(day, 'a')) as number;
    expect(rank).toBe(3);
    expect(await consumer.claim(day, [{ userId: 'a', rank: 1 }])).toEqual([false]);
    expect(await consumer.claim(day, [{ userId: 'a', rank }])).toEqual([true]);
  });

  it('lists the pending admissions (neither claimed nor released) by their last message, oldest first', async () => {
    const store = (stores[mode] as () => AdmissionStore)();
    const day = { campaignId: `pending-${mode}`, issueDate: '2026-05-01' };
    const at = (s: number) => new Date(Date.UTC(2026, 4, 1, 4, 0, s)).toISOString();
    const ranks: Record<string, number> = {};
    for (const [i, userId] of ['a', 'b', 'c', 'd'].entries()) {
      const outcome = await store.admit({ ...request(day, userId, 10), admittedAt: at(10 - i) });
      if (outcome.kind === 'ADMITTED') ranks[userId] = outcome.rank;
    }
    await store.claim(day, [{ userId: 'a', rank: ranks.a as number }]);
    expect(await store.release(day, 'b', ranks.b as number)).toBe('RELEASED');
    const all = { before: Date.parse(at(59)), limit: 10 };
    expect(await store.pending(day, all)).toEqual([
      { userId: 'd', rank: ranks.d, admittedAt: at(7), lastSentAt: Date.parse(at(7)) },
      { userId: 'c', rank: ranks.c, admittedAt: at(8), lastSentAt: Date.parse(at(8)) },
    ]);
    expect(await store.pending(day, { ...all, limit: 1 })).toEqual([expect.objectContaining({ userId: 'd' })]);
    expect(await store.pending(day, { ...all, before: Date.parse(at(7)) - 1 })).toEqual([]);
    // A re-enqueue moves d's last message; a claimed admission stays out of the pending set.
    await store.resent(
      day,
      [
        { userId: 'd', rank: ranks.d as number },
        { userId: 'a', rank: ranks.a as number },
      ],
      Date.parse(at(30)),
    );
    expect((await store.pending(day, all)).map((p) => [p.userId, p.lastSentAt, p.admittedAt])).toEqual([
      ['c', Date.parse(at(8)), at(8)],
      ['d', Date.parse(at(30)), at(7)],
    ]);
    expect(await store.admittedCount(day)).toBe(3);
  });

  it('lets exactly one of a racing claim and release win, for every admission', async () => {
    const [consumer, issuer] = [(stores[mode] as () => AdmissionStore)(), (stores[mode] as () => AdmissionStore)()];
    const day = { campaignId: `claim-race-${mode}`, issueDate: '2026-05-01' };
    const users = Array.from({ length: 60 }, (_, i) => `u${i}`);
    const ranks = new Map<string, number>();
    for (const u of users) {
      const outcome = await issuer.admit(request(day, u, 100));
      if (outcome.kind === 'ADMITTED') ranks.set(u, outcome.rank);
    }
    const results = await Promise.all(
      users.map(async (u, i) => {
        const rank = ranks.get(u) as number;
        const [released, [claimed]] = (await Promise.all(
          i % 2 === 0
            ? [issuer.release(day, u, rank), consumer.claim(day, [{ userId: u, rank }])]
            : [consumer.claim(day, [{ userId: u, rank }]), issuer.release(day, u, rank)].reverse(),
        )) as [string, boolean[]];
        return { u, released, claimed };
      }),
    );
    for (const r of results) expect([r.u, r.released === 'RELEASED']).toEqual([r.u, !r.claimed]);
    const claimed = results.filter((r) => r.claimed).map((r) => r.u);
    expect([...(await issuer.admittedUsers(day)).keys()].sort()).toEqual(claimed.sort());
    expect(await issuer.admittedCount(day)).toBe(claimed.length);
  });
});

/** A request of a campaign with `perUserCampaignLimit`: one admission per user over all its issue days. */
const limited = (
  day: { campaignId: string; issueDate: string },
  userId: string,
  quota: number,
  requestId?: string,
) => ({
  ...request(day, userId, quota, requestId),
  campaignLimit: { expiresAt: Math.floor(Date.now() / 1000) + 10 * 86_400 },
});

describe.each(ADMISSION_MODES)('integration: %s admission store with the campaign limit', (mode) => {
  const store = () => (stores[mode] as () => AdmissionStore)();

  it('refuses a user admitted on one issue day on every other day, without counting a unit there', async () => {
    // Prepare
    const s = store();
    const [d1, d2, d3] = ['2026-05-01', '2026-05-02', '2026-05-03'].map((issueDate) => ({
      campaignId: `limit-${mode}`,
      issueDate,
    })) as [CampaignDay, CampaignDay, CampaignDay];
    // Act
    const first = await s.admit(limited(d2, 'alice', 5, 'req-1'));
    // Assess
    expect(first).toMatchObject({ kind: 'ADMITTED' });
    const rank = (first as { rank: number }).rank;
    expect(await s.admit(limited(d2, 'alice', 5, 'req-1'))).toMatchObject({ kind: 'ADMITTED', rank });
    expect(await s.admit(limited(d2, 'alice', 5, 'req-2'))).toEqual({ kind: 'ALREADY_ADMITTED', rank });
    for (const day of [d1, d3]) {
      expect(await s.admit(limited(day, 'alice', 5))).toEqual({
        kind: 'ALREADY_ADMITTED',
        rank,
        issueDate: d2.issueDate,
      });
      expect(await s.admittedCount(day)).toBe(0);
      expect(await s.ledger(day)).toEqual([]);
    }
    // Another campaign without the limit admits the same user every day.
    for (const issueDate of [d1.issueDate, d2.issueDate]) {
      expect(await s.admit(request({ campaignId: `daily-${mode}`, issueDate }, 'alice', 5))).toMatchObject({
        kind: 'ADMITTED',
      });
    }
  });

  it('frees the campaign marker with a released admission, never with a claimed one', async () => {
    const [issuer, consumer] = [store(), store()];
    const d1 = { campaignId: `limit-release-${mode}`, issueDate: '2026-05-01' };
    const d2 = { ...d1, issueDate: '2026-05-02' };
    // Released (the queue rejected its message): the user may be admitted again, on another day.
    await issuer.admit(limited(d1, 'a', 5));
    expect(await issuer.release(d1, 'a', 1)).toBe('RELEASED');
    const again = await issuer.admit(limited(d2, 'a', 5));
    expect(again).toMatchObject({ kind: 'ADMITTED' });
    // Claimed (its coupon is being written): the release refuses and the marker stands.
    const rank = (again as { rank: number }).rank;
    expect(await consumer.claim(d2, [{ userId: 'a', rank }])).toEqual([true]);
    expect(await issuer.release(d2, 'a', rank)).toBe('CLAIMED');
    expect(await issuer.admit(limited(d1, 'a', 5))).toEqual({
      kind: 'ALREADY_ADMITTED',
      rank,
      issueDate: d2.issueDate,
    });
    // A stale release of the first day's rank leaves the second day's marker alone.
    expect(await issuer.release(d1, 'a', 1)).toBe('NOT_HELD');
    expect(await issuer.admit(limited(d1, 'a', 5))).toMatchObject({
      kind: 'ALREADY_ADMITTED',
      issueDate: d2.issueDate,
    });
  });

  it('admits each user at most once per campaign and leaks no unit, for any burst across days and instances (property)', async () => {
    let run = 0;
    const days = ['2026-06-01', '2026-06-02', '2026-06-03'];
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 3, maxLength: 3 }),
        fc.array(fc.record({ user: fc.integer({ min: 0, max: 9 }), day: fc.nat(2), release: fc.boolean() }), {
          minLength: 1,
          maxLength: 40,
        }),
        async (quotas, picks) => {
          // Prepare: 3 instances; each pick is one request of a user on a day, some given back when admitted (as
          // the issue path does when the queue rejects the message).
          const instances = Array.from({ length: 3 }, () => store());
          const campaignId = `limit-prop-${mode}-${run++}`;
          const dayOf = (i: number) => ({ campaignId, issueDate: days[i] as string });
          // Act: the whole burst at once.
          const outcomes = await Promise.all(
            picks.map(async (p, i) => {
              const s = instances[i % 3] as AdmissionStore;
              const outcome = await s.admit(limited(dayOf(p.day), `u${p.user}`, quotas[p.day] as number));
              if (outcome.kind === 'ADMITTED' && p.release) await s.release(dayOf(p.day), `u${p.user}`, outcome.rank);
              return outcome;
            }),
          );
          // Assess: no user holds admissions on two days; every day's count is its ledger (no unit leaked) and
          // within its quota.
          const s = instances[0] as AdmissionStore;
          const holder = new Map<string, { issueDate: string; rank: number }>();
          for (const [i, issueDate] of days.entries()) {
            const ledger = await s.ledger(dayOf(i));
            expect(ledger.length).toBeLessThanOrEqual(quotas[i] as number);
            expect(await s.admittedCount(dayOf(i))).toBe(ledger.length);
            for (const entry of ledger) {
              expect([entry.userId, holder.get(entry.userId)]).toEqual([entry.userId, undefined]);
              holder.set(entry.userId, { issueDate, rank: entry.rank });
            }
          }
          for (const o of outcomes) {
            if (o.kind === 'ALREADY_ADMITTED' && o.issueDate !== undefined) expect(days).toContain(o.issueDate);
          }
          // The markers agree with the ledgers: a holder is refused on every other day with its day and rank; a
          // user holding nothing is admitted on a day with quota left.
          for (let u = 0; u < 10; u++) {
            const held = holder.get(`u${u}`);
            for (const [i, issueDate] of days.entries()) {
              const outcome = await s.admit(limited(dayOf(i), `u${u}`, quotas[i] as number));
              if (held && held.issueDate !== issueDate) {
                expect(outcome).toEqual({ kind: 'ALREADY_ADMITTED', rank: held.rank, issueDate: held.issueDate });
              } else if (held) {
                expect(outcome).toEqual({ kind: 'ALREADY_ADMITTED', rank: held.rank });
              } else if (outcome.kind === 'ADMITTED') {
                holder.set(`u${u}`, { issueDate, rank: outcome.rank });
                break;
              } else {
                expect(outcome).toEqual({ kind: 'SOLD_OUT' });
                expect(await s.admittedCount(dayOf(i))).toBe(quotas[i]);
              }
            }
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe.each([1, 8])('integration: dynamodb admission store with %i counter shard(s)', (shards) => {
  const sharded = (day: { campaignId: string; issueDate: string }, userId: string, quota: number) => ({
    ...request(day, userId, quota),
    counterShards: shards,
  });

  it('never exceeds the quota and uses every unit under concurrency from several instances', async () => {
    // Prepare: 8 instances, 400 distinct users for a quota of 61 (not a multiple of 8: uneven shard shares).
    const instances = Array.from({ length: 8 }, () => (stores.dynamodb as () => AdmissionStore)());
    const day = { campaignId: `sharded-${shards}`, issueDate: '2026-05-01' };
    const quota = 61;
    // Act
    const outcomes = await Promise.all(
      Array.from({ length: 400 }, (_, i) => (instances[i % 8] as AdmissionStore).admit(sharded(day, `u${i}`, quota))),
    );
    // Assess: exactly the quota admitted, unique ranks, ledger and counters agree.
    const ranks = outcomes.flatMap((o) => (o.kind === 'ADMITTED' ? [o.rank] : []));
    expect(ranks).toHaveLength(quota);
    expect(new Set(ranks).size).toBe(quota);
    expect(outcomes.filter((o) => o.kind === 'SOLD_OUT')).toHaveLength(400 - quota);
    const store = instances[0] as AdmissionStore;
    expect(await store.admittedCount(day)).toBe(quota);
    expect((await store.ledger(day)).map((e) => e.rank).sort((a, b) => a - b)).toEqual(ranks.sort((a, b) => a - b));
  });

  it("lists every shard's pending admissions, and only the unclaimed ones", async () => {
    const store = (stores.dynamodb as () => AdmissionStore)();
    const day = { campaignId: `pending-sharded-${shards}`, issueDate: '2026-05-01' };
    const admitted = [];
    for (let i = 0; i < 20; i++) {
      const outcome = await store.admit(sharded(day, `u${i}`, 20));
      if (outcome.kind === 'ADMITTED') admitted.push({ userId: `u${i}`, rank: outcome.rank });
    }
    await store.claim(day, admitted.slice(0, 5));
    const pending = await store.pending(day, { before: Date.now() + 60_000, limit: 100, counterShards: shards });
    expect(pending.map((p) => p.userId).sort()).toEqual(
      admitted
        .slice(5)
        .map((a) => a.userId)
        .sort(),
    );
    expect(await store.pending(day, { before: Date.now() + 60_000, limit: 3, counterShards: shards })).toHaveLength(3);
  });

  it('falls over to the other shards until the last unit is used, then answers SOLD_OUT', async () => {
    // A quota smaller than the shard count leaves some shards with no share at all.
    const store = (stores.dynamodb as () => AdmissionStore)();
    const day = { campaignId: `fallover-${shards}`, issueDate: '2026-05-01' };
    const quota = 5;
    for (let i = 0; i < quota; i++) {
      expect(await store.admit(sharded(day, `u${i}`, quota))).toMatchObject({ kind: 'ADMITTED' });
    }
    expect(await store.admit(sharded(day, 'late', quota))).toEqual({ kind: 'SOLD_OUT' });
    // A released unit goes back to its own shard and is found at once, though this instance saw it exhausted.
    const [first] = await store.ledger(day);
    await store.release(day, first?.userId as string, first?.rank as number);
    expect(await store.admit(sharded(day, 'late', quota))).toMatchObject({ kind: 'ADMITTED' });
    expect(await store.admittedCount(day)).toBe(quota);
  });
});

describe('integration: dynamodb admission store, ambiguous writes', () => {
  /**
   * A document client whose first `TransactWriteItems` goes through `fault`: `lost` applies it and loses the answer
   * (the SDK retries with the same ClientRequestToken); `held` does not deliver it (every attempt times out) and
   * hands it back to the test, to land late.
   */
  function faulty(fault: 'lost' | 'held') {
    const real = new NodeHttpHandler();
    const held: (() => Promise<unknown>)[] = [];
    let faulted = 0;
    const handler = {
      metadata: { handlerProtocol: 'http/1.1' },
      updateHttpClientConfig: () => undefined,
      httpHandlerConfigs: () => ({}),
      destroy: () => undefined,
      async handle(request: Parameters<NodeHttpHandler['handle']>[0]) {
        const transaction = String(request.headers['x-amz-target']).endsWith('TransactWriteItems');
        if (!transaction || (fault === 'lost' && faulted++ > 0)) return real.handle(request);
        if (fault === 'held') {
          held.push(() => real.handle(request));
          throw Object.assign(new Error('request timed out (test)'), { name: 'TimeoutError', code: 'ETIMEDOUT' });
        }
        await real.handle(request);
        throw Object.assign(new Error('socket hang up (test)'), { code: 'ECONNRESET' });
      },
    };
    const client = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
      requestHandler: handler,
      retryStrategy: new ConfiguredRetryStrategy(3, () => 0),
    });
    return { store: new DynamoDbAdmissionStore(DynamoDBDocumentClient.from(client), 'admission'), held };
  }

  it('a lost answer to the admission transaction is retried as the same admission: one unit, ADMITTED', async () => {
    const day = { campaignId: 'ambiguous-lost', issueDate: '2026-05-01' };
    const { store } = faulty('lost');
    const outcome = await store.admit(request(day, 'a', 3));
    expect(outcome).toMatchObject({ kind: 'ADMITTED' });
    expect(await store.admittedCount(day)).toBe(1);
    expect(await store.ledger(day)).toEqual([expect.objectContaining({ userId: 'a' })]);
  });

  it('an unanswered admission is voided before the 503, so the request landing late admits nobody', async () => {
    const day = { campaignId: 'ambiguous-late', issueDate: '2026-05-01' };
    const { store, held } = faulty('held');
    await expect(store.admit(request(day, 'a', 1))).rejects.toBeInstanceOf(AdmissionVoidedError);
    expect(held.length).toBeGreaterThan(0);
    await Promise.all(held.map((land) => land())); // every attempt lands now, after the answer
    const clean = new DynamoDbAdmissionStore(DynamoDBDocumentClient.from(dynamoClient), 'admission');
    expect(await clean.admittedCount(day)).toBe(0);
    expect(await clean.ledger(day)).toEqual([]);
    // The unit is there for the next request, of this user or another.
    expect(await clean.admit(request(day, 'a', 1))).toMatchObject({ kind: 'ADMITTED' });
    expect(await clean.admit(request(day, 'b', 1))).toEqual({ kind: 'SOLD_OUT' });
  });

  it('with the campaign limit, a lost answer is retried as the same admission, and its marker refuses other days', async () => {
    const day = { campaignId: 'limit-ambiguous-lost', issueDate: '2026-05-01' };
    const outcome = await faulty('lost').store.admit(limited(day, 'a', 3));
    expect(outcome).toMatchObject({ kind: 'ADMITTED' });
    const clean = new DynamoDbAdmissionStore(DynamoDBDocumentClient.from(dynamoClient), 'admission');
    expect(await clean.admittedCount(day)).toBe(1);
    expect(await clean.admit(limited({ ...day, issueDate: '2026-05-02' }, 'a', 3))).toEqual({
      kind: 'ALREADY_ADMITTED',
      rank: (outcome as { rank: number }).rank,
      issueDate: day.issueDate,
    });
  });

  it('with the campaign limit, a voided admission landing late leaves no marker: the user may win another day', async () => {
    const day = { campaignId: 'limit-ambiguous-late', issueDate: '2026-05-01' };
    const { store, held } = faulty('held');
    await expect(store.admit(limited(day, 'a', 1))).rejects.toBeInstanceOf(AdmissionVoidedError);
    await Promise.all(held.map((land) => land()));
    const clean = new DynamoDbAdmissionStore(DynamoDBDocumentClient.from(dynamoClient), 'admission');
    expect(await clean.admittedCount(day)).toBe(0);
    expect(await clean.admit(limited({ ...day, issueDate: '2026-05-02' }, 'a', 1))).toMatchObject({
      kind: 'ADMITTED',
    });
    expect(await clean.admit(limited(day, 'a', 1))).toMatchObject({
      kind: 'ALREADY_ADMITTED',
      issueDate: '2026-05-02',
    });
  });
});

describe('integration: redis admission store warm-up (a provisioned INIT)', () => {
  it('loads the scripts, so the first admission is one EVALSHA instead of a NOSCRIPT and an EVAL', async () => {
    const redis = new Redis({ url: bridge.url, token: bridge.token, enableTelemetry: false });
    const realFetch = globalThis.fetch;
    let requests = 0;
    globalThis.fetch = (...args: Parameters<typeof fetch>) => {
      requests++;
      return realFetch(...args);
    };
    try {
      const firstAdmission = async (warm: boolean) => {
        await redis.scriptFlush();
        const store = new RedisAdmissionStore(redis);
        if (warm) await store.warmUp();
        requests = 0;
        const day = { campaignId: `warm-up-${warm}-${Date.now()}`, issueDate: '2026-05-01' };
        expect(await store.admit(request(day, 'alice', 5))).toMatchObject({ kind: 'ADMITTED', rank: 1 });
        return requests;
      };
      expect(await firstAdmission(false)).toBe(2);
      expect(await firstAdmission(true)).toBe(1);
    } finally {
      globalThis.fetch = realFetch;
    }
  });
});
