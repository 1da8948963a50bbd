import { randomUUID } from 'node:crypto';
import * as z from 'zod/mini';
import './zod-messages';
import { entityIdSchema } from '../../contract/rules';
import { VendorNotFoundError } from './errors';
import type { Clock, PageRequest, VendorRepository } from './ports';

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

/**
 * Stores a new vendor; `vendorId` is generated (UUID) when absent.
 * @throws VendorExistsError when the id is taken.
 */
export async function createVendor(
  deps: { vendors: VendorRepository; clock: Clock },
  definition: VendorDefinition,
): Promise<Vendor> {
  const vendor: Vendor = {
    vendorId: definition.vendorId ?? randomUUID(),
    name: definition.name,
    currency: definition.currency,
    createdAt: deps.clock().toISOString(),
  };
  await deps.vendors.create(vendor);
  return vendor;
}

/**
 * The vendor with its settlement account and one page of its ledger.
 * @throws VendorNotFoundError
 */
export async function vendorSettlement(
  deps: { vendors: VendorRepository },
  vendorId: string,
  page: PageRequest,
): Promise<Vendor & { settlement: Settlement; entries: SettlementEntry[]; nextCursor?: string }> {
  const account = await deps.vendors.account(vendorId);
  if (!account) throw new VendorNotFoundError(vendorId);
  const { items, nextCursor } = await deps.vendors.entries(vendorId, page);
  return { ...account.vendor, settlement: account.settlement, entries: items, ...(nextCursor ? { nextCursor } : {}) };
}
