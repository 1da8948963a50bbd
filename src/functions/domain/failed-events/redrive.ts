import type { AdmissionMessage, CampaignDay } from '../admission/admission';
import type { AdmissionStore, IssueQueue } from '../admission/ports';
import { admissionExpiresAt, type Campaign } from '../campaign/campaign';
import type { CampaignRepository } from '../campaign/ports';
import { parseAdmissionMessage } from '../coupon/admission-message';
import type { Clock } from '../kernel/clock';
import {
  AdmissionExpiredError,
  AdmissionReleasedError,
  type DomainError,
  FailedEventNotFoundError,
  NotRedrivableError,
} from '../kernel/errors';
import type { Page, PageRequest } from '../kernel/page';
import type { FailedEventFilter, FailedEventView } from './failed-event';
import type { FailedEventStore } from './ports';

// Redrive of parked admissions by an operator: the failed-event table's PARKED records are re-enqueued to the
// issue queue as they were first sent. The coupon write is idempotent (its id is the admission's couponId), so a
// redrive of something already written, or two redrives of one record, change nothing. Only an admission the
// ledger still holds is re-enqueued: the consumer claims each admission in the ledger before writing its coupon
// and drops what the ledger does not hold, so re-enqueueing a released or expired one would mark it REDRIVEN for
// a message that can never become a coupon.

/**
 * Why a record was not redriven: the code a redrive of that record alone answers 409 with (kernel/errors.ts),
 * `NOT_REDRIVABLE` (not an admission, or of no campaign), `ADMISSION_EXPIRED` or `ADMISSION_RELEASED` (see
 * {@link redriveFailedEvent}).
 */
type RedriveRefusalCode = 'NOT_REDRIVABLE' | 'ADMISSION_EXPIRED' | 'ADMISSION_RELEASED';

/**
 * What {@link redriveCampaignDay} did: the ids re-enqueued, and those skipped with the code and reason a redrive
 * of that record alone would be refused with.
 */
export interface CampaignDayRedrive {
  readonly campaignId: string;
  readonly issueDate: string;
  readonly redriven: string[];
  readonly skipped: { readonly failedEventId: string; readonly code: RedriveRefusalCode; readonly reason: string }[];
}

/** Dependencies of the redrive use cases. */
interface RedriveDeps {
  readonly failedEvents: Pick<FailedEventStore, 'page' | 'get' | 'markRedriven'>;
  readonly queue: IssueQueue;
  /** The admission ledger, asked whether it still holds an admission before it is re-enqueued. */
  readonly admissions: Pick<AdmissionStore, 'rankOf'>;
  /** The campaigns: a day's time zone fixes when its ledger expires. */
  readonly campaigns: Pick<CampaignRepository, 'get'>;
  /** Days the ledger keeps an issue day's admissions after that day ends (ADMISSION_RETENTION_DAYS, lib/). */
  readonly admissionRetentionDays: number;
  readonly clock: Clock;
}

/** Why a record cannot be redriven: the code of its refusal, what to tell the operator, and for an expiry when. */
interface Refusal {
  readonly code: RedriveRefusalCode;
  readonly reason: string;
  /** ADMISSION_EXPIRED: the end of the ledger's retention, ISO-8601 UTC. */
  readonly ledgerKeptUntil?: string;
}

/** One page of failed-event records matching `filter`. @throws InvalidRequestError for a foreign cursor. */
export function listFailedEvents(
  deps: Pick<RedriveDeps, 'failedEvents'>,
  filter: FailedEventFilter,
  page: PageRequest,
): Promise<Page<FailedEventView>> {
  return deps.failedEvents.page(filter, page);
}

/**
 * Re-enqueues a PARKED record's admission to the issue queue as first sent, then marks it REDRIVEN with
 * `redrivenAt` (now) and `redrivenBy` (`principal`). Sending first and marking after means a crash between the
 * two leaves it PARKED, and a second redrive sends a copy the idempotent coupon write absorbs.
 * A REDRIVEN record may be redriven again (its coupon may still be missing).
 * First the admission ledger is asked for the user's rank (AdmissionStore.rankOf): the admission is re-enqueued
 * only if the ledger still holds the user with the message's rank, as the consumer's claim will require. If it
 * holds no entry and the day's retention has passed (campaign/campaign.ts admissionExpiresAt, `admissionRetentionDays`
 * after the issue day), the entry went with it: ADMISSION_EXPIRED, and the coupon is for an operator to issue. If
 * it holds another rank, or no entry within the retention, the admission was released: ADMISSION_RELEASED. A
 * refusal changes nothing (the record stays as it was). An entry still there after the retention instant
 * (DynamoDB's TTL deletes some time after it) is redriven: the consumer claims it within seconds.
 * @throws FailedEventNotFoundError; NotRedrivableError when RETRYING, not an admission or of a campaign that does
 *   not exist; AdmissionExpiredError; AdmissionReleasedError; the ledger's, the registry's or the queue's error.
 */
export async function redriveFailedEvent(
  deps: RedriveDeps,
  failedEventId: string,
  principal: string,
): Promise<FailedEventView> {
  const record = await deps.failedEvents.get(failedEventId);
  if (!record) throw new FailedEventNotFoundError(`no failed event '${failedEventId}'`);
  const admission = await redrivableAdmission(deps, record, (campaignId) => deps.campaigns.get(campaignId));
  if ('refusal' in admission) throw refusalError(admission.refusal);
  return resend(deps, record, admission.message, principal);
}

