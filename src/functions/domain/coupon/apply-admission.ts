import { type AdmissionMessage, admissionKeyOf, campaignDayKey } from '../admission/admission';
import type { AdmissionStore } from '../admission/ports';
import { type Campaign, couponExpiresAt } from '../campaign/campaign';
import type { Clock } from '../kernel/clock';
import { PoisonMessageError } from './admission-message';
import type { Coupon } from './coupon';
import type { CouponStore } from './ports';

/** Dependencies of {@link applyAdmission}. */
export interface ApplyAdmissionDeps {
  readonly campaigns: { get(campaignId: string): Promise<Campaign | undefined> };
  /** The admission ledger: a coupon is written only for an admission it holds, claimed first. */
  readonly admissions: Pick<AdmissionStore, 'claim'>;
  readonly coupons: Pick<CouponStore, 'putIfAbsent'>;
  readonly clock: Clock;
}

/**
 * What applying one admission did: `CREATED` its coupon, found it `EXISTS` (an earlier copy wrote it), or found
 * the admission `RELEASED` (the ledger no longer holds the user with that rank, or never did): nothing written,
 * and nothing ever will be for that message.
 */
export type ApplyOutcome = 'CREATED' | 'EXISTS' | 'RELEASED';

/** What {@link applyAdmissions} settled, and the first error that left some unsettled. */
interface ApplyBatchOutcome {
  /**
   * The outcome of each admission settled, by admission (admissionKeyOf, admission/admission.ts: coupon id and rank), not by
   * coupon id: a stale copy of a released admission and the same user's later admission share a coupon id.
   */
  readonly settled: Map<string, ApplyOutcome>;
  readonly failure?: unknown;
}

/** The coupon an admission of `campaign` becomes, issued at `now`. */
function couponOf(campaign: Campaign, message: AdmissionMessage, now: Date): Coupon {
  return {
    ...message,
    issuedAt: now.toISOString(),
    vendorId: campaign.vendorId,
    expiresAt: couponExpiresAt(campaign).toISOString(),
    status: 'ISSUED',
    discount: campaign.discount,
  };
}

/**
 * {@link applyAdmission} for a batch of admissions, written together (CouponStore.putAllIfAbsent, coupon/ports.ts): one
 * ledger claim per issue day, then one transaction per batch instead of one per coupon, so the consumer makes a
 * tenth of the requests and the day's STATS item (one item: its transaction limit is in BENCHMARKS.md, capacity
 * model) takes one counter update per batch. Admissions the ledger does not hold are settled RELEASED and not
 * written. Admissions of an unknown campaign, and those a failed claim or write left unsettled, are not in
 * `settled`: the caller applies them one by one ({@link applyAdmission}), so a bad record fails alone. Each held
 * admission takes the outcome of its coupon's write, so a released copy sharing its coupon id stays RELEASED.
 * @throws backend errors of the campaign reads, as thrown.
 */
export async function applyAdmissions(
  deps: Omit<ApplyAdmissionDeps, 'coupons'> & { readonly coupons: Pick<CouponStore, 'putAllIfAbsent'> },
  messages: readonly AdmissionMessage[],
): Promise<ApplyBatchOutcome> {
  const ids = [...new Set(messages.map((m) => m.campaignId))];
  const campaigns = new Map(await Promise.all(ids.map(async (id) => [id, await deps.campaigns.get(id)] as const)));
  const byDay = new Map<string, AdmissionMessage[]>();
  for (const message of messages) {
    if (!campaigns.get(message.campaignId)) continue;
    const key = campaignDayKey(message);
    byDay.set(key, [...(byDay.get(key) ?? []), message]);
  }
  const settled = new Map<string, ApplyOutcome>();
  const held: AdmissionMessage[] = [];
  let failure: unknown;
  await Promise.all(
    [...byDay.values()].map(async (dayMessages) => {
      try {
        const flags = await deps.admissions.claim(dayMessages[0] as AdmissionMessage, dayMessages);
        for (const [i, message] of dayMessages.entries()) {
          if (flags[i]) held.push(message);
          else settled.set(admissionKeyOf(message), 'RELEASED');
        }
      } catch (error) {
        failure ??= error;
      }
    }),
  );
  if (held.length === 0) return { settled, failure };
  const now = deps.clock();
  const written = await deps.coupons.putAllIfAbsent(
    held.map((message) => couponOf(campaigns.get(message.campaignId) as Campaign, message, now)),
  );
  for (const message of held) {
    const outcome = written.settled.get(message.couponId);
    if (outcome) settled.set(admissionKeyOf(message), outcome);
  }
  return { settled, failure: failure ?? written.failure };
}

/**
 * Turns an admission into a coupon, idempotently: the coupon id is derived from the admission, and the write is
 * conditional on it not existing, so redelivery, replay and reconciliation never create a second coupon. The
 * ledger check comes first: an admission the ledger does not hold (released, or never admitted) is RELEASED and
 * nothing is written; a held one is claimed, so no release can undo it once its coupon may exist.
 * @throws PoisonMessageError when the campaign does not exist; backend errors as thrown.
 */
export async function applyAdmission(deps: ApplyAdmissionDeps, message: AdmissionMessage): Promise<ApplyOutcome> {
  const campaign = await deps.campaigns.get(message.campaignId);
  if (!campaign) throw new PoisonMessageError(`campaign '${message.campaignId}' does not exist`);
  const [held] = await deps.admissions.claim(message, [message]);
  if (!held) return 'RELEASED';
  return deps.coupons.putIfAbsent(couponOf(campaign, message, deps.clock()));
}

/**
 * The outcome of one record of a consumer batch: the batch write's ({@link applyAdmissions}, keyed by
 * admissionKeyOf) when it settled the admission, else {@link applyAdmission} alone. A second delivery of one
 * message in the batch takes `EXISTS` after the first took `CREATED`. Keyed by admission, not coupon id: a released
 * admission's stale copy and the user's later admission share a coupon id. @throws what applyAdmission throws.
 */
export async function outcomeOfRecord(
  deps: ApplyAdmissionDeps,
  settled: Map<string, ApplyOutcome>,
  message: AdmissionMessage,
): Promise<ApplyOutcome> {
  const key = admissionKeyOf(message);
  const outcome = settled.get(key);
  if (outcome === 'CREATED') settled.set(key, 'EXISTS');
  return outcome ?? applyAdmission(deps, message);
}
