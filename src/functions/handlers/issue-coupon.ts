import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import * as z from 'zod/mini';
import {
  ENV,
  HANDLERS,
  ISSUE_OUTCOME_METRICS,
  METRIC,
  type MetricName,
  PROOF_OF_WORK_HEADER,
} from '../../contract/names';
import { issueCoupon } from '../domain/admission/issue-coupon';
import { SoldOutCache } from '../domain/admission/sold-out-cache';
import { warmUpInstance } from '../domain/admission/warm-up';
import { systemClock } from '../domain/kernel/clock';
import { DomainError } from '../domain/kernel/errors';
import { admissionStoreFactory, cachedCampaignRepository, issueQueue, proofOfWork } from '../runtime/composition-root';
import { loadConfig } from '../runtime/config';
import { deadlineOf } from '../runtime/deadline';
import { identifierSchema, json, parseJsonBody, parseWith } from '../runtime/http';
import { callerFields, callerUserId } from '../runtime/identity';
import { provisionedInit } from '../runtime/init';
import { logger, metrics } from '../runtime/powertools';
import { type HttpEvent, httpHandler } from '../runtime/router';

const config = loadConfig('issue');
const authMode = config[ENV.AUTH_MODE];
// jwt: no body, `{}`, or any body without userId is refused; none: `{"userId"}`.
const issueBodySchema = z.strictObject(callerFields(authMode));
const campaigns = cachedCampaignRepository(config);
const admissions = admissionStoreFactory(config);
const queue = issueQueue(config);
const proofs = proofOfWork(config);
/** This instance's memory of sold-out days (src/functions/domain/admission/sold-out-cache.ts). */
const soldOut = new SoldOutCache(systemClock);

/**
 * The outcome metric of a failed request (src/contract/names.ts ISSUE_OUTCOME_METRICS): its DomainError's code, any
 * other error being a backend failure the edge answers 503 UNAVAILABLE (src/functions/runtime/http.ts).
 */
function outcomeMetricOf(error: unknown): MetricName {
  if (!(error instanceof DomainError)) return METRIC.IssueUnavailable;
  return ISSUE_OUTCOME_METRICS[error.code as keyof typeof ISSUE_OUTCOME_METRICS] ?? METRIC.IssueRejected;
}

/**
 * `POST /v1/campaigns/{campaignId}/issue` as the bearer token's user (no body or `{}`; `{"userId"}` in
 * auth=none) -> 202 `{code: "ACCEPTED", rank, couponId, issueDate}`;
 * rejections `{code, message}`: 400 INVALID_REQUEST, 401 UNAUTHORIZED, 409 NOT_OPEN (with `opensAt`) or ENDED, 403 FORBIDDEN, 404
 * CAMPAIGN_NOT_FOUND, 409 ALREADY_ISSUED (with rank) or SOLD_OUT, 403 PROOF_REQUIRED or PROOF_INVALID (a campaign with
 * `proofOfWork`, each with a challenge to solve and send in `x-proof-of-work`), 503 UNAVAILABLE.
 * Counts each answer in its outcome metric (EMF, one count per request; see outcomeMetricOf).
 */
export const handler = httpHandler(HANDLERS.issue, {
  issueCoupon: async (event, context) => {
    try {
      const answer = await issue(event, context);
      metrics.addMetric(METRIC.IssueAccepted, MetricUnit.Count, 1);
      return answer;
    } catch (error) {
      metrics.addMetric(outcomeMetricOf(error), MetricUnit.Count, 1);
      throw error;
    }
  },
});

/**
 * The function's INIT step, awaited by its ES module entry (issue-coupon.entry.mjs) before Lambda counts the
 * environment ready: in an environment started by provisioned concurrency, the warm-up of src/functions/domain/admission/warm-up.ts
 * (secret, clients, connections, Lua scripts, the open and opening campaigns cached) so the pre-warmed
 * environment's first request does none of it; nothing in an on-demand one, whose INIT a request is waiting for.
 * Never throws: what fails is logged and done lazily by the request path.
 */
export async function init(): Promise<void> {
  if (!provisionedInit()) return;
  try {
    const report = await warmUpInstance({ campaigns, admissions, queue, clock: systemClock, log: logger });
    logger.info('provisioned INIT warm-up done', { ...report });
  } catch (error) {
    logger.warn('provisioned INIT warm-up failed', { error });
  }
}

/** Admits the caller and answers 202; throws what the edge maps to the other answers. */
async function issue(event: HttpEvent, context: Context) {
  const campaignId = parseWith(identifierSchema, event.pathParameters?.campaignId, 'campaignId');
  const { userId } = callerUserId(event, authMode, () =>
    parseJsonBody(event, issueBodySchema, { optional: authMode === 'jwt' }),
  );
  const result = await issueCoupon(
    {
      campaigns,
      admissions: await admissions(),
      queue,
      soldOut,
      clock: systemClock,
      log: logger,
      admissionRetentionDays: config[ENV.ADMISSION_RETENTION_DAYS],
      proofs,
    },
    {
      campaignId,
      userId,
      requestId: context.awsRequestId,
      deadline: deadlineOf(context),
      proof: event.headers?.[PROOF_OF_WORK_HEADER],
    },
  );
  return json(202, { code: 'ACCEPTED', ...result });
}
