import type { Coupon } from '../coupon/coupon';
import type { Page, PageRequest } from '../kernel/page';
import type { CheckoutRedemption } from './checkout';
import type { Settlement, SettlementEntry, Vendor } from './vendor';

// The ports of vendors, their settlement ledgers and checkout redemptions (src/functions/adapters/dynamodb/).
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
  /** The vendor's ledger entries, oldest first. @throws InvalidRequestError for a cursor this listing did not issue. */
  entries(vendorId: string, page: PageRequest): Promise<Page<SettlementEntry>>;
}

/**
 * Checkout redemptions, written with the coupon, the settlement ledger, the vendor's balance and the day's redeemed
 * count in one transaction each (src/functions/adapters/dynamodb/coupon-store.ts).
 */
export interface RedemptionLedger {
  /** The redemption of the vendor's order (strongly consistent read), or undefined. */
  find(vendorId: string, orderId: string): Promise<CheckoutRedemption | undefined>;
  /**
   * Stores `redemption` (REDEEMED) in one transaction: the coupon ISSUED -> REDEEMED on condition that it is ISSUED,
   * owned by `coupon.userId` and unexpired at `redemption.redeemedAt`; the redemption, on condition that the vendor
   * has none for its order; a REDEMPTION ledger entry of `discountAmount`, added to the vendor's balance; the day's
   * redeemed count. `COUPON_CONFLICT` when the coupon's condition failed, `ORDER_EXISTS` when the order's did
   * (nothing written either way: read again).
   */
  redeem(
    coupon: Coupon & { vendorId: string },
    redemption: CheckoutRedemption,
  ): Promise<'REDEEMED' | 'COUPON_CONFLICT' | 'ORDER_EXISTS'>;
  /**
   * Stores `refunded` (the stored redemption, now REFUNDED with `refundedAt`) in one transaction: the redemption
   * REDEEMED -> REFUNDED on condition that it is still REDEEMED; its coupon REDEEMED -> ISSUED on condition that
   * this redemption holds it; a REFUND ledger entry of minus `discountAmount`, added to the vendor's balance; the
   * day's redeemed count minus 1. `CONFLICT` when the redemption was refunded meanwhile (nothing written).
   */
  refund(refunded: CheckoutRedemption): Promise<'REFUNDED' | 'CONFLICT'>;
}
