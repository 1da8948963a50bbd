import * as z from 'zod/mini';
import { campaignDefinitionSchema, campaignUpdateSchema } from '../functions/domain/campaign/campaign';
import {
  AdmissionExpiredError,
  AdmissionReleasedError,
  AlreadyIssuedError,
  AlreadyRedeemedError,
  CampaignConflictError,
  CampaignExistsError,
  CampaignNotFoundError,
  CampaignStartedError,
  CouponExpiredError,
  CouponNotApplicableError,
  CouponNotFoundError,
  type DomainError,
  EndedError,
  FailedEventNotFoundError,
  ForbiddenError,
  IdempotencyConflictError,
  InvalidRequestError,
  NotOpenError,
  NotRedrivableError,
  PayloadTooLargeError,
  ProofInvalidError,
  ProofRequiredError,
  RedemptionNotFoundError,
  SoldOutError,
  UnauthorizedError,
  UnknownVendorError,
  VendorExistsError,
  VendorNotFoundError,
} from '../functions/domain/kernel/errors';
import { vendorDefinitionSchema } from '../functions/domain/vendor/vendor';
import { pageQuerySchema } from '../functions/runtime/http';
import { dryRunResponseSchema } from './dry-run';
import {
  campaignDayRedriveResponseSchema,
  campaignDayRedriveSchema,
  failedEventsQuerySchema,
  failedEventsResponseSchema,
  redriveResponseSchema,
} from './failed-events';
import { PROOF_OF_WORK_HEADER } from './names';
import { proofOfWorkChallengeSchema } from './proof-of-work';
import {
  dryRunQuerySchema,
  issueDayQuerySchema,
  quoteBodySchema,
  redeemBodySchema,
  refundBodySchema,
  statsQuerySchema,
} from './requests';
import {
  campaignPageSchema,
  campaignSchema,
  campaignStatsSchema,
  checkoutRedemptionSchema,
  couponPageSchema,
  issuanceCountSchema,
  issueAcceptedSchema,
  publicCampaignSchema,
  quoteSchema,
  userCouponSchema,
  vendorPageSchema,
  vendorSchema,
  vendorSettlementSchema,
} from './responses';
import type { Operation } from './routes';
import { entityIdSchema, idSchema, localDateSchema, redemptionIdSchema } from './rules';
import { WINNERS_CSV_COLUMNS, winnersQuerySchema, winnersResponseSchema } from './winners';

/**
 * The API contract of every operation of ROUTES (src/contract/routes.ts): its request schemas, its success response
 * and the domain errors its handler can answer with. The OpenAPI document (src/contract/openapi/document.ts) is built
 * from ROUTES and this table; a route without its entry fails to compile. Errors every route can answer with are
 * added there: 503 UNAVAILABLE (the edge maps any backend failure to it, src/functions/runtime/http.ts), the admin
 * and checkout functions' 403 FORBIDDEN (src/functions/runtime/identity.ts requireIamCaller) and API Gateway's own
 * refusals (`{message}`). This module is for tools and tests (the document, the typed client's checks); no function bundle
 * imports it.
 */

/** A DomainError subclass (src/functions/domain/kernel/errors.ts); its `code`, `statusCode` and `details` shape the error body. */
export type DomainErrorClass = abstract new (...args: never[]) => DomainError;

/** A status a handler answers a request it served with. */
type SuccessStatus = 200 | 201 | 202;

/** A success response: what it means and its body. */
export interface SuccessResponse {
  readonly description: string;
  readonly schema: z.ZodMiniType;
  /**
   * The same answer as CSV, for a request with `accept: text/csv`: what its rows are, and the response headers
   * that carry what the JSON body holds beside the rows (header name -> schema).
   */
  readonly csv?: { readonly description: string; readonly headers: z.ZodMiniObject };
}

/** The request and responses of one operation. */
export interface OperationContract {
  /** Query string parameters (strings, as API Gateway passes them). */
  readonly query?: z.ZodMiniObject;
  /** Request headers the operation reads beyond authorization and content type (lowercase names). */
  readonly headers?: z.ZodMiniObject;
  /** The JSON request body; `required: false` when the route also accepts none. */
  readonly body?: { readonly schema: z.ZodMiniType; readonly required: boolean };
  /** Each success status the handler answers with, and its body (e.g. `{201: ...}`; a second one for a variant). */
  readonly success: { readonly [S in SuccessStatus]?: SuccessResponse };
  /**
   * The domain errors the handler, its parsing and its domain functions throw (test/unit/contract checks this
   * against what they can throw); each is documented with its status, code and details.
   */
  readonly errors: readonly DomainErrorClass[];
}

/** Schema of each path parameter, by name; every `{name}` of a route's path must have one. */
export const PATH_PARAMETERS: Readonly<Record<string, z.ZodMiniType>> = {
  campaignId: idSchema,
  userId: idSchema,
  couponId: idSchema,
  vendorId: entityIdSchema('vendorId'),
  issueDate: localDateSchema('issueDate'),
  failedEventId: idSchema,
  redemptionId: redemptionIdSchema,
};

