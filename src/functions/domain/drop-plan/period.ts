import { type CampaignDefinition, issueDayOf } from '../campaign/campaign';
import { daysBetween } from '../kernel/zoned-time';
import type { CapacityWarning } from './capacity';

/**
 * A calendar problem the dry run reports, in the shape of a capacity warning (dryRunResponseSchema's `warnings`,
 * src/contract/dry-run.ts): `limit` is what is left, `needed` what the definition asks, in issue days or days.
 */
export type PeriodWarning = CapacityWarning;

/** What {@link periodWarnings} reads of one planned issue day. */
interface PlannedDay {
  /** The local date in the campaign's time zone. */
  readonly issueDate: string;
  /** Instant the window closes (exclusive), ISO-8601 UTC; absent when a DST change skips it. */
  readonly closesAt?: string;
  readonly quota: number;
}

/**
 * The warnings of a period or a validity already (partly) in the past at `now`: `PERIOD_ENDED` when every issue
 * day's window has closed (nothing will be issued), `PERIOD_STARTED` when some have (only the remaining days
 * issue; today's counts as remaining until its window closes), `VALIDITY_ENDED` when coupons stop being valid at
 * or before `now` (`validUntil`, the end of `endDate + couponValidityDays`, src/functions/domain/campaign/campaign.ts).
 * Validity counts from `endDate`, so it cannot end before a remaining issue day: only an ended period can have it.
 */
export function periodWarnings(
  definition: Pick<CampaignDefinition, 'timezone' | 'startDate' | 'endDate' | 'couponValidityDays'>,
  days: readonly PlannedDay[],
  validUntil: Date,
  now: Date,
): PeriodWarning[] {
  const warnings: PeriodWarning[] = [];
  const today = issueDayOf(definition, now);
  const remaining = days.filter(
    (d) =>
      d.issueDate > today ||
      (d.issueDate === today && d.closesAt !== undefined && Date.parse(d.closesAt) > now.getTime()),
  );
  const period = `${definition.startDate}..${definition.endDate} (${definition.timezone})`;
  const first = remaining[0];
  if (first === undefined) {
    warnings.push({
      code: 'PERIOD_ENDED',
      setting: 'startDate, endDate (campaign fields)',
      limit: 0,
      needed: days.length,
      unit: 'issue days',
      message: `every issue day of the period ${period} is over: nothing will be issued`,
    });
  } else if (remaining.length < days.length) {
    const quota = remaining.reduce((sum, d) => sum + d.quota, 0);
    warnings.push({
      code: 'PERIOD_STARTED',
      setting: 'startDate (campaign field)',
      limit: remaining.length,
      needed: days.length,
      unit: 'issue days',
      message: `the period ${period} has begun: ${days.length - remaining.length} of its ${days.length} issue days are over, so only the ${remaining.length} from ${first.issueDate} will issue (at most ${quota} coupons)`,
    });
  }
  if (validUntil.getTime() <= now.getTime()) {
    warnings.push({
      code: 'VALIDITY_ENDED',
      setting: 'couponValidityDays (campaign field)',
      limit: definition.couponValidityDays,
      needed: daysBetween(definition.endDate, today),
      unit: 'days',
      message: `coupons stopped being valid at ${validUntil.toISOString()} (endDate + couponValidityDays): every coupon would be expired; couponValidityDays >= ${daysBetween(definition.endDate, today)} reaches today`,
    });
  }
  return warnings;
}
