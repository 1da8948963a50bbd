import { campaignDayRedriveSchema, failedEventsQuerySchema } from '../../contract/failed-events';
import { ENV, HANDLERS } from '../../contract/names';
import type { AdmissionStore } from '../domain/admission/ports';
import { listFailedEvents, redriveCampaignDay, redriveFailedEvent } from '../domain/failed-events/redrive';
import { systemClock } from '../domain/kernel/clock';
import { admissionStoreFactory, campaignRepository, failedEventStore, issueQueue } from '../runtime/composition-root';
import { loadConfig } from '../runtime/config';
import { identifierSchema, json, parseJsonBody, parsePageQuery, parseWith } from '../runtime/http';
import { adminPrincipal } from '../runtime/identity';
import { httpHandler } from '../runtime/router';

const config = loadConfig('adminFailedEvents');
const store = admissionStoreFactory(config);
/** The ledger check before a redrive (Redis mode reads its credentials on first use). */
const admissions: Pick<AdmissionStore, 'rankOf'> = {
  rankOf: async (day, userId) => (await store()).rankOf(day, userId),
};
const deps = {
  failedEvents: failedEventStore(config),
  queue: issueQueue(config),
  admissions,
  campaigns: campaignRepository(config),
  admissionRetentionDays: config[ENV.ADMISSION_RETENTION_DAYS],
  clock: systemClock,
};

/**
 * Failed events and their redrive (src/functions/domain/failed-events/redrive.ts); every route needs an IAM (SigV4-signed) caller, 403
 * FORBIDDEN otherwise, whose ARN is recorded as `redrivenBy`:
 * - `GET /v1/admin/failed-events?campaignId=&issueDate=&status=&limit=&cursor=` -> 200 `{items, nextCursor?}`
 *   (failedEventsResponseSchema); 400 for a bad filter or cursor.
 * - `POST /v1/admin/failed-events/{failedEventId}/redrive` -> 200 with the record, now REDRIVEN; 404
 *   FAILED_EVENT_NOT_FOUND; 409 NOT_REDRIVABLE (still RETRYING, or not an admission), ADMISSION_EXPIRED (the
 *   ledger's retention passed, `ledgerKeptUntil`) or ADMISSION_RELEASED (the ledger no longer holds the admission).
 * - `POST /v1/admin/failed-events/redrive` `{campaignId, issueDate}` -> 200 `{campaignId, issueDate, redriven,
 *   skipped}`: every PARKED record of that campaign day; those a redrive alone would refuse are in `skipped`
 *   `{failedEventId, code, reason}` and stay PARKED.
 */
export const handler = httpHandler(HANDLERS.adminFailedEvents, {
  listFailedEvents: async (event) => {
    const query = event.queryStringParameters ?? {};
    const { campaignId, issueDate, status } = parseWith(failedEventsQuerySchema, query, 'query');
    return json(200, await listFailedEvents(deps, { campaignId, issueDate, status }, parsePageQuery(query)));
  },
  redriveFailedEvent: async (event) => {
    const failedEventId = parseWith(identifierSchema, event.pathParameters?.failedEventId, 'failedEventId');
    return json(200, await redriveFailedEvent(deps, failedEventId, adminPrincipal(event)));
  },
  redriveCampaignDay: async (event) => {
    const day = parseJsonBody(event, campaignDayRedriveSchema);
    return json(200, await redriveCampaignDay(deps, day, adminPrincipal(event)));
  },
});
