import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Redis } from '@upstash/redis';
import IORedis from 'ioredis';
import type { AdmissionMode } from '../../src/contract/names';
import { DynamoDbAdmissionStore } from '../../src/functions/adapters/dynamodb/admission-store';
import { dayKeys, RedisAdmissionStore } from '../../src/functions/adapters/redis/admission-store';
import type { AdmissionMessage, CampaignDay } from '../../src/functions/domain/admission/admission';
import type { AdmissionStore } from '../../src/functions/domain/admission/ports';
import { SoldOutCache } from '../../src/functions/domain/admission/sold-out-cache';
import type { Campaign } from '../../src/functions/domain/campaign/campaign';
import { reconcile } from '../../src/functions/domain/failed-events/reconcile';
import { systemClock } from '../../src/functions/domain/kernel/clock';
import { createAdmissionTable, localDynamoDbClient } from '../local/dynamodb-local';
import { startDynamoDbLocal, startRedisServer } from '../local/emulators';
import { startUpstashBridge } from '../local/upstash-bridge';
import type { ChartSpec } from './plot';
import { markdownTable } from './stats';

// Question 6, "big days": does the cost of a day grow with the work, not with the ledger? Days of growing quota are
// filled through the product's admission stores (Redis: redis-server behind the Upstash REST bridge; DynamoDB:
// DynamoDB Local), each admission claimed by a coupon writer in batches of 10 as the consumer does, except a few
// left unclaimed (an issue instance that died before its send); then the per-admission cost of the last admissions,
// one reconciliation run (src/functions/domain/failed-events/reconcile.ts, against the real store) and the issue
// instance's sold-out snapshot are measured, beside what the previous design read (the whole ledger).

/** Sizes of the big-days benchmark. */
export interface BigDaysOptions {
  /** Daily quotas of the Redis-mode days, each filled to its quota. */
  readonly redisQuotas: readonly number[];
  /** Daily quotas of the DynamoDB-mode days (DynamoDB Local serves a few hundred calls/s here). */
  readonly dynamodbQuotas: readonly number[];
  /** Admissions in flight at once while filling. */
  readonly concurrency: number;
  /** The last admissions of each day, whose backend calls, capacity and memory are counted. */
  readonly sample: number;
  /** Share of each day's admissions left unclaimed, for reconciliation to find (at least one). */
  readonly lostShare: number;
}

/**
 * Quotas 1,000 to 1,000,000 in Redis mode; 1,000 and 10,000 in DynamoDB mode, where DynamoDB Local fills about
 * 100 admissions/s on this machine (4 calls each), so 100,000 takes about 20 minutes (`--big-days-dynamodb=`).
 */
export const BIG_DAYS_DEFAULTS: BigDaysOptions = {
  redisQuotas: [1_000, 10_000, 100_000, 1_000_000],
  dynamodbQuotas: [1_000, 10_000],
  concurrency: 64,
  sample: 1_000,
  lostShare: 0.001,
};

/** Question 6's goals (issue 30): per-admission cost at the largest day within 1.2x of the smallest's; a run's bounds. */
export const BIG_DAYS_GOALS = { costRatio: 1.2, reconcileMs: 2_000, reconcileBytes: 256 * 2 ** 20 } as const;

/**
 * A read's wall time and heap, bytes above the heap after a full collection before it: `peakBytes` the most in use
 * during the read (sampled every 2 ms), `retainedBytes` what its result holds after another collection.
 */
export interface ReadCost {
  readonly ms: number;
  readonly peakBytes: number;
  readonly retainedBytes: number;
}

/** What one day measured. */
export interface BigDayResult {
  readonly mode: AdmissionMode;
  readonly quota: number;
  /** Seconds to fill the day (admissions and claims). */
  readonly fillSeconds: number;
  /** Per admission of the sample: backend calls of the admission and of its claim, capacity, Redis bytes. */
  readonly perAdmission: {
    readonly admitCalls: number;
    readonly claimCalls: number;
    /** DynamoDB write and read capacity units (ReturnConsumedCapacity TOTAL), admission and claim; 0 in Redis mode. */
    readonly wcu: number;
    readonly rcu: number;
    /** Redis mode: MEMORY USAGE of the day's keys over the admitted count; 0 in DynamoDB mode. */
    readonly redisBytes: number;
  };
  /** One reconciliation run re-enqueueing the unclaimed admissions (at most one page). */
  readonly reconcile: ReadCost & { readonly reconciled: number };
  /** The previous reconciliation's read: the whole ledger. */
  readonly ledgerRead: ReadCost;
  /** The sold-out snapshot of a day above SOLD_OUT_SNAPSHOT_MAX_QUOTA: its refresh (the admitted count) and the heap it holds. */
  readonly snapshot: ReadCost;
  /**
   * A copy of the admitted users: the snapshot of a day within SOLD_OUT_SNAPSHOT_MAX_QUOTA
   * (src/functions/domain/admission/sold-out-cache.ts), and before it the snapshot of every day.
   */
  readonly ledgerSnapshot: ReadCost;
}

