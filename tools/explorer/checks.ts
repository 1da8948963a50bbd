import type { DynamoDbCouponStore } from '../../src/functions/adapters/dynamodb/coupon-store';
import type { DynamoDbFailedEventStore } from '../../src/functions/adapters/dynamodb/failed-event-store';
import { type CampaignDay, couponIdOf } from '../../src/functions/domain/admission/admission';
import type { AdmissionStore } from '../../src/functions/domain/admission/ports';
import type { FaultPlan } from './faults';

// The five guarantees of RELIABILITY.md, checked on what the backends hold once a run has settled.

/** What a user was answered: the HTTP outcome of one issue request, or no answer when its function crashed. */
export type Answer =
  | 'ACCEPTED'
  | 'SOLD_OUT'
  | 'ALREADY_ISSUED'
  | 'UNAVAILABLE'
  | 'OUTCOME_UNKNOWN'
  | 'CRASHED'
  | string;

/** The outcome of one run: the guarantees it broke (empty when none) and what happened. */
export interface RunReport {
  readonly violations: string[];
  readonly answers: Record<string, Answer[]>;
  readonly ledger: number;
  readonly counter: number;
  readonly persisted: number;
  readonly injected: Record<string, number>;
  readonly parked: number;
}

/** How long after the faults clear new users keep asking (guarantee 2's bound), ms. */
export const DEMAND_AFTER_CLEAR_MS = 10_000;

/** Reads what the backends hold for the day and checks the five guarantees. */
export async function check(input: {
  store: AdmissionStore;
  coupons: DynamoDbCouponStore;
  failures: DynamoDbFailedEventStore;
  day: CampaignDay;
  quota: number;
  answers: Record<string, Answer[]>;
  afterDemand: number;
  plan: FaultPlan;
}): Promise<RunReport> {
  const { store, coupons, day, quota, answers } = input;
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
  if (holders.size > quota) violations.push(`1. ${holders.size} users hold a coupon for a quota of ${quota}`);
  const asked = Object.keys(answers).length;
  if (input.afterDemand !== Math.min(quota, asked)) {
    violations.push(
      `2. ${input.afterDemand} admitted ${DEMAND_AFTER_CLEAR_MS / 1000} s after the faults cleared, for a quota of ${quota} and ${asked} users asking`,
    );
  }
  for (const [userId, rank] of held) {
    const entry = ledger.find((e) => e.userId === userId);
    if (entry && entry.rank !== rank)
      violations.push(`3. ${userId}'s coupon has rank ${rank}, the ledger ${entry.rank}`);
  }
  if (new Set(ledger.map((e) => e.userId)).size !== ledger.length) violations.push('3. a user twice in the ledger');
  for (const [userId, said] of Object.entries(answers)) {
    if (said.includes('ACCEPTED') && !held.has(userId)) {
      violations.push(`4. ${userId} was told 202 (${said.join(', ')}) and holds no coupon`);
    }
    const refused = said.every((a) => a === 'UNAVAILABLE' || a === 'SOLD_OUT');
    if (held.has(userId) && refused)
      violations.push(`4. ${userId} was told only ${said.join(', ')} and holds a coupon`);
  }
  if (!(ledger.length === counter && counter === persisted && persisted === held.size)) {
    violations.push(`5. ledger ${ledger.length}, counter ${counter}, persisted ${persisted}, coupons ${held.size}`);
  }
  if (parked > 0) violations.push(`4. ${parked} admissions parked (their users wait for an operator)`);
  return { violations, answers, ledger: ledger.length, counter, persisted, injected: input.plan.injected, parked };
}