/** Extra fields of an error body beyond `{code, message}`, by error code (the errors' `details`, src/functions/domain/kernel/errors.ts). */
export const ERROR_DETAILS: Readonly<Record<string, Record<string, z.ZodMiniType>>> = {
  /**
   * The admission the user holds: its rank, coupon id and issue day, and the campaign rule that refused the request
   * (`perUserCampaignLimit`: the admission is on another issue day of a campaign with one coupon per user).
   */
  ALREADY_ISSUED: {
    rank: z.int().check(z.gte(1)),
    couponId: z.string(),
    issueDate: z.string(),
    limit: z.enum(['perUserDailyLimit', 'perUserCampaignLimit']),
  },
  /**
   * `outcome: 'UNKNOWN'` on the issue route when the admission could be neither confirmed nor voided in time
   * (AdmissionUnsettledError): the user may hold a coupon, and asking again says (202, or 409 ALREADY_ISSUED);
   * absent on every other 503, whose request changed nothing.
   */
  UNAVAILABLE: { outcome: z.optional(z.literal('UNKNOWN')) },
  /** The next window's opening; absent when the campaign was closed early (it will not open again). */
  NOT_OPEN: { opensAt: z.optional(z.iso.datetime()) },
  EXPIRED: { expiresAt: z.iso.datetime() },
  ALREADY_REDEEMED: { orderId: z.string() },
  IDEMPOTENCY_CONFLICT: { redemptionId: z.string() },
  NOT_APPLICABLE: { reasons: z.array(z.strictObject({ code: z.string(), message: z.string() })) },
  ADMISSION_EXPIRED: { ledgerKeptUntil: z.iso.datetime() },
  /**
   * The challenge to solve (src/contract/proof-of-work.ts), the issue day it is bound to and, before the window
   * opens, the opening.
   */
  PROOF_REQUIRED: {
    challenge: proofOfWorkChallengeSchema,
    issueDate: z.string(),
    opensAt: z.optional(z.iso.datetime()),
  },
  /** As PROOF_REQUIRED, and why the proof sent was refused. */
  PROOF_INVALID: {
    reason: z.enum(['MALFORMED', 'FORGED', 'OTHER_BINDING', 'EXPIRED', 'WRONG_SOLUTION']),
    challenge: proofOfWorkChallengeSchema,
    issueDate: z.string(),
    opensAt: z.optional(z.iso.datetime()),
  },
};

/** Errors of reading a campaign by the id in the path. */
const CAMPAIGN_READ = [InvalidRequestError, CampaignNotFoundError] as const;
/** Errors of finding the caller of a user route: no verified caller, or a token subject that is not a user id. */
const CALLER = [UnauthorizedError, ForbiddenError] as const;
/** Errors of parsing a JSON body (src/functions/runtime/http.ts parseJsonBody). */
const JSON_BODY = [InvalidRequestError, PayloadTooLargeError] as const;

