import { randomUUID } from 'node:crypto';
import type { CampaignDay } from '../admission/admission';
import { couponIdOf } from '../admission/admission';
import type { AdmissionStore } from '../admission/ports';
import type { CouponStore } from '../coupon/ports';
import type { DeployedCapacity } from '../drop-plan/capacity';
import { type DryRun, planDrop } from '../drop-plan/drop-plan';
import type { PrewarmScheduler } from '../drop-plan/ports';
import { prewarmScheduleNames, prewarmSchedules, recomputeSoon, shareAt } from '../drop-plan/prewarm';
import type { FailedEventStore } from '../failed-events/ports';
import type { Clock } from '../kernel/clock';
import { CampaignExistsError, CampaignStartedError, InvalidRequestError, UnknownVendorError } from '../kernel/errors';
import type { VendorRepository } from '../vendor/ports';
import {
  admissionExpiresAt,
  type Campaign,
  type CampaignDefinition,
  type CampaignUpdate,
  campaignDefinitionSchema,
  datesBetween,
  issueDayOf,
  isUpdatable,
  nextIssueDay,
  UPDATE_LEAD_MS,
} from './campaign';
import { campaignOrThrow } from './campaign-lookup';
import type { CampaignRepository } from './ports';

/** Dependencies of the campaign admin use cases. */
interface CampaignAdminDeps {
  readonly campaigns: CampaignRepository;
  readonly vendors: Pick<VendorRepository, 'get'>;
  readonly clock: Clock;
  /** Where a campaign's pre-warm schedules live; required for a campaign with `prewarm`. */
  readonly schedules?: PrewarmScheduler;
}

function schedulerOf(deps: { readonly schedules?: PrewarmScheduler }): PrewarmScheduler {
  if (!deps.schedules) throw new Error('pre-warming needs a scheduler (none configured)');
  return deps.schedules;
}

/**
 * Stores a new campaign; `campaignId` is generated (UUID) when absent.
 * @throws UnknownVendorError (422) when `vendorId` does not exist; CampaignExistsError when the id is taken.
 */
export async function createCampaign(deps: CampaignAdminDeps, definition: CampaignDefinition): Promise<Campaign> {
  if (!(await deps.vendors.get(definition.vendorId))) throw new UnknownVendorError(definition.vendorId);
  const campaign: Campaign = {
    ...definition,
    campaignId: definition.campaignId ?? randomUUID(),
    createdAt: deps.clock().toISOString(),
    version: 1,
  };
  // Schedules first: a failed create leaves schedules whose firings find no campaign (no share), and a retry
  // overwrites them; the reverse order would leave a stored campaign whose openings are never pre-warmed.
  if (campaign.prewarm !== undefined) {
    // A taken id must not get this definition's schedules.
    if (await deps.campaigns.get(campaign.campaignId)) throw new CampaignExistsError(campaign.campaignId);
    await schedulerOf(deps).put(prewarmSchedules(campaign, deps.clock()));
  }
  try {
    await deps.campaigns.create(campaign);
  } catch (error) {
    if (campaign.prewarm !== undefined) await restoreSchedules(deps, campaign);
    throw error;
  }
  return campaign;
}

/**
 * After a failed write, makes the schedules of `attempted.campaignId` those of the campaign as stored (none when
 * it is not stored or has no pre-warming). A failure here is logged by the caller's error path, not hidden: it
 * rethrows.
 */
async function restoreSchedules(deps: CampaignAdminDeps, attempted: Campaign): Promise<void> {
  const stored = await deps.campaigns.get(attempted.campaignId);
  const scheduler = schedulerOf(deps);
  if (stored?.prewarm !== undefined) await scheduler.put(prewarmSchedules(stored, deps.clock()));
  else await scheduler.remove(prewarmScheduleNames(attempted.campaignId));
}

/**
 * Changes a campaign that has not started: the fields of `update` replace the stored ones and the result must be
 * a valid definition. Allowed until {@link UPDATE_LEAD_MS} before the first issue day begins (for the stored and
 * the new start date alike), never after a close.
 * @throws CampaignNotFoundError; CampaignStartedError (409) when too late; InvalidRequestError (400) when the
 *   merged definition is invalid; UnknownVendorError (422); CampaignConflictError (409) on a concurrent update.
 */