/** The 409 a refusal answers a redrive of its record with (src/functions/domain/kernel/errors.ts). */
function refusalError(refusal: Refusal): DomainError {
  switch (refusal.code) {
    case 'ADMISSION_EXPIRED':
      return new AdmissionExpiredError(refusal.reason, refusal.ledgerKeptUntil ?? '');
    case 'ADMISSION_RELEASED':
      return new AdmissionReleasedError(refusal.reason);
    case 'NOT_REDRIVABLE':
      return new NotRedrivableError(refusal.reason);
  }
}

/**
 * The admission a record would re-enqueue, or why it cannot be redriven: RETRYING, not an admission, or one the
 * ledger no longer holds (see {@link redriveFailedEvent}). `campaign` reads the admission's campaign, asked only
 * when the ledger holds no entry.
 */
async function redrivableAdmission(
  deps: RedriveDeps,
  record: FailedEventView,
  campaign: (campaignId: string) => Promise<Campaign | undefined>,
): Promise<{ readonly message: AdmissionMessage } | { readonly refusal: Refusal }> {
  const refuse = (code: Refusal['code'], reason: string, ledgerKeptUntil?: string) => ({
    refusal: { code, reason: `failed event '${record.failedEventId}' ${reason}`, ledgerKeptUntil },
  });
  if (record.status === 'RETRYING') return refuse('NOT_REDRIVABLE', 'is still being replayed; wait until PARKED');
  let message: AdmissionMessage;
  try {
    message = parseAdmissionMessage(record.body);
  } catch (error) {
    return refuse('NOT_REDRIVABLE', `is not an admission: ${error instanceof Error ? error.message : String(error)}`);
  }
  const { campaignId, issueDate, userId } = message;
  const ledger = `the admission ledger of ${campaignId} ${issueDate}`;
  const rank = await deps.admissions.rankOf({ campaignId, issueDate }, userId);
  if (rank === message.rank) return { message };
  if (rank !== undefined) {
    return refuse(
      'ADMISSION_RELEASED',
      `was released: ${ledger} holds ${userId} with rank ${rank}, not the message's rank ${message.rank} (a later ` +
        'admission, written from its own message); there is no coupon to write',
    );
  }
  const found = await campaign(campaignId);
  if (!found) return refuse('NOT_REDRIVABLE', `is an admission of campaign '${campaignId}', which does not exist`);
  const keptUntil = new Date(admissionExpiresAt(found, issueDate, deps.admissionRetentionDays) * 1000).toISOString();
  if (deps.clock().getTime() >= Date.parse(keptUntil)) {
    return refuse(
      'ADMISSION_EXPIRED',
      `is past its issue day's retention: ${ledger} was kept until ${keptUntil}; the coupon can no longer be ` +
        `written by a redrive: issue it by hand unless coupon '${message.couponId}' exists (the record's body holds ` +
        'the admission)',
      keptUntil,
    );
  }
  return refuse(
    'ADMISSION_RELEASED',
    `was released: ${ledger} holds no admission of ${userId} (the message's rank ${message.rank}); there is no ` +
      'coupon to write',
  );
}

/** Sends the admission, then marks its record REDRIVEN (see {@link redriveFailedEvent} for the order). */
async function resend(
  deps: RedriveDeps,
  record: FailedEventView,
  message: AdmissionMessage,
  principal: string,
): Promise<FailedEventView> {
  await deps.queue.send(message);
  return deps.failedEvents.markRedriven(record.failedEventId, principal, deps.clock());
}

/**
 * Redrives every PARKED record of a campaign day (see {@link redriveFailedEvent}); records whose body is not an
 * admission, and admissions the ledger released or no longer keeps, are skipped with the code and reason a redrive
 * of that record would be refused with, and stay PARKED. Idempotent: a second call finds only those PARKED.
 * @throws the ledger's, the campaign read's, the registry's or the queue's error (records redriven before it stay
 *   REDRIVEN).
 */
export async function redriveCampaignDay(
  deps: RedriveDeps,
  day: CampaignDay,
  principal: string,
): Promise<CampaignDayRedrive> {
  const redriven: string[] = [];
  const skipped: CampaignDayRedrive['skipped'] = [];
  // One read of the day's campaign for every record that needs it (the filter keeps that campaign's records only).
  let campaign: Promise<Campaign | undefined> | undefined;
  const dayCampaign = () => {
    campaign ??= deps.campaigns.get(day.campaignId);
    return campaign;
  };
  const filter: FailedEventFilter = { ...day, status: 'PARKED' };
  // The cursor is a table key, so marking records REDRIVEN does not move the pages after it.
  let cursor: string | undefined;
  do {
    const page = await deps.failedEvents.page(filter, cursor === undefined ? { limit: 100 } : { limit: 100, cursor });
    for (const record of page.items) {
      const admission = await redrivableAdmission(deps, record, dayCampaign);
      if ('refusal' in admission) {
        const { code, reason } = admission.refusal;
        skipped.push({ failedEventId: record.failedEventId, code, reason });
        continue;
      }
      await resend(deps, record, admission.message, principal);
      redriven.push(record.failedEventId);
    }
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return { ...day, redriven, skipped };
}
