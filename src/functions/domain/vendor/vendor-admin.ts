import { randomUUID } from 'node:crypto';
import type { Clock } from '../kernel/clock';
import { VendorNotFoundError } from '../kernel/errors';
import type { Page, PageRequest } from '../kernel/page';
import type { VendorRepository } from './ports';
import type { Settlement, SettlementEntry, Vendor, VendorDefinition } from './vendor';

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

/**
 * One page of vendors, ordered by `vendorId` (`GET /v1/admin/vendors`): what a campaign's vendor is picked from.
 * @throws InvalidRequestError for a cursor the listing did not issue; the backend's error as is when the read fails.
 */
export async function listVendors(
  deps: { vendors: Pick<VendorRepository, 'page'> },
  page: PageRequest,
): Promise<Page<Vendor>> {
  return deps.vendors.page(page);
}
