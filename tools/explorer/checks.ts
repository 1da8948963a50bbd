import type { DynamoDbCouponStore } from '../../src/functions/adapters/dynamodb/coupon-store';
import type { DynamoDbFailedEventStore } from '../../src/functions/adapters/dynamodb/failed-event-store';
import { type CampaignDay, couponIdOf } from '../../src/functions/domain/admission/admission';
import type { AdmissionStore } from '../../src/functions/domain/admission/ports';
import type { FaultPlan } from './faults';

// The guarantees of RELIABILITY.md (G1-G5 per issue day, G6 per campaign with perUserCampaignLimit), checked on
// what the backends hold once a run has settled.

/** What a user was answered: the HTTP outcome of one issue request, or no answer when its function crashed. */
export type Answer =
  | 'ACCEPTED'
  | 'SOLD_OUT'
  | 'ALREADY_ISSUED'
  | 'UNAVAILABLE'
  | 'OUTCOME_UNKNOWN'
  | 'CRASHED'
  | string;

/** The answers of a run: issue day (local date) -> user id -> what each of the user's requests was answered. */
export type Answers = Record<string, Record<string, Answer[]>>;

/**
 * The outcome of one run: the guarantees it broke (empty when none) and what happened. `ledger`, `counter`,
 * `persisted` and `parked` are summed over the run's issue days.
 */
export interface RunReport {
  readonly violations: string[];
  readonly answers: Answers;
  readonly ledger: number;
  readonly counter: number;
  readonly persisted: number;
  readonly injected: Record<string, number>;
  readonly parked: number;
  /** Domain events the bus received, duplicates included (tools/explorer/events.ts). */
  readonly events?: number;
}

/** How long after the faults clear new users keep asking (guarantee 2's bound), ms. */
export const DEMAND_AFTER_CLEAR_MS = 10_000;

/** What one issue day holds once the run settled, and the guarantees G1, G3, G4 and G5 broken on it. */
async function checkDay(
  input: Pick<Parameters<typeof check>[0], 'store' | 'coupons' | 'failures' | 'quota'>,
  day: CampaignDay,
  answers: Record<string, Answer[]>,
  /** Prefix of the violations (the issue day, when the run has several). */
  on: string,
) {
  const { store, coupons, quota } = input;
  const ledger = await store.ledger(day);
  const counter = await store.admittedCount(day);
  const persisted = await coupons.persistedCount(day);
  const held = new Map<string, number>();
  for (const userId of Object.keys(answers)) {
    const coupon = await coupons.get(couponIdOf(day.campaignId, day.issueDate, userId));
    if (coupon) held.set(userId, coupon.rank);
  }
  const statuses = await input.failures.statuses(
    Object.keys(answers).map((u) => couponIdOf(day.campaignId, day.issueDate, u)),
  );
  const parked = [...statuses.values()].filter((s) => s === 'PARKED').length;
  const violations: string[] = [];
  const holders = new Set([...held.keys(), ...ledger.map((e) => e.userId)]);
  if (holders.size > quota) violations.push(`1. ${on}${holders.size} users hold a coupon for a quota of ${quota}`);
  for (const [userId, rank] of held) {
    const entry = ledger.find((e) => e.userId === userId);
    if (entry && entry.rank !== rank)
      violations.push(`3. ${on}${userId}'s coupon has rank ${rank}, the ledger ${entry.rank}`);
  }
  if (new Set(ledger.map((e) => e.userId)).size !== ledger.length)
    violations.push(`3. ${on}a user twice in the ledger`);
  for (const [userId, said] of Object.entries(answers)) {
    if (said.includes('ACCEPTED') && !held.has(userId)) {
      violations.push(`4. ${on}${userId} was told 202 (${said.join(', ')}) and holds no coupon`);
    }
    const refused = said.every((a) => a === 'UNAVAILABLE' || a === 'SOLD_OUT');
    if (held.has(userId) && refused)
      violations.push(`4. ${on}${userId} was told only ${said.join(', ')} and holds a coupon`);
  }
  if (!(ledger.length === counter && counter === persisted && persisted === held.size)) {
    violations.push(
      `5. ${on}ledger ${ledger.length}, counter ${counter}, persisted ${persisted}, coupons ${held.size}`,
    );
  }
  if (parked > 0) violations.push(`4. ${on}${parked} admissions parked (their users wait for an operator)`);
  return { violations, holders, ledger: ledger.length, counter, persisted, parked };
}

/**
 * Reads what the backends hold for each issue day the run asked on and checks the guarantees: G1, G3, G4 and G5 on
 * every day, G2 on `today` (where new users kept asking after the faults cleared), and with `campaignLimit` G6: no
 * user holds a coupon or an admission on two issue days of the campaign.
 */
export async function check(input: {
  store: AdmissionStore;
  coupons: DynamoDbCouponStore;
  failures: DynamoDbFailedEventStore;
  /** The day the demand after the faults asked on (G2). */
  today: CampaignDay;
  quota: number;
  answers: Answers;
  afterDemand: number;
  plan: FaultPlan;
  /** Whether the campaign has `perUserCampaignLimit` (G6). */
  campaignLimit: boolean;
}): Promise<RunReport> {
  const { today, quota, answers } = input;
  const dates = Object.keys(answers).sort();
  const violations: string[] = [];
  const days = new Map<string, Awaited<ReturnType<typeof checkDay>>>();
  for (const issueDate of dates) {
    const on = dates.length > 1 ? `${issueDate}: ` : '';
    const day = await checkDay(input, { ...today, issueDate }, answers[issueDate] ?? {}, on);
    violations.push(...day.violations);
    days.set(issueDate, day);
  }
  const asked = Object.keys(answers[today.issueDate] ?? {}).length;
  if (input.afterDemand !== Math.min(quota, asked)) {
    violations.push(
      `2. ${input.afterDemand} admitted ${DEMAND_AFTER_CLEAR_MS / 1000} s after the faults cleared, for a quota of ${quota} and ${asked} users asking`,
    );
  }
  if (input.campaignLimit) {
    const heldOn = new Map<string, string[]>();
    for (const [issueDate, day] of days) {
      for (const userId of day.holders) heldOn.set(userId, [...(heldOn.get(userId) ?? []), issueDate]);
    }
    for (const [userId, on] of heldOn) {
      if (on.length > 1) violations.push(`6. ${userId} holds a coupon on ${on.join(' and ')} (one per campaign)`);
    }
  }
  const sum = (field: 'ledger' | 'counter' | 'persisted' | 'parked') =>
    [...days.values()].reduce((total, day) => total + day[field], 0);
  return {
    violations,
    answers,
    ledger: sum('ledger'),
    counter: sum('counter'),
    persisted: sum('persisted'),
    injected: input.plan.injected,
    parked: sum('parked'),
  };
}
