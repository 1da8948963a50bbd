import type { Page, PageRequest } from '../kernel/page';
import type { Settlement, SettlementEntry, Vendor } from './vendor';

// The port of vendors and their settlement ledgers (src/functions/adapters/dynamodb/vendor-repository.ts).
// Unless a method says otherwise, it throws the backend's error as is on failure (the HTTP edge answers it with
// 503 UNAVAILABLE).

/** Vendors and their settlement ledgers. */
export interface VendorRepository {
  /** The vendor, or undefined when it does not exist. */
  get(vendorId: string): Promise<Vendor | undefined>;
  /** Stores a new vendor with a zero balance. @throws VendorExistsError when the id is taken. */
  create(vendor: Vendor): Promise<void>;
  /**
   * The vendor and its settlement account (balance and redemption count) from one read of the profile item, or
   * undefined when the vendor does not exist.
   */
  account(vendorId: string): Promise<{ vendor: Vendor; settlement: Settlement } | undefined>;
  /**
   * One page of vendors, ordered by `vendorId`; a vendor created a moment ago may be missing for that moment (an
   * eventually consistent index). @throws InvalidRequestError for a cursor this listing did not issue.
   */
  page(page: PageRequest): Promise<Page<Vendor>>;
  /** The vendor's credits, oldest first. @throws InvalidRequestError for a cursor this listing did not issue. */
  entries(vendorId: string, page: PageRequest): Promise<Page<SettlementEntry>>;
}
