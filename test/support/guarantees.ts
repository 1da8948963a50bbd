import type { CampaignDay } from '../../src/functions/domain/admission/admission';
import type { LedgerEntry } from '../../src/functions/domain/admission/ports';
import { type IssueAnswer, type PipelineProbe, sleep } from './pipeline';

// The five guarantees of a campaign day (test/e2e/exactly-n.test.ts), checked from what the clients were told and
// what the emulators hold, each violation named by its guarantee with the offending users and counts.

/** Who holds a coupon of the day at one instant: coupon owners and admitted users (pending ones included). */
interface HolderSample {
  /** Epoch ms. */
  readonly at: number;
  readonly ledger: number;
  readonly coupons: number;
  /** Users in the ledger or owning a coupon, sorted. */
  readonly holders: readonly string[];
}

/** What {@link sampleHolders} saw over a run. */
interface HolderRecord {
  readonly samples: number;
  /** The most holders at any sample. */
  readonly maxHolders: number;
  /** The first sample with more holders than the quota. */
  readonly firstOverQuota?: HolderSample;
  /** When a sample first found the ledger holding `quota` users, epoch ms. */
  readonly quotaReachedAt?: number;
  /** Samples whose reads failed (a test tool problem, reported, not a product failure). */
  readonly failedSamples: number;
}

/** A running sampler; `stop` takes one last sample and returns the record. */
export interface HolderSampler {
  stop(): Promise<HolderRecord>;
}

/** The users of `items`, sorted, each once. */
const userIdsOf = (items: readonly { userId?: unknown }[]) => [...new Set(items.map((i) => String(i.userId)))].sort();

/**
 * Samples the day's holders every `everyMs` (reads straight from the emulators, so it works while faults are
 * injected), one sample at a time, until stopped.
 */
