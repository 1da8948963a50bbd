import * as z from 'zod/mini';

/**
 * The API's shared rules, declared once: what an id is and what a local date is. The request, message and
 * response schemas (src/contract/, the domain's definitions, the queue message) all use these; this module
 * imports only zod, so the domain and the function bundles can use it without cycles.
 */

/** `YYYY-MM-DD`: the shape of a local date; {@link isLocalDate} also checks the calendar. */
export const LOCAL_DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Whether `value` is a local date `YYYY-MM-DD` that exists on the proleptic Gregorian calendar (no month 13, no
 * April 31, February 29 only in a leap year).
 */
export function isLocalDate(value: string): boolean {
  const match = LOCAL_DATE_PATTERN.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
  return day <= days;
}

/** The local-date rule: `YYYY-MM-DD` that exists on the calendar; messages name `field`. */
export const localDateSchema = (field = 'date') =>
  z
    .string()
    .check(z.regex(LOCAL_DATE_PATTERN, `${field} must be YYYY-MM-DD`), z.refine(isLocalDate, `${field} is not a date`));

/** Longest id, characters. */
const MAX_ID_LENGTH = 128;

/**
 * The id rule, for every id the API reads (path parameters, bodies, queries, token subjects): 1-128 characters,
 * no whitespace or control characters. User ids are token subjects (a Cognito `sub`, an OIDC issuer's subject
 * such as `auth0|123`), so the rule cannot be narrower.
 */
export const idSchema = z
  .string()
  .check(
    z.minLength(1, 'must not be empty'),
    z.maxLength(MAX_ID_LENGTH, `must be at most ${MAX_ID_LENGTH} characters`),
    z.regex(/^[^\p{Cc}\p{Cf}\s]+$/u, 'must not contain whitespace or control characters'),
  );

/**
 * An id an admin chooses for a new campaign or vendor: the id rule narrowed to 1-64 letters, digits, `-` or `_`
 * (first a letter or digit), so it reads the same in a URL, a table key and a CSV. Messages name `field`.
 */
export const entityIdSchema = (field: string) =>
  idSchema.check(
    z.regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, `${field} must be 1-64 characters of letters, digits, - or _`),
  );

/**
 * The query of a paginated listing: `limit` (digits, 1 to `maxLimit`; `defaultLimit` when absent) and `cursor` (a
 * previous `nextCursor`, as `cursor` checks it). The 1..maxLimit range is checked after parsing
 * (src/functions/runtime/http.ts parsePageQuery), so its refusal says the range.
 */
export const pageQuerySchemaOf = <C extends z.ZodMiniType<string>>(maxLimit: number, defaultLimit: number, cursor: C) =>
  z.object({
    limit: z._default(
      z.pipe(
        z
          .string()
          .check(
            z.regex(
              new RegExp(`^\\d{1,${String(maxLimit).length}}$`),
              `limit must be an integer from 1 to ${maxLimit}`,
            ),
          ),
        z.transform(Number),
      ),
      defaultLimit,
    ),
    cursor: z.optional(cursor),
  });

/**
 * A checkout redemption's id as the refund route reads it: `<vendorId>.<orderId in base64url>`
 * (src/functions/domain/vendor/checkout.ts redemptionIdOf), at most 800 characters (a 64-character vendor id and a
 * 128-character order id of 4-byte characters). An id of this shape that names no redemption is a 404, not a 400.
 */
export const redemptionIdSchema = z
  .string()
  .check(
    z.maxLength(800, 'redemptionId must be at most 800 characters'),
    z.regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}\.[A-Za-z0-9_-]+$/, 'redemptionId must be <vendorId>.<base64url>'),
  );
