import * as z from 'zod/mini';
import './zod-messages';
import type { AdmissionMessage, CampaignDay } from './admission';
import { type Campaign, couponExpiresAt } from './campaign';

/** A coupon as stored. Instants are ISO-8601 UTC; `issueDate` is the local issue day. */
export interface Coupon {
  readonly couponId: string;
  readonly campaignId: string;
  readonly issueDate: string;
  readonly userId: string;
  readonly rank: number;
  readonly admittedAt: string;
  readonly issuedAt: string;
  /** Exclusive end of validity, see couponExpiresAt. */
  readonly expiresAt: string;
  readonly status: 'ISSUED';
  readonly discount: Campaign['discount'];
}

/** Schema of the queue message body; a body that fails it is a poison message. */
export const admissionMessageSchema = z.strictObject({
  campaignId: z.string().check(z.minLength(1)),
  issueDate: z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/)),
  userId: z.string().check(z.minLength(1)),
  rank: z.int().check(z.gte(1)),
  admittedAt: z.iso.datetime(),
  couponId: z.string().check(z.regex(/^[0-9a-f]{32}$/)),
});

/** Port: coupon storage. */
export interface CouponStore {
  /**
   * Writes the coupon unless one with its id exists, and counts it as persisted for its day in the same
   * transaction. Returns 'CREATED' or 'EXISTS'; throws on backend failure.
   */
  putIfAbsent(coupon: Coupon): Promise<'CREATED' | 'EXISTS'>;
  get(couponId: string): Promise<Coupon | undefined>;
  /** The subset of `couponIds` that exist. */
  existing(couponIds: readonly string[]): Promise<Set<string>>;
  /** Coupons persisted for the day. */
  persistedCount(day: CampaignDay): Promise<number>;
}

/** Error for a message that can never be applied (bad body, unknown campaign): it is parked, not retried forever. */
export class PoisonMessageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PoisonMessageError';
  }
}

/** Parses a queue message body. @throws PoisonMessageError when it is not an admission message. */
export function parseAdmissionMessage(body: string): AdmissionMessage {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (cause) {
    throw new PoisonMessageError('message body is not JSON', { cause });
  }
  const parsed = admissionMessageSchema.safeParse(json);
  if (!parsed.success)
    throw new PoisonMessageError(`message body is not an admission: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** Dependencies of {@link applyAdmission}. */
export interface ApplyAdmissionDeps {
  readonly campaigns: { get(campaignId: string): Promise<Campaign | undefined> };
  readonly coupons: CouponStore;
  readonly clock: () => Date;
}

/**
 * Turns an admission into a coupon, idempotently: the coupon id is derived from the admission, and the write is
 * conditional on it not existing, so redelivery, replay and reconciliation never create a second coupon.
 * @throws PoisonMessageError when the campaign does not exist; backend errors as thrown.
 */
export async function applyAdmission(
  deps: ApplyAdmissionDeps,
  message: AdmissionMessage,
): Promise<'CREATED' | 'EXISTS'> {
  const campaign = await deps.campaigns.get(message.campaignId);
  if (!campaign) throw new PoisonMessageError(`campaign '${message.campaignId}' does not exist`);
  return deps.coupons.putIfAbsent({
    ...message,
    issuedAt: deps.clock().toISOString(),
    expiresAt: couponExpiresAt(campaign).toISOString(),
    status: 'ISSUED',
    discount: campaign.discount,
  });
}