/** The whole run, per mode and quota. */
export interface BigDaysResult {
  readonly days: BigDayResult[];
}

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const heapUsed = () => getHeapStatistics().used_heap_size;

/** Wall time, peak heap and retained heap of `read` (see {@link ReadCost}). */
async function measure<T>(read: () => Promise<T>): Promise<ReadCost & { value: T }> {
  gc();
  const base = heapUsed();
  let peak = base;
  const sampler = setInterval(() => {
    peak = Math.max(peak, heapUsed());
  }, 2);
  const started = performance.now();
  const value = await read();
  const ms = performance.now() - started;
  clearInterval(sampler);
  peak = Math.max(peak, heapUsed());
  gc();
  const retainedBytes = Math.max(0, heapUsed() - base);
  return { ms: Math.round(ms * 10) / 10, peakBytes: peak - base, retainedBytes, value };
}

/** Backend calls and capacity seen by a counting transport, between resets. */
interface Meter {
  calls: number;
  wcu: number;
  rcu: number;
  on: boolean;
}

const meter = (): Meter => ({ calls: 0, wcu: 0, rcu: 0, on: false });

/** Commands in one Upstash REST request: a pipeline's body is an array of commands. */
function commandsOf(url: string, body: unknown): number {
  if (!/\/(pipeline|multi-exec)$/.test(url) || typeof body !== 'string') return 1;
  return (JSON.parse(body) as unknown[]).length;
}

/**
 * A campaign of `quota` per day, as reconciliation lists it: in UTC, from `issueDate` to the day after, so a run
 * whose clock is pushed past the grace period still finds the day when that crosses midnight.
 */
