import { startOfLocalDay } from '../kernel/zoned-time';
import { type Campaign, evaluateIssuance, issueDayOf } from './campaign';
import { nextOpeningAt, windowOf } from './issue-calendar';

/**
 * What a campaign is doing at an instant, as the public sees it (the drop page, the count, the console):
 * - `SCHEDULED`: no window of its period has opened yet, one will;
 * - `OPEN`: a window is open and today's quota is not all admitted (an issue request may be admitted);
 * - `BETWEEN_WINDOWS`: a window has opened before and another will (after today's window, before the next day's;
 *   or, on an issue day, before its window);
 * - `SOLD_OUT_TODAY`: a window is open but today's quota is all admitted (issue answers 409 SOLD_OUT);
 * - `ENDED`: no window of its period opens any more (issue answers 409 ENDED);
 * - `CLOSED`: an admin closed it early, the kill switch (issue answers 409 NOT_OPEN without `opensAt`).
 */
export const CAMPAIGN_STATES = ['SCHEDULED', 'OPEN', 'BETWEEN_WINDOWS', 'SOLD_OUT_TODAY', 'ENDED', 'CLOSED'] as const;

/** One of {@link CAMPAIGN_STATES}. */
export type CampaignState = (typeof CAMPAIGN_STATES)[number];

/** One open stretch of a daily window, `[opensAt, closesAt)`. */
export interface WindowInstants {
  readonly opensAt: Date;
  readonly closesAt: Date;
}

/** Outcome of {@link campaignStateAt}. */
export interface CampaignStatus {
  /** What the campaign is doing at the instant. */
  readonly state: CampaignState;
  /** The local date (`YYYY-MM-DD`) of the instant in the campaign's time zone, issue day or not. */
  readonly today: string;
  /**
   * The window now open (`OPEN`, `SOLD_OUT_TODAY`) or the next one to open (`SCHEDULED`, `BETWEEN_WINDOWS`);
   * absent when `ENDED` or `CLOSED`. A fall-back day whose window local clocks repeat has two stretches: this is
   * the one open now, or the next.
   */
  readonly window?: WindowInstants;
  /** The next opening after the instant (for `OPEN` and `SOLD_OUT_TODAY`: after today's window); absent when none. */
  readonly nextOpensAt?: Date;
  /**
   * Today's quota, admissions and what is left of it (`max(0, quota - admitted)`); absent unless `today` is an issue
   * day ({@link isIssueDay}) and the campaign is neither `ENDED` nor `CLOSED`, so no page shows a full quota left
   * on a day nothing can be issued.
   */
  readonly quota?: { readonly quota: number; readonly admitted: number; readonly remaining: number };
}

type StateRules = Pick<
  Campaign,
  'timezone' | 'startDate' | 'endDate' | 'dailyWindow' | 'couponValidityDays' | 'dailyQuota'
> &
  Partial<Pick<Campaign, 'closedAt'>>;

/** Whether `closedAt` is set and not later than `instant`. */
function closedBy(campaign: Partial<Pick<Campaign, 'closedAt'>>, instant: number): boolean {
  return campaign.closedAt !== undefined && Date.parse(campaign.closedAt) <= instant;
}

/**
 * Whether `issueDate` (`YYYY-MM-DD`) is an issue day of the campaign: within startDate..endDate (inclusive), its
 * window not wholly skipped by a daylight saving change ({@link windowOf}), and not on or after the local date the
 * campaign was closed (an admin's close ends that day's issuance too). The count's `remaining` is null on any
 * other date.
 */
export function isIssueDay(
  campaign: Pick<Campaign, 'timezone' | 'startDate' | 'endDate' | 'dailyWindow'> & Partial<Pick<Campaign, 'closedAt'>>,
  issueDate: string,
): boolean {
  if (issueDate < campaign.startDate || issueDate > campaign.endDate) return false;
  if (campaign.closedAt !== undefined && issueDate >= issueDayOf(campaign, new Date(campaign.closedAt))) return false;
  return windowOf(campaign, issueDate).intervals.length > 0;
}

/** The stretch of the window of `opening`'s issue day that opens at `opening`. */
function windowOpeningAt(campaign: StateRules, opening: Date): WindowInstants | undefined {
  const stretch = windowOf(campaign, issueDayOf(campaign, opening)).intervals.find(
    (i) => i.opensAt === opening.getTime(),
  );
  return stretch && { opensAt: new Date(stretch.opensAt), closesAt: new Date(stretch.closesAt) };
}

/**
 * The campaign's state at `now`, given `admittedToday` (admissions of the issue day of `now`, read from the
 * admission store), by the calendar rules of src/functions/domain/campaign/issue-calendar.ts and the issue route's
 * rule (`evaluateIssuance`, campaign.ts): the issue route admits only while this says `OPEN` (and answers 409
 * NOT_OPEN with the next opening while `SCHEDULED` or `BETWEEN_WINDOWS`, ENDED while `ENDED`). Pure: no clock, no
 * store.
 * @throws Error for an invalid time zone (the campaign schema refuses those first).
 */
export function campaignStateAt(campaign: StateRules, now: Date, admittedToday: number): CampaignStatus {
  const today = issueDayOf(campaign, now);
  if (closedBy(campaign, now.getTime())) return { state: 'CLOSED', today };
  // A close still to come (not one the close route writes) does not reopen anything: windows after it are dropped.
  const open = { ...campaign, closedAt: undefined };
  const nextOpening = nextOpeningAt(open, now);
  const next =
    nextOpening && !(campaign.closedAt !== undefined && nextOpening.getTime() >= Date.parse(campaign.closedAt))
      ? nextOpening
      : undefined;
  const issuance = evaluateIssuance(open, now);
  const quota = isIssueDay(campaign, today)
    ? {
        quota: campaign.dailyQuota,
        admitted: admittedToday,
        remaining: Math.max(0, campaign.dailyQuota - admittedToday),
      }
    : undefined;
  const withQuota = quota ? { quota } : {};
  const withNext = next ? { nextOpensAt: next } : {};
  if (issuance.open) {
    const stretch = windowOf(campaign, today).intervals.find(
      (i) => i.opensAt <= now.getTime() && now.getTime() < i.closesAt,
    );
    const window = stretch && { opensAt: new Date(stretch.opensAt), closesAt: new Date(stretch.closesAt) };
    return {
      state: admittedToday >= campaign.dailyQuota ? 'SOLD_OUT_TODAY' : 'OPEN',
      today,
      ...(window ? { window } : {}),
      ...withNext,
      ...withQuota,
    };
  }
  if (!next) return { state: 'ENDED', today };
  const window = windowOpeningAt(campaign, next);
  const firstOpening = nextOpeningAt(open, new Date(startOfLocalDay(campaign.timezone, campaign.startDate) - 1));
  return {
    state: firstOpening !== undefined && next.getTime() === firstOpening.getTime() ? 'SCHEDULED' : 'BETWEEN_WINDOWS',
    today,
    ...(window ? { window } : {}),
    ...withNext,
    ...withQuota,
  };
}