/** The contract of every operation, keyed by ROUTES' `operation`. */
export const API_CONTRACT: { readonly [O in Operation]: OperationContract } = {
  getPublicCampaign: {
    success: {
      200: {
        description: "The campaign's public view: terms, calendar, state, today's remaining.",
        schema: publicCampaignSchema,
      },
    },
    errors: CAMPAIGN_READ,
  },
  issueCoupon: {
    headers: z.object({
      [PROOF_OF_WORK_HEADER]: z.optional(
        z.string().register(z.globalRegistry, {
          description:
            "A solved proof-of-work challenge, for a campaign with `proofOfWork`: base64 of the JSON `{challenge, solution}` (the client's solveProofOfWork answers it).",
        }),
      ),
    }),
    body: { schema: z.strictObject({}), required: false },
    success: {
      202: {
        description: 'Admitted: the coupon is written shortly after.',
        schema: issueAcceptedSchema,
      },
    },
    errors: [
      ...JSON_BODY,
      ...CALLER,
      CampaignNotFoundError,
      NotOpenError,
      EndedError,
      AlreadyIssuedError,
      SoldOutError,
      ProofRequiredError,
      ProofInvalidError,
    ],
  },
  getCount: {
    query: issueDayQuerySchema,
    success: { 200: { description: "The issue day's counts.", schema: issuanceCountSchema } },
    errors: CAMPAIGN_READ,
  },
  getUserCoupon: {
    query: issueDayQuerySchema,
    success: { 200: { description: "The caller's coupon or pending admission.", schema: userCouponSchema } },
    errors: [...CAMPAIGN_READ, ...CALLER, CouponNotFoundError],
  },
  listUserCoupons: {
    query: pageQuerySchema,
    success: { 200: { description: "One page of the caller's coupons.", schema: couponPageSchema } },
    errors: [InvalidRequestError, ...CALLER],
  },
  quoteCoupon: {
    body: { schema: quoteBodySchema, required: true },
    success: {
      200: {
        description: 'What the coupon gives the order, or why it gives none; nothing changed.',
        schema: quoteSchema,
      },
    },
    errors: [...JSON_BODY, CouponNotFoundError],
  },
  redeemCoupon: {
    body: { schema: redeemBodySchema, required: true },
    success: {
      201: {
        description: 'The redemption (the same answer for the same body again, whatever became of it since).',
        schema: checkoutRedemptionSchema,
      },
    },
    errors: [
      ...JSON_BODY,
      CouponNotFoundError,
      IdempotencyConflictError,
      AlreadyRedeemedError,
      CouponExpiredError,
      CouponNotApplicableError,
    ],
  },
  refundRedemption: {
    body: { schema: refundBodySchema, required: true },
    success: {
      200: { description: 'The REFUNDED redemption (the same for a repeat).', schema: checkoutRedemptionSchema },
    },
    errors: [...JSON_BODY, RedemptionNotFoundError],
  },
  createCampaign: {
    query: dryRunQuerySchema,
    body: { schema: campaignDefinitionSchema, required: true },
    success: {
      201: { description: 'The stored campaign.', schema: campaignSchema },
      200: {
        description: 'With `?dryRun=true`: what the campaign will do (calendar, pre-warm, warnings); nothing stored.',
        schema: dryRunResponseSchema,
      },
    },
    errors: [...JSON_BODY, CampaignExistsError, UnknownVendorError],
  },
  listCampaigns: {
    query: pageQuerySchema,
    success: { 200: { description: 'One page of campaigns.', schema: campaignPageSchema } },
    errors: [InvalidRequestError],
  },
  getCampaign: {
    success: { 200: { description: 'The campaign.', schema: campaignSchema } },
    errors: CAMPAIGN_READ,
  },
  updateCampaign: {
    query: dryRunQuerySchema,
    body: { schema: campaignUpdateSchema, required: true },
    success: {
      200: {
        description:
          'The updated campaign (version + 1); with `?dryRun=true`, what the merged campaign will do, nothing stored.',
        schema: z.union([campaignSchema, dryRunResponseSchema]),
      },
    },
    errors: [...JSON_BODY, CampaignNotFoundError, UnknownVendorError, CampaignStartedError, CampaignConflictError],
  },
  closeCampaign: {
    success: { 200: { description: 'The closed campaign, `closedAt` set.', schema: campaignSchema } },
    errors: CAMPAIGN_READ,
  },
  getCampaignStats: {
    query: statsQuerySchema,
    success: { 200: { description: 'Per issue day counts.', schema: campaignStatsSchema } },
    errors: CAMPAIGN_READ,
  },
  createVendor: {
    body: { schema: vendorDefinitionSchema, required: true },
    success: { 201: { description: 'The stored vendor.', schema: vendorSchema } },
    errors: [...JSON_BODY, VendorExistsError],
  },
  listVendors: {
    query: pageQuerySchema,
    success: { 200: { description: 'One page of vendors, ordered by vendorId.', schema: vendorPageSchema } },
    errors: [InvalidRequestError],
  },
  getVendor: {
    query: pageQuerySchema,
    success: {
      200: {
        description: 'The vendor, its settlement and one page of its ledger.',
        schema: vendorSettlementSchema,
      },
    },
    errors: [InvalidRequestError, VendorNotFoundError],
  },
  getWinners: {
    query: winnersQuerySchema,
    success: {
      200: {
        description:
          "One page of the day's admitted users in rank order, with the day's quota, admitted and persisted.",
        schema: winnersResponseSchema,
        csv: {
          description: `One row per winner: ${WINNERS_CSV_COLUMNS.join(', ')} (a header row first).`,
          headers: z.object({
            'x-quota': z.string(),
            'x-admitted': z.string(),
            'x-persisted': z.string(),
            'x-next-cursor': z.optional(z.string()),
          }),
        },
      },
    },
    errors: CAMPAIGN_READ,
  },
  listFailedEvents: {
    query: failedEventsQuerySchema,
    success: { 200: { description: 'One page of failed-event records.', schema: failedEventsResponseSchema } },
    errors: [InvalidRequestError],
  },
  redriveFailedEvent: {
    success: { 200: { description: 'The record after the redrive, now REDRIVEN.', schema: redriveResponseSchema } },
    errors: [
      InvalidRequestError,
      ForbiddenError,
      FailedEventNotFoundError,
      NotRedrivableError,
      AdmissionExpiredError,
      AdmissionReleasedError,
    ],
  },
  redriveCampaignDay: {
    body: { schema: campaignDayRedriveSchema, required: true },
    success: {
      200: {
        description:
          'The ids re-enqueued, and those skipped with the code a redrive of each alone answers (not an admission, ' +
          'or released or expired in the admission ledger); skipped records stay PARKED.',
        schema: campaignDayRedriveResponseSchema,
      },
    },
    errors: [...JSON_BODY, ForbiddenError],
  },
};