export async function updateCampaign(
  deps: CampaignAdminDeps,
  campaignId: string,
  update: CampaignUpdate,
): Promise<Campaign> {
  const { stored, merged, now } = await mergeUpdate(deps, campaignId, update);
  const campaign: Campaign = {
    ...merged,
    campaignId,
    createdAt: stored.createdAt,
    updatedAt: now.toISOString(),
    version: (stored.version ?? 0) + 1,
  };
  if (campaign.prewarm !== undefined) await schedulerOf(deps).put(prewarmSchedules(campaign, now));
  else if (stored.prewarm !== undefined) await schedulerOf(deps).remove(prewarmScheduleNames(campaignId));
  try {
    await deps.campaigns.replace(campaign);
  } catch (error) {
    // A concurrent update won: the schedules follow what is stored.
    if (campaign.prewarm !== undefined || stored.prewarm !== undefined) {
      await restoreSchedules(deps, stored.prewarm !== undefined ? stored : campaign);
    }
    throw error;
  }
  return campaign;
}

/** The checks of {@link updateCampaign}, and the merged definition; writes nothing. Throws what it throws. */
async function mergeUpdate(deps: CampaignAdminDeps, campaignId: string, update: CampaignUpdate) {
  const stored = await campaignOrThrow(deps.campaigns, campaignId);
  const now = deps.clock();
  const tooLate = `updates close ${UPDATE_LEAD_MS / 1000} s before the campaign starts`;
  if (stored.closedAt !== undefined) throw new CampaignStartedError(`Campaign '${campaignId}' was closed`);
  if (!isUpdatable(stored, now)) throw new CampaignStartedError(`Campaign '${campaignId}' has started; ${tooLate}`);
  const { createdAt, updatedAt, closedAt, version, ...definition } = stored;
  const { prewarm, perUserCampaignLimit, proofOfWork, ...fields } = update;
  const merged = campaignDefinitionSchema.safeParse({
    ...definition,
    ...fields,
    // null removes pre-warming and the campaign limit; absent keeps the stored one.
    prewarm: prewarm === null ? undefined : (prewarm ?? definition.prewarm),
    perUserCampaignLimit:
      perUserCampaignLimit === null ? undefined : (perUserCampaignLimit ?? definition.perUserCampaignLimit),
    // null removes the proof of work; absent keeps the stored one.
    proofOfWork: proofOfWork === null ? undefined : (proofOfWork ?? definition.proofOfWork),
  });
  if (!merged.success) {
    const errors = merged.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw new InvalidRequestError(
      `the updated campaign is invalid: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
      { errors },
    );
  }
  if (!isUpdatable(merged.data, now)) {
    throw new CampaignStartedError(`the new startDate ${merged.data.startDate} is too soon; ${tooLate}`);
  }
  if (update.vendorId !== undefined && !(await deps.vendors.get(update.vendorId))) {
    throw new UnknownVendorError(update.vendorId);
  }
  return { stored, merged: merged.data, now };
}

/**
 * The dry run of {@link createCampaign}: the same checks (the vendor exists, the id is free), then what the
 * campaign will do ({@link planDrop}); stores nothing.
 * @throws UnknownVendorError (422); CampaignExistsError (409) when `campaignId` is taken.
 */
export async function dryRunCreate(
  deps: CampaignAdminDeps,
  definition: CampaignDefinition,
  deployed: DeployedCapacity,
): Promise<DryRun> {
  if (!(await deps.vendors.get(definition.vendorId))) throw new UnknownVendorError(definition.vendorId);
  if (definition.campaignId !== undefined && (await deps.campaigns.get(definition.campaignId))) {
    throw new CampaignExistsError(definition.campaignId);
  }
  return planDrop(definition, deployed, deps.clock());
}

/**
 * The dry run of {@link updateCampaign}: the same checks, then what the merged campaign will do; stores nothing.
 * @throws what updateCampaign throws, except CampaignConflictError.
 */
export async function dryRunUpdate(
  deps: CampaignAdminDeps,
  campaignId: string,
  update: CampaignUpdate,
  deployed: DeployedCapacity,
): Promise<DryRun> {
  const { merged, now } = await mergeUpdate(deps, campaignId, update);
  return planDrop({ ...merged, campaignId }, deployed, now);
}

/**
 * Closes a campaign early (the kill switch): every issue request answers NOT_OPEN from the moment this returns.
 * Its pre-warm schedules are deleted, and when its share is held now, a one-time schedule recomputes the alias's
 * provisioned concurrency a minute later.
 * The admission days that a cached campaign could still reach (today and the next issue day) are closed in the
 * admission store first, in the same atomic step as the quota, so no instance admits from a stale cache; then
 * `closedAt` is stored. Idempotent: closing again keeps the first `closedAt`. Coupons already issued stay
 * valid and redeemable.
 * @throws CampaignNotFoundError; backend errors (nothing is half-closed in a way a retry does not finish).
 */
export async function closeCampaign(
  deps: Pick<CampaignAdminDeps, 'campaigns' | 'clock' | 'schedules'> & {
    readonly admissions: Pick<AdmissionStore, 'close'>;
  },
  campaignId: string,
  admissionRetentionDays: number,
): Promise<Campaign> {
  const campaign = await campaignOrThrow(deps.campaigns, campaignId);
  const now = deps.clock();
  const today = issueDayOf(campaign, now);
  for (const issueDate of [today, nextIssueDay(today)]) {
    if (issueDate < campaign.startDate || issueDate > campaign.endDate) continue;
    await deps.admissions.close(
      { campaignId, issueDate },
      {
        counterShards: campaign.counterShards,
        expiresAt: admissionExpiresAt(campaign, issueDate, admissionRetentionDays),
      },
    );
  }
  const closed = await deps.campaigns.close(campaignId, now.toISOString());
  if (campaign.prewarm !== undefined) {
    const scheduler = schedulerOf(deps);
    await scheduler.remove(prewarmScheduleNames(campaignId));
    // Its share comes off the alias at the applier's next run; a one-time schedule makes that a minute from now.
    if (shareAt(campaign, now) !== undefined) await scheduler.put([recomputeSoon(campaignId, now)]);
  }
  return closed;
}

/** Counts of one issue day for the admin: users admitted, coupons persisted and redeemed, admissions parked. */
interface DayStats {
  readonly issueDate: string;
  readonly quota: number;
  readonly admitted: number;
  readonly persisted: number;
  readonly redeemed: number;
  /** Admitted users whose coupon write failed for good (a PARKED failure record, no coupon): need an operator. */
  readonly parked: number;
}

/** Most days one stats request covers. */
const MAX_STATS_DAYS = 62;

/** Dependencies of {@link campaignStats}. */
interface StatsDeps {
  readonly campaigns: Pick<CampaignRepository, 'get'>;
  readonly admissions: Pick<AdmissionStore, 'admittedCount' | 'ledger'>;
  readonly coupons: Pick<CouponStore, 'dayCounts' | 'existing'>;
  readonly failures: Pick<FailedEventStore, 'statuses'>;
  readonly clock: Clock;
}

/**
 * Per-day statistics of a campaign for `from`..`to` (local dates, inclusive; default: the event period up to
 * today in the campaign's time zone; no days before it starts), clipped to the event period, at most
 * {@link MAX_STATS_DAYS} days.
 * `parked` is counted only when a day has fewer coupons than admissions (else it is 0 without a ledger read).
 * @throws CampaignNotFoundError; InvalidRequestError for a reversed or too long range.
 */
export async function campaignStats(
  deps: StatsDeps,
  campaignId: string,
  range: { from?: string; to?: string },
): Promise<{ campaignId: string; days: DayStats[] }> {
  const campaign = await campaignOrThrow(deps.campaigns, campaignId);
  const today = issueDayOf(campaign, deps.clock());
  if (range.from !== undefined && range.to !== undefined && range.to < range.from) {
    throw new InvalidRequestError('to must not be before from');
  }
  const from = range.from ?? campaign.startDate;
  const to = range.to ?? (today < campaign.endDate ? today : campaign.endDate);
  const first = from > campaign.startDate ? from : campaign.startDate;
  const last = to < campaign.endDate ? to : campaign.endDate;
  const dates = first <= last ? datesBetween(first, last) : [];
  if (dates.length > MAX_STATS_DAYS) {
    throw new InvalidRequestError(`a stats request covers at most ${MAX_STATS_DAYS} days; narrow from/to`);
  }
  const days: DayStats[] = [];
  for (const issueDate of dates) days.push(await dayStats(deps, campaign, { campaignId, issueDate }));
  return { campaignId, days };
}

async function dayStats(deps: StatsDeps, campaign: Campaign, day: CampaignDay): Promise<DayStats> {
  const [admitted, counts] = await Promise.all([deps.admissions.admittedCount(day), deps.coupons.dayCounts(day)]);
  let parked = 0;
  if (counts.persisted < admitted) {
    const couponIds = (await deps.admissions.ledger(day)).map((e) =>
      couponIdOf(day.campaignId, day.issueDate, e.userId),
    );
    const existing = await deps.coupons.existing(couponIds);
    const statuses = await deps.failures.statuses(couponIds.filter((id) => !existing.has(id)));
    for (const status of statuses.values()) if (status === 'PARKED') parked++;
  }
  return { issueDate: day.issueDate, quota: campaign.dailyQuota, admitted, ...counts, parked };
}
