/**
 * Problem details (RFC 9457, https://www.rfc-editor.org/rfc/rfc9457): how the product answers every 4xx and 5xx.
 * The edge (src/functions/runtime/http.ts) writes them, the OpenAPI document (src/contract/openapi/document.ts)
 * documents them and the typed client (src/client/problems.ts) reads them. API Gateway's own refusals are not
 * problem details: they stay `{"message": ...}` in `application/json`, as API Gateway sends them.
 */

/** The media type of a problem (RFC 9457 section 3). */
export const PROBLEM_MEDIA_TYPE = 'application/problem+json';

/**
 * The base of every problem `type` URI: the URI of the problem with `code` is this plus the code in kebab case. A tag
 * URI (RFC 4151), as RFC 9457 section 3.1.1 suggests for a type not meant to be dereferenced: the project owns no
 * domain to publish problem pages on; README.md's "Errors" and the OpenAPI document describe each code.
 */
export const PROBLEM_TYPE_BASE = 'tag:fcfs-coupon,2026:problems/';

/** The `type` URI of the problem with `code`, e.g. `SOLD_OUT` -> `tag:fcfs-coupon,2026:problems/sold-out`. */
export function problemType(code: string): string {
  return `${PROBLEM_TYPE_BASE}${code.toLowerCase().replaceAll('_', '-')}`;
}

/**
 * The `title` of each problem, by code: short, the same for every occurrence (RFC 9457 section 3.1.3); the
 * occurrence is told by `detail`. Every code of src/functions/domain/kernel/errors.ts has one
 * (test/unit/runtime/http-errors.test.ts).
 */
export const PROBLEM_TITLES: Readonly<Record<string, string>> = {
  INVALID_REQUEST: 'Invalid request',
  UNAUTHORIZED: 'Unauthorized',
  FORBIDDEN: 'Forbidden',
  CAMPAIGN_NOT_FOUND: 'Campaign not found',
  CAMPAIGN_EXISTS: 'Campaign already exists',
  NOT_OPEN: 'Not open',
  ENDED: 'Campaign ended',
  SOLD_OUT: 'Sold out',
  ALREADY_ISSUED: 'Already issued',
  COUPON_NOT_FOUND: 'Coupon not found',
  UNAVAILABLE: 'Service unavailable',
  PAYLOAD_TOO_LARGE: 'Payload too large',
  VENDOR_NOT_FOUND: 'Vendor not found',
  VENDOR_EXISTS: 'Vendor already exists',
  UNKNOWN_VENDOR: 'Unknown vendor',
  CAMPAIGN_STARTED: 'Campaign started',
  CONFLICT: 'Concurrent update',
  EXPIRED: 'Coupon expired',
  ALREADY_REDEEMED: 'Already redeemed',
  FAILED_EVENT_NOT_FOUND: 'Failed event not found',
  NOT_REDRIVABLE: 'Not redrivable',
  ADMISSION_EXPIRED: 'Admission expired',
  ADMISSION_RELEASED: 'Admission released',
  PROOF_REQUIRED: 'Proof of work required',
  PROOF_INVALID: 'Proof of work invalid',
  REDEMPTION_NOT_FOUND: 'Redemption not found',
  IDEMPOTENCY_CONFLICT: 'Idempotency key reused',
  NOT_APPLICABLE: 'Coupon not applicable',
};

/** The `title` of the problem with `code`; the code itself for one without a title (never for the product's own). */
export const problemTitle = (code: string): string => PROBLEM_TITLES[code] ?? code;
