import * as z from 'zod/mini';
import { entityIdSchema } from '../../../contract/rules';
import '../kernel/zod-messages';

/**
 * Vendor as accepted by `POST /v1/admin/vendors` (`vendorId` optional). A vendor issues campaigns and is paid
 * when their coupons are used (README.md, "API": the coupon's life).
 * Every amount of the vendor's campaigns and settlement is in minor units of `currency` (ISO 4217).
 */
export const vendorDefinitionSchema = z.strictObject({
  vendorId: z.optional(entityIdSchema('vendorId')),
  name: z.string().check(z.trim(), z.minLength(1, 'name must not be empty'), z.maxLength(200)),
  currency: z.string().check(z.regex(/^[A-Z]{3}$/, 'currency must be an ISO 4217 code such as USD or KRW')),
});

/** A vendor definition before an id is assigned. */
export type VendorDefinition = z.infer<typeof vendorDefinitionSchema>;

/** A stored vendor. `createdAt` is ISO-8601 UTC. */
export interface Vendor {
  readonly vendorId: string;
  readonly name: string;
  readonly currency: string;
  readonly createdAt: string;
}

/**
 * A vendor's settlement account: `balance` is the sum of the amounts of its ledger entries (minor units of
 * `currency`): each redemption's credit, minus each refund's reversal. `redemptions` counts redemptions and
 * `refunds` refunds. They change only with an entry, in its transaction (src/functions/adapters/dynamodb/coupon-store.ts).
 */
export interface Settlement {
  readonly vendorId: string;
  readonly currency: string;
  readonly balance: number;
  readonly redemptions: number;
  readonly refunds: number;
}

/**
 * One entry of the settlement ledger, never edited: a `REDEMPTION` credits what one redemption owes the vendor
 * (a positive amount), a `REFUND` reverses it (the same amount, negative).
 */
export interface SettlementEntry {
  readonly kind: 'REDEMPTION' | 'REFUND';
  /** The checkout redemption it records (absent on entries of the holder's redeem route, removed in 2.0). */
  readonly redemptionId?: string;
  readonly couponId: string;
  readonly campaignId: string;
  readonly orderId: string;
  /** Minor units of the vendor's currency; negative for a REFUND. */
  readonly amount: number;
  /** When the entry was written: the redemption's or the refund's instant, ISO-8601 UTC. */
  readonly redeemedAt: string;
}