export function sampleHolders(probe: PipelineProbe, day: CampaignDay, quota: number, everyMs = 1_000): HolderSampler {
  let running = true;
  let samples = 0;
  let failedSamples = 0;
  let maxHolders = 0;
  let firstOverQuota: HolderSample | undefined;
  let quotaReachedAt: number | undefined;
  const sample = async () => {
    try {
      const at = Date.now();
      const [ledger, coupons] = await Promise.all([probe.ledger(day), probe.coupons(day.campaignId)]);
      const holders = [...new Set([...userIdsOf(ledger), ...userIdsOf(coupons)])].sort();
      samples++;
      maxHolders = Math.max(maxHolders, holders.length);
      if (holders.length > quota && !firstOverQuota) {
        firstOverQuota = { at, ledger: ledger.length, coupons: coupons.length, holders };
      }
      if (ledger.length >= quota && quotaReachedAt === undefined) quotaReachedAt = at;
    } catch {
      failedSamples++;
    }
  };
  const loop = (async () => {
    while (running) {
      await sample();
      await sleep(everyMs);
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      await sample();
      return { samples, maxHolders, firstOverQuota, quotaReachedAt, failedSamples };
    },
  };
}

/** The day as the emulators hold it once the run is over. */
export interface DayState {
  readonly ledger: readonly LedgerEntry[];
  readonly coupons: readonly Record<string, unknown>[];
  /** The admission store's own count (Redis HLEN of the day's users, or the sum of the DynamoDB counter shards). */
  readonly admittedCount: number;
  /** The day's persisted count (the coupon write's STATS counter). */
  readonly persistedCount: number;
  /** Messages in the issue queue and in the dead-letter queue, all campaigns. */
  readonly inFlight: number;
  readonly deadLetters: number;
}

/** Reads {@link DayState}. */
export async function readDay(probe: PipelineProbe, day: CampaignDay): Promise<DayState> {
  const [ledger, coupons, admittedCount, persistedCount, inFlight, deadLetters] = await Promise.all([
    probe.ledger(day),
    probe.coupons(day.campaignId),
    probe.admissions.admittedCount(day),
    probe.persistedCount(day),
    probe.queueDepth('IssueQueue'),
    probe.queueDepth('IssueDeadLetterQueue'),
  ]);
  return { ledger, coupons, admittedCount, persistedCount, inFlight, deadLetters };
}

/** Everything {@link guaranteeViolations} judges. */
export interface DayRun {
  readonly quota: number;
  /** Every answer of the day's issue requests (burst and later demand). */
  readonly answers: readonly IssueAnswer[];
  readonly record: HolderRecord;
  /** The state after the pipeline settled (or the settling timed out). */
  readonly final: DayState;
  /** Whether the pipeline settled (persisted == admitted, queues empty), else why not. */
  readonly settled: true | string;
  /** When the fault was cleared, epoch ms. */
  readonly clearedAt: number;
}

/** At most 40 ids, then how many more. */
const list = (ids: readonly string[]) =>
  ids.length <= 40 ? `[${ids.join(', ')}]` : `[${ids.slice(0, 40).join(', ')}, ... ${ids.length - 40} more]`;

/** `<status> <code>` of an answer, e.g. `409 SOLD_OUT`. */
const codeOf = (a: IssueAnswer) => `${a.status} ${String(a.body.code ?? a.body.message)}`;

/** When `at` was relative to the fault's end, e.g. `4.5 s after the fault cleared`. */
export function sinceCleared(run: Pick<DayRun, 'clearedAt'>, at: number): string {
  const s = (at - run.clearedAt) / 1000;
  return `${Math.abs(s).toFixed(1)} s ${s >= 0 ? 'after' : 'before'} the fault cleared`;
}

/**
 * The violations of the five guarantees, one line each, naming the guarantee, the counts and the users:
 * 1. never more than the quota: holders (coupon owners and admitted users) <= quota at every sample and at the end;
 * 2. exactly the quota while demand lasts: the day ends with `quota` coupons;
 * 3. one coupon per user per day (and one ledger entry);
 * 4. every user told 202 ACCEPTED (or 409 ALREADY_ISSUED, unless another of their requests got a 503) ends with a
 *    coupon; no user whose answers were only
 *    503 or 409 SOLD_OUT holds one;
 * 5. once settled: ledger count == admission counter == coupons (== the persisted count), the same users.
 */
export function guaranteeViolations(run: DayRun): string[] {
  const { quota, answers, record, final } = run;
  const violations: string[] = [];
  const couponUsers = userIdsOf(final.coupons);
  const ledgerUsers = userIdsOf(final.ledger);
  const owners = new Set(couponUsers);

  // 1. Never more than the quota.
  const holders = [...new Set([...ledgerUsers, ...couponUsers])].sort();
  if (record.firstOverQuota) {
    const over = record.firstOverQuota;
    violations.push(
      `1. never more than the quota: ${over.holders.length} holders for quota ${quota} ${sinceCleared(run, over.at)} ` +
        `(ledger ${over.ledger}, coupons ${over.coupons}; most at any sample ` +
        `${record.maxHolders}): ${list(over.holders)}`,
    );
  }
  if (holders.length > quota) {
    violations.push(
      `1. never more than the quota: ${holders.length} holders for quota ${quota} at the end (ledger ` +
        `${ledgerUsers.length}, coupons ${couponUsers.length}): ${list(holders)}`,
    );
  }

  // 2. Exactly the quota while demand lasts.
  if (final.coupons.length !== quota) {
    const reached =
      record.quotaReachedAt === undefined
        ? 'the ledger never reached the quota'
        : `the ledger reached the quota ${sinceCleared(run, record.quotaReachedAt)}`;
    violations.push(
      `2. exactly the quota while demand lasts: ${final.coupons.length} coupons for quota ${quota} (ledger ` +
        `${final.ledger.length}, admission counter ${final.admittedCount}; ${reached}; ` +
        `${answers.filter((a) => a.body.code === 'SOLD_OUT').length} answers SOLD_OUT)`,
    );
  }

  // 3. One coupon per user per day.
  const several = (ids: readonly unknown[]) => {
    const counts = new Map<string, number>();
    for (const id of ids) counts.set(String(id), (counts.get(String(id)) ?? 0) + 1);
    return [...counts].filter(([, n]) => n > 1).map(([id, n]) => `${id} x${n}`);
  };
  const severalCoupons = several(final.coupons.map((c) => c.userId));
  if (severalCoupons.length > 0) {
    violations.push(`3. one coupon per user per day: users with several coupons: ${list(severalCoupons)}`);
  }
  const severalEntries = several(final.ledger.map((e) => e.userId));
  if (severalEntries.length > 0) {
    violations.push(`3. one coupon per user per day: users admitted several times: ${list(severalEntries)}`);
  }

  // 4. What each user was told matches what they hold.
  const told = new Map<string, IssueAnswer[]>();
  for (const a of answers) told.set(a.userId, [...(told.get(a.userId) ?? []), a]);
  /** Users told `code` at least once who hold no coupon, each with every answer they got. */
  const toldButWithout = (code: string) =>
    [...told]
      .filter(([userId, as]) => !owners.has(userId) && as.some((a) => a.body.code === code))
      .map(([userId, as]) => `${userId} (${as.map(codeOf).join(', ')})`);
  const acceptedWithout = toldButWithout('ACCEPTED');
  if (acceptedWithout.length > 0) {
    violations.push(
      `4. every user told 202 ACCEPTED ends with a coupon: ${acceptedWithout.length} did not: ${list(acceptedWithout)}`,
    );
  }
  // ALREADY_ISSUED tells the user an earlier request was admitted: as binding as ACCEPTED, unless that request
  // itself was answered 503 (its send rejected, its admission released after the repeat saw it; RELIABILITY.md,
  // known limits): then the user was told to ask again.
  const toldAgain = new Set([...told].filter(([, as]) => as.some((a) => a.status === 503)).map(([userId]) => userId));
  const alreadyWithout = toldButWithout('ALREADY_ISSUED').filter((line) => !toldAgain.has(line.split(' (')[0] ?? ''));
  if (alreadyWithout.length > 0) {
    violations.push(
      `4. every user told 409 ALREADY_ISSUED holds a coupon: ${alreadyWithout.length} do not: ${list(alreadyWithout)}`,
    );
  }
  // A 503 whose outcome is unknown (`outcome: 'UNKNOWN'`: neither the admission nor its void was answered in time,
  // RELIABILITY.md) promised nothing either way.
  const refusedHolders = [...told]
    .filter(
      ([userId, as]) =>
        owners.has(userId) &&
        as.every((a) => (a.status === 503 && a.body.outcome !== 'UNKNOWN') || a.body.code === 'SOLD_OUT'),
    )
    .map(([userId, as]) => `${userId} (${as.map(codeOf).join(', ')})`);
  if (refusedHolders.length > 0) {
    violations.push(
      `4. no user whose answers were only 503 / SOLD_OUT holds a coupon: ${refusedHolders.length} do: ` +
        list(refusedHolders),
    );
  }

  // 5. Ledger, admission counter and coupons agree once the pipeline settled.
  const counts = [final.ledger.length, final.admittedCount, final.coupons.length, final.persistedCount];
  const notCoupons = ledgerUsers.filter((u) => !owners.has(u));
  const inLedger = new Set(ledgerUsers);
  const notAdmitted = couponUsers.filter((u) => !inLedger.has(u));
  if (new Set(counts).size > 1 || notCoupons.length > 0 || notAdmitted.length > 0) {
    violations.push(
      `5. ledger == admission counter == persisted coupons: ledger ${counts[0]}, admission counter ${counts[1]}, ` +
        `coupons ${counts[2]} (persisted count ${counts[3]}); admitted without a coupon ${list(notCoupons)}, ` +
        `coupons without an admission ${list(notAdmitted)}; ${
          run.settled === true
            ? 'the pipeline had settled'
            : `the pipeline had not settled (${run.settled}; issue queue ${final.inFlight}, dead-letter queue ${final.deadLetters})`
        }`,
    );
  }
  return violations;
}
