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
 * A vendor's settlement account: `balance` is the sum of the credits of every redemption of its coupons (minor
 * units of `currency`), `redemptions` how many there were. Both change only with a redemption, in its transaction.
 */
export interface Settlement {
  readonly vendorId: string;
  readonly currency: string;
  readonly balance: number;
  readonly redemptions: number;
}

/** One credit of the settlement ledger: what one redemption owes the vendor. */
export interface SettlementEntry {
  readonly couponId: string;
  readonly campaignId: string;
  readonly orderId: string;
  /** Minor units of the vendor's currency. */
  readonly amount: number;
  /** ISO-8601 UTC. */
  readonly redeemedAt: string;
}