function campaignOf(campaignId: string, quota: number, issueDate: string): Campaign {
  const dayAfter = new Date(Date.parse(`${issueDate}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return {
    campaignId,
    vendorId: 'bench',
    name: campaignId,
    timezone: 'UTC',
    startDate: issueDate,
    endDate: dayAfter,
    dailyWindow: { open: '00:00', close: '23:59' },
    dailyQuota: quota,
    perUserDailyLimit: 1,
    couponValidityDays: 30,
    counterShards: 1,
    discount: { type: 'PERCENT', value: 10 },
    createdAt: new Date(0).toISOString(),
  } as Campaign;
}

/**
 * Fills `day` to `quota` through `store`: batches of 10 users admitted together and claimed in one call, as a
 * consumer batch does, except every `1/lostShare`-th user (left pending). All but the last `sample` admissions come
 * from `concurrency / 10` batches at a time; the sample's batches then run one at a time with `metered.on`, so
 * admission and claim calls are counted apart and exactly.
 */
async function fillDay(
  store: AdmissionStore,
  day: CampaignDay,
  quota: number,
  options: BigDaysOptions,
  metered: Meter,
): Promise<{ admitCalls: number; claimCalls: number; wcu: number; rcu: number }> {
  const lostEvery = Math.max(1, Math.min(quota, Math.round(1 / options.lostShare)));
  const expiresAt = Math.floor(Date.now() / 1000) + 86_400;
  const counted = { admitCalls: 0, claimCalls: 0, wcu: 0, rcu: 0 };
  const batch = async (b: number) => {
    const users = Array.from({ length: Math.min(10, quota - b * 10) }, (_, i) => `user-${b * 10 + i}`);
    const before = { ...metered };
    const outcomes = await Promise.all(
      users.map((userId) =>
        store.admit({ day, userId, requestId: `r-${userId}`, quota, admittedAt: new Date().toISOString(), expiresAt }),
      ),
    );
    const admitted = { ...metered };
    const claims = outcomes.flatMap((o, i) =>
      o.kind === 'ADMITTED' && (b * 10 + i) % lostEvery !== lostEvery - 1
        ? [{ userId: users[i] as string, rank: o.rank }]
        : [],
    );
    await store.claim(day, claims);
    if (metered.on) {
      counted.admitCalls += admitted.calls - before.calls;
      counted.claimCalls += metered.calls - admitted.calls;
      counted.wcu += metered.wcu - before.wcu;
      counted.rcu += metered.rcu - before.rcu;
    }
  };
  const batches = Math.ceil(quota / 10);
  const sampleFrom = Math.max(0, batches - Math.ceil(options.sample / 10));
  let next = 0;
  const worker = async () => {
    for (let b = next++; b < sampleFrom; b = next++) await batch(b);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.floor(options.concurrency / 10)) }, worker));
  metered.on = true;
  for (let b = sampleFrom; b < batches; b++) await batch(b);
  metered.on = false;
  return counted;
}

const costOf = ({ ms, peakBytes, retainedBytes }: ReadCost): ReadCost => ({ ms, peakBytes, retainedBytes });

/** Measures one day in `store` (filled to `quota`). */
async function measureDay(
  mode: AdmissionMode,
  store: AdmissionStore,
  quota: number,
  options: BigDaysOptions,
  metered: Meter,
  redisBytes: (day: CampaignDay) => Promise<number>,
  log: (line: string) => void,
): Promise<BigDayResult> {
  const issueDate = new Date().toISOString().slice(0, 10);
  const day = { campaignId: `big-${mode}-${quota}-${Date.now().toString(36)}`, issueDate };
  const started = performance.now();
  const counted = await fillDay(store, day, quota, options, metered);
  const fillSeconds = Math.round((performance.now() - started) / 100) / 10;
  const sampled = Math.min(quota, Math.ceil(options.sample / 10) * 10);
  const admitted = await store.admittedCount(day);
  const lost = Math.floor(quota / Math.max(1, Math.min(quota, Math.round(1 / options.lostShare))));
  const sent: AdmissionMessage[] = [];
  const run = await measure(() =>
    reconcile({
      campaigns: { list: async () => [campaignOf(day.campaignId, quota, issueDate)] },
      admissions: store,
      coupons: {
        existing: async () => new Set<string>(),
        persistedCount: async (d) => (d.issueDate === issueDate ? admitted - lost : 0),
      },
      failures: { statuses: async () => new Map() },
      queue: { send: async (m) => void sent.push(m) },
      queueDepth: async () => 0,
      maxMessageAgeMs: 900_000,
      // Past the grace period: every unclaimed admission is due.
      clock: () => new Date(Date.now() + 181_000),
      log: { warn: () => undefined, error: () => undefined },
      graceMs: 180_000,
      // The issue day and the one before, as the function reconciles them (the clock may have crossed midnight).
      lookbackMs: 86_400_000,
    }),
  );
  const ledgerRead = await measure(() => store.ledger(day));
  const cache = new SoldOutCache(systemClock);
  const snapshot = await measure(async () => {
    cache.mark(day, await store.admittedCount(day));
    return cache;
  });
  const ledgerSnapshot = await measure(() => store.admittedUsers(day));
  const result: BigDayResult = {
    mode,
    quota,
    fillSeconds,
    perAdmission: {
      admitCalls: counted.admitCalls / sampled,
      claimCalls: counted.claimCalls / sampled,
      wcu: counted.wcu / sampled,
      rcu: counted.rcu / sampled,
      redisBytes: Math.round(await redisBytes(day)) / Math.max(1, admitted),
    },
    reconcile: { ...costOf(run), reconciled: sent.length },
    ledgerRead: costOf(ledgerRead),
    snapshot: costOf(snapshot),
    ledgerSnapshot: costOf(ledgerSnapshot),
  };
  log(
    `${mode} quota ${quota}: filled in ${fillSeconds} s; reconciliation ${run.ms} ms (${sent.length} re-enqueued), ` +
      `ledger read ${ledgerRead.ms} ms; ${result.perAdmission.admitCalls + result.perAdmission.claimCalls} calls/admission`,
  );
  return result;
}

/**
 * Runs the big-days benchmark: Redis-mode days, then DynamoDB-mode days, each against a fresh emulator.
 * @throws Error when an emulator cannot start.
 */
export async function benchBigDays(
  options: BigDaysOptions = BIG_DAYS_DEFAULTS,
  log: (line: string) => void = () => undefined,
): Promise<BigDaysResult> {
  const days: BigDayResult[] = [];
  if (options.redisQuotas.length > 0) {
    const server = await startRedisServer('.local/bench');
    const bridge = await startUpstashBridge({ redisPort: server.port, token: 'bench' });
    const direct = new IORedis({ port: server.port, host: '127.0.0.1', lazyConnect: true });
    const metered = meter();
    const realFetch = globalThis.fetch;
    // Commands, as Upstash bills them: @upstash/redis pipelines concurrent commands into one request (a Lambda
    // instance serves one request at a time, so there it sends one command per request).
    globalThis.fetch = (async (...args: Parameters<typeof fetch>) => {
      if (metered.on) metered.calls += commandsOf(String(args[0]), args[1]?.body);
      return realFetch(...args);
    }) as typeof fetch;
    try {
      const store = new RedisAdmissionStore(
        new Redis({ url: bridge.url, token: bridge.token, enableTelemetry: false, automaticDeserialization: false }),
      );
      const redisBytes = async (day: CampaignDay) => {
        let bytes = 0;
        for (const key of Object.values(dayKeys(day))) {
          bytes += Number((await direct.call('MEMORY', 'USAGE', key, 'SAMPLES', '0')) ?? 0);
        }
        return bytes;
      };
      for (const quota of options.redisQuotas) {
        days.push(await measureDay('redis', store, quota, options, metered, redisBytes, log));
      }
    } finally {
      globalThis.fetch = realFetch;
      direct.disconnect();
      await bridge.stop();
      await server.stop();
    }
  }
  if (options.dynamodbQuotas.length > 0) {
    const dynamo = await startDynamoDbLocal('.local/bench');
    const client = localDynamoDbClient(dynamo.endpoint);
    const metered = meter();
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (!metered.on) return next(args);
        metered.calls++;
        (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'TOTAL';
        const output = await next(args);
        const consumed = (output.output as { ConsumedCapacity?: unknown }).ConsumedCapacity;
        const units = [consumed ?? []]
          .flat()
          .reduce((sum: number, c) => sum + Number((c as { CapacityUnits?: number }).CapacityUnits ?? 0), 0);
        if (/^(Get|BatchGet|Query|Scan)/.test(context.commandName ?? '')) metered.rcu += units;
        else metered.wcu += units;
        return output;
      },
      { step: 'initialize', name: 'bigDaysMeter' },
    );
    try {
      await createAdmissionTable(client, 'admission');
      const store = new DynamoDbAdmissionStore(
        DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }),
        'admission',
      );
      for (const quota of options.dynamodbQuotas) {
        days.push(await measureDay('dynamodb', store, quota, options, metered, async () => 0, log));
      }
    } finally {
      client.destroy();
      await dynamo.stop();
    }
  }
  return { days };
}

/** The per-admission cost compared by the goal: backend calls, capacity units and Redis bytes, by mode. */
export function costRatios(
  result: BigDaysResult,
): { mode: AdmissionMode; from: number; to: number; ratios: Record<string, number> }[] {
  const out = [];
  for (const mode of ['redis', 'dynamodb'] as const) {
    const days = result.days.filter((d) => d.mode === mode).sort((a, b) => a.quota - b.quota);
    const [first, last] = [days[0], days[days.length - 1]];
    if (!first || !last || first === last) continue;
    const cost = (d: BigDayResult) => ({
      calls: d.perAdmission.admitCalls + d.perAdmission.claimCalls,
      capacity: d.perAdmission.wcu + d.perAdmission.rcu,
      bytes: d.perAdmission.redisBytes,
    });
    const [a, b] = [cost(first), cost(last)];
    const ratios = Object.fromEntries(
      (Object.keys(a) as (keyof typeof a)[])
        .filter((k) => a[k] > 0)
        .map((k) => [k, Math.round((b[k] / a[k]) * 100) / 100]),
    );
    out.push({ mode, from: first.quota, to: last.quota, ratios });
  }
  return out;
}

const mib = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
const round2 = (v: number) => Math.round(v * 100) / 100;

/** The big-days tables (BENCHMARKS.md, question Q6). */
export function formatBigDays(result: BigDaysResult): string[] {
  return [
    '',
    '## Q6. Big days: cost per admission and per run against the quota',
    '',
    markdownTable(result.days, {
      mode: (d) => d.mode,
      quota: (d) => d.quota.toLocaleString('en-US'),
      'fill s': (d) => d.fillSeconds,
      'calls/admission (admit + claim)': (d) =>
        `${round2(d.perAdmission.admitCalls + d.perAdmission.claimCalls)} (${round2(d.perAdmission.admitCalls)} + ${round2(d.perAdmission.claimCalls)})`,
      'WCU/admission': (d) => round2(d.perAdmission.wcu),
      'RCU/admission': (d) => round2(d.perAdmission.rcu),
      'Redis bytes/admission': (d) => Math.round(d.perAdmission.redisBytes),
      'reconciliation ms / peak MiB (re-enqueued)': (d) =>
        `${d.reconcile.ms} / ${mib(d.reconcile.peakBytes)} (${d.reconcile.reconciled})`,
      'before: ledger read ms / peak MiB': (d) => `${d.ledgerRead.ms} / ${mib(d.ledgerRead.peakBytes)}`,
      'snapshot refresh ms / held bytes': (d) => `${d.snapshot.ms} / ${d.snapshot.retainedBytes}`,
      'before: ledger copy ms / held MiB': (d) => `${d.ledgerSnapshot.ms} / ${mib(d.ledgerSnapshot.retainedBytes)}`,
    }),
  ];
}

/**
 * Q6 charts against the quota (log scales), by mode: per-admission cost (calls, capacity units, Redis bytes), and
 * each periodic read's time and heap: a reconciliation run and the sold-out snapshot, beside the whole-ledger read
 * each replaced.
 */
export function bigDaysCharts(result: BigDaysResult): Record<string, ChartSpec> {
  const x = { field: 'quota', type: 'quantitative', title: 'daily quota', scale: { type: 'log' } } as const;
  const perAdmission = result.days.flatMap((d) => [
    {
      mode: d.mode,
      quota: d.quota,
      measure: 'backend calls',
      value: d.perAdmission.admitCalls + d.perAdmission.claimCalls,
    },
    ...(d.mode === 'dynamodb'
      ? [
          { mode: d.mode, quota: d.quota, measure: 'WCU', value: d.perAdmission.wcu },
          { mode: d.mode, quota: d.quota, measure: 'RCU', value: d.perAdmission.rcu },
        ]
      : [{ mode: d.mode, quota: d.quota, measure: 'Redis bytes / 100', value: d.perAdmission.redisBytes / 100 }]),
  ]);
  const reads = result.days.flatMap((d) =>
    (
      [
        ['reconciliation run (peak heap)', d.reconcile, d.reconcile.peakBytes],
        ['before: whole-ledger read (peak heap)', d.ledgerRead, d.ledgerRead.peakBytes],
        ['sold-out snapshot refresh (held heap)', d.snapshot, d.snapshot.retainedBytes],
        ['before: ledger copy (held heap)', d.ledgerSnapshot, d.ledgerSnapshot.retainedBytes],
      ] as const
    ).flatMap(([read, cost, bytes]) => [
      { mode: d.mode, quota: d.quota, read, measure: 'ms', value: Math.max(cost.ms, 0.1) },
      { mode: d.mode, quota: d.quota, read, measure: 'heap MiB', value: Math.max(bytes / 2 ** 20, 0.001) },
    ]),
  );
  if (result.days.length === 0) return {};
  return {
    'big-days-per-admission': {
      title: 'Cost per admission (admission and its claim) against the daily quota',
      data: { values: perAdmission },
      facet: { column: { field: 'mode', title: null } },
      spec: {
        width: 260,
        height: 220,
        mark: { type: 'line', point: true },
        encoding: {
          x,
          y: { field: 'value', type: 'quantitative', title: 'per admission', scale: { zero: true } },
          color: { field: 'measure', title: null, legend: { orient: 'bottom' } },
        },
      },
    },
    'big-days-reads': {
      title: 'Periodic reads against the daily quota: time and heap (log scales)',
      data: { values: reads },
      facet: { row: { field: 'measure', title: null }, column: { field: 'mode', title: null } },
      resolve: { scale: { y: 'independent' } },
      spec: {
        width: 260,
        height: 180,
        mark: { type: 'line', point: true },
        encoding: {
          x,
          y: { field: 'value', type: 'quantitative', title: null, scale: { type: 'log' } },
          color: { field: 'read', title: null, legend: { orient: 'bottom', labelLimit: 300 } },
          strokeDash: { field: 'read', legend: null },
        },
      },
    },
  };
}
