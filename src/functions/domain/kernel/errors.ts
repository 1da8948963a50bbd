/**
 * Domain errors. Every error a client can cause or see has a stable `code` and an HTTP `statusCode`;
 * the mapping to HTTP happens once, at the edge (`src/functions/runtime/http.ts`).
 */
export abstract class DomainError extends Error {
  /** Stable machine-readable code returned to clients, e.g. `SOLD_OUT`. */
  abstract readonly code: string;
  /** HTTP status the edge answers with. */
  abstract readonly statusCode: number;
  /** Whether `message` may be shown to clients (false for 5xx, whose body stays generic). */
  readonly expose: boolean = true;
  /** Extra fields merged into the response body, e.g. `{ rank }` for ALREADY_ISSUED. */
  readonly details: Readonly<Record<string, unknown>> = {};

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** One invalid field of a request: its path (`dailyWindow.open`; empty for the whole value) and what is wrong. */
export interface FieldError {
  readonly path: string;
  readonly message: string;
}

/**
 * 400: the request is malformed or violates a schema; the message says what is wrong, and `fieldErrors` lists each
 * invalid field (none when the request as a whole is wrong, e.g. a body that is not JSON).
 */
export class InvalidRequestError extends DomainError {
  readonly code = 'INVALID_REQUEST';
  readonly statusCode = 400;
  /** Each invalid field of the request. */
  readonly fieldErrors: readonly FieldError[];
  constructor(message: string, options?: { cause?: unknown; errors?: readonly FieldError[] }) {
    super(message, options);
    this.fieldErrors = options?.errors ?? [];
  }
}

/** 401: the request carries no verified caller where one is required (the authorizer's claims are missing). */
export class UnauthorizedError extends DomainError {
  readonly code = 'UNAUTHORIZED';
  readonly statusCode = 401;
}

/** 403: the caller is known but may not do this (another user's data, or an admin route without an IAM caller). */
export class ForbiddenError extends DomainError {
  readonly code = 'FORBIDDEN';
  readonly statusCode = 403;
}

/** 404: no campaign with this id. */
export class CampaignNotFoundError extends DomainError {
  readonly code = 'CAMPAIGN_NOT_FOUND';
  readonly statusCode = 404;
  constructor(campaignId: string) {
    super(`Campaign '${campaignId}' does not exist`);
  }
}

/** 409: a campaign with this id already exists (admin create). */
export class CampaignExistsError extends DomainError {
  readonly code = 'CAMPAIGN_EXISTS';
  readonly statusCode = 409;
  constructor(campaignId: string) {
    super(`Campaign '${campaignId}' already exists`);
  }
}

/**
 * 409: issuance is not open now, a state of the campaign like SOLD_OUT: before the period or between daily windows
 * (`opensAt`: the next opening, ISO-8601 UTC), or the campaign was closed early (no `opensAt`: it will not open again).
 */
export class NotOpenError extends DomainError {
  readonly code = 'NOT_OPEN';
  readonly statusCode = 409;
  override readonly details: Readonly<Record<string, unknown>>;
  constructor(
    message: string,
    readonly opensAt?: Date,
  ) {
    super(opensAt ? `${message}; it opens at ${opensAt.toISOString()}` : message);
    this.details = opensAt ? { opensAt: opensAt.toISOString() } : {};
  }
}

/** 409: the campaign's period is over: no window of it opens again. */
export class EndedError extends DomainError {
  readonly code = 'ENDED';
  readonly statusCode = 409;
  constructor(campaignId: string) {
    super(`Campaign ${campaignId} has ended: no issuance window of it opens again`);
  }
}

/** 409: today's quota is used up. */
export class SoldOutError extends DomainError {
  readonly code = 'SOLD_OUT';
  readonly statusCode = 409;
  constructor(campaignId: string, issueDate: string) {
    super(`The daily quota of campaign '${campaignId}' for ${issueDate} is used up`);
  }
}

/**
 * 409: the user already holds a coupon of this campaign for this issue day, or, with the campaign's
 * `perUserCampaignLimit` (`limit`), for another issue day; carries the existing rank, coupon id and issue day.
 */
export class AlreadyIssuedError extends DomainError {
  readonly code = 'ALREADY_ISSUED';
  readonly statusCode = 409;
  override readonly details: Readonly<Record<string, unknown>>;
  constructor(
    readonly rank: number,
    readonly couponId: string,
    readonly issueDate: string,
    /** The campaign rule that refused the request. @default 'perUserDailyLimit' */
    readonly limit: 'perUserDailyLimit' | 'perUserCampaignLimit' = 'perUserDailyLimit',
  ) {
    super(
      limit === 'perUserCampaignLimit'
        ? `This user was already admitted on ${issueDate} with rank ${rank}; the campaign allows one coupon per user for the whole campaign`
        : `This user was already admitted on ${issueDate} with rank ${rank}`,
    );
    this.details = { rank, couponId, issueDate, limit };
  }
}

/** 404: no coupon and no admission for this user on this issue day. */
export class CouponNotFoundError extends DomainError {
  readonly code = 'COUPON_NOT_FOUND';
  readonly statusCode = 404;
}

/**
 * 503: the request could not be served now and the client may simply retry (any admission made during it has
 * been rolled back), e.g. the queue rejected the coupon's message. A backend error the domain does not handle
 * itself is answered the same way by the edge (src/functions/runtime/http.ts).
 */
export class UnavailableError extends DomainError {
  readonly code = 'UNAVAILABLE';
  readonly statusCode = 503;
  override readonly expose = false;
}

/**
 * 503 whose outcome is unknown: the admission store answered neither the admission nor the void that would settle
 * it before the invocation's deadline (every call failed or timed out). The user may or may not hold a unit; asking
 * again tells (ALREADY_ISSUED, or a new admission). Its body says so (`outcome: 'UNKNOWN'`), so that a client asks
 * again rather than telling its user "no", and guarantee 4 (RELIABILITY.md: a 503 user holds nothing) can exclude it.
 */
export class AdmissionUnsettledError extends UnavailableError {
  override readonly name = 'AdmissionUnsettledError';
  override readonly details: Readonly<Record<string, unknown>> = { outcome: 'UNKNOWN' };
}

/**
 * 503, definitive: this request's admission did not land and was voided (AdmissionStore.admit), so it never can;
 * the user holds nothing from it and may ask again.
 */
export class AdmissionVoidedError extends UnavailableError {
  override readonly name = 'AdmissionVoidedError';
}

/** 413: the request body exceeds the accepted size. */
export class PayloadTooLargeError extends DomainError {
  readonly code = 'PAYLOAD_TOO_LARGE';
  readonly statusCode = 413;
}

/** 404: no vendor with this id. */
export class VendorNotFoundError extends DomainError {
  readonly code = 'VENDOR_NOT_FOUND';
  readonly statusCode = 404;
  constructor(vendorId: string) {
    super(`Vendor '${vendorId}' does not exist`);
  }
}

/** 409: a vendor with this id already exists (admin create). */
export class VendorExistsError extends DomainError {
  readonly code = 'VENDOR_EXISTS';
  readonly statusCode = 409;
  constructor(vendorId: string) {
    super(`Vendor '${vendorId}' already exists`);
  }
}

/** 422: a campaign names a vendor that does not exist. */
export class UnknownVendorError extends DomainError {
  readonly code = 'UNKNOWN_VENDOR';
  readonly statusCode = 422;
  constructor(vendorId: string) {
    super(`vendorId '${vendorId}' does not exist; create the vendor first (POST /v1/admin/vendors)`);
  }
}

/** 409: the campaign has started (or is about to) or was closed, so its definition can no longer change. */
export class CampaignStartedError extends DomainError {
  readonly code = 'CAMPAIGN_STARTED';
  readonly statusCode = 409;
}

/** 409: the campaign changed between read and write (a concurrent update); read it again and retry. */
export class CampaignConflictError extends DomainError {
  readonly code = 'CONFLICT';
  readonly statusCode = 409;
  constructor(campaignId: string) {
    super(`Campaign '${campaignId}' was changed concurrently; read it again and retry`);
  }
}

/** 410: the coupon's validity period has ended. */
export class CouponExpiredError extends DomainError {
  readonly code = 'EXPIRED';
  readonly statusCode = 410;
  override readonly details: Readonly<Record<string, unknown>>;
  constructor(couponId: string, expiresAt: string) {
    super(`Coupon '${couponId}' expired at ${expiresAt}`);
    this.details = { expiresAt };
  }
}

/** 409: the coupon was already redeemed with another order; carries that order id. */
export class AlreadyRedeemedError extends DomainError {
  readonly code = 'ALREADY_REDEEMED';
  readonly statusCode = 409;
  override readonly details: Readonly<Record<string, unknown>>;
  constructor(couponId: string, orderId: string) {
    super(`Coupon '${couponId}' was already redeemed with another order`);
    this.details = { orderId };
  }
}

/** 404: no failed-event record with this id. */
export class FailedEventNotFoundError extends DomainError {
  readonly code = 'FAILED_EVENT_NOT_FOUND';
  readonly statusCode = 404;
}

/**
 * 409: the record cannot be redriven: it is still RETRYING (the scheduled replay owns it), or its body is not an
 * admission or one of a campaign that does not exist (a poison message: re-enqueueing it would only park it again).
 */
export class NotRedrivableError extends DomainError {
  readonly code = 'NOT_REDRIVABLE';
  readonly statusCode = 409;
}

/**
 * 409: the record's admission can no longer be redriven because its issue day's admission ledger was kept until
 * `ledgerKeptUntil` (ISO-8601 UTC: ADMISSION_RETENTION_DAYS after the issue day, campaign/campaign.ts admissionExpiresAt) and
 * no longer holds the user: the consumer's claim would drop the message as released. The coupon, if the user has
 * none, is for an operator to issue by hand.
 */
export class AdmissionExpiredError extends DomainError {
  readonly code = 'ADMISSION_EXPIRED';
  readonly statusCode = 409;
  override readonly details: Readonly<Record<string, unknown>>;
  constructor(message: string, ledgerKeptUntil: string) {
    super(message);
    this.details = { ledgerKeptUntil };
  }
}

/**
 * 409: the record's admission was released (the ledger, within its retention, holds the user with another rank or
 * not at all): there is no coupon to write, and a redrive would only be dropped by the consumer's claim.
 */
export class AdmissionReleasedError extends DomainError {
  readonly code = 'ADMISSION_RELEASED';
  readonly statusCode = 409;
}

/**
 * 403: the campaign requires a proof of work (README.md, "Proof of work") and the request carries none; `challenge` is
 * a signed challenge bound to the campaign, the issue day (`issueDate`) and the caller, to solve and send back in the
 * `x-proof-of-work` header; `opensAt` the window's opening when it is not open yet.
 */
export class ProofRequiredError extends DomainError {
  readonly code = 'PROOF_REQUIRED';
  readonly statusCode = 403;
  override readonly details: Readonly<Record<string, unknown>>;
  constructor(challenge?: unknown, issueDate?: string, opensAt?: Date) {
    super(
      opensAt
        ? `This campaign requires a proof of work: solve the challenge and send it in x-proof-of-work; the window opens at ${opensAt.toISOString()}`
        : 'This campaign requires a proof of work: solve the challenge and send it in x-proof-of-work',
    );
    this.details = { challenge, issueDate, ...(opensAt ? { opensAt: opensAt.toISOString() } : {}) };
  }
}

/**
 * 403: the request's proof of work is not a solution of a challenge this deployment signed for this campaign, issue
 * day and caller, or its challenge expired (`reason` says which); carries a new `challenge` as PROOF_REQUIRED does.
 */
export class ProofInvalidError extends DomainError {
  readonly code = 'PROOF_INVALID';
  readonly statusCode = 403;
  override readonly details: Readonly<Record<string, unknown>>;
  constructor(reason?: string, challenge?: unknown, issueDate?: string, opensAt?: Date) {
    super(`The proof of work is invalid (${reason ?? 'malformed'}): solve the new challenge`);
    this.details = {
      reason,
      challenge,
      issueDate,
      ...(opensAt ? { opensAt: opensAt.toISOString() } : {}),
    };
  }
}

/** 404: no checkout redemption with this id. */
export class RedemptionNotFoundError extends DomainError {
  readonly code = 'REDEMPTION_NOT_FOUND';
  readonly statusCode = 404;
  constructor(redemptionId: string) {
    super(`Redemption '${redemptionId}' does not exist`);
  }
}

/**
 * 409: the vendor's order (the idempotency key of a checkout redemption) was already redeemed with another body
 * (another coupon, user, amount or currency); carries the stored redemption's id.
 */
export class IdempotencyConflictError extends DomainError {
  readonly code = 'IDEMPOTENCY_CONFLICT';
  readonly statusCode = 409;
  override readonly details: Readonly<Record<string, unknown>>;
  constructor(orderId: string, redemptionId: string) {
    super(`Order '${orderId}' was already redeemed with another request body`);
    this.details = { redemptionId };
  }
}

/**
 * 422: the coupon gives this order no discount (another currency, an order below the discount's minimum, or a
 * discount that rounds to 0); `reasons` lists why, as the quote does (src/functions/domain/vendor/checkout.ts).
 */
export class CouponNotApplicableError extends DomainError {
  readonly code = 'NOT_APPLICABLE';
  readonly statusCode = 422;
  override readonly details: Readonly<Record<string, unknown>>;
  constructor(couponId: string, reasons: readonly { code: string; message: string }[] = []) {
    super(`Coupon '${couponId}' gives this order no discount: ${reasons.map((r) => r.message).join('; ')}`);
    this.details = { reasons };
  }
}
