import type { Schema } from '../../client';
import type { CampaignState } from '../shared/campaign-state';

// What the drop page says about a campaign, as pure functions of its public view (GET /v1/campaigns/{campaignId},
// src/functions/domain/campaign/public-view.ts): no DOM, so they run in unit tests too.

/** A campaign's public view, as the API answers it. */
export type PublicCampaign = Schema<'PublicCampaign'>;
/** Whether a visitor may claim now: only while the campaign is OPEN (the issue route refuses everything else). */
export function claimable(state: CampaignState): boolean {
  return state === 'OPEN';
}

/**
 * The instant (ms since the epoch) the page counts down to: the next window's opening while SCHEDULED or
 * BETWEEN_WINDOWS, the next day's while SOLD_OUT_TODAY; undefined when OPEN, ENDED or CLOSED (or sold out on the
 * last day).
 */
export function countdownTarget(view: Pick<PublicCampaign, 'state' | 'window' | 'nextOpensAt'>): number | undefined {
  if ((view.state === 'SCHEDULED' || view.state === 'BETWEEN_WINDOWS') && view.window) {
    return Date.parse(view.window.opensAt);
  }
  if (view.state === 'SOLD_OUT_TODAY' && view.nextOpensAt) return Date.parse(view.nextOpensAt);
  return undefined;
}

/** `ms` left as `1 d 02:03:04` (days only when there are any), rounded up to the second; `00:00:00` at or past 0. */
export function countdownText(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  const pad = (n: number) => String(n).padStart(2, '0');
  const days = Math.floor(s / 86_400);
  return `${days ? `${days} d ` : ''}${pad(Math.floor((s % 86_400) / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
}

/**
 * An amount in minor units of `currency` (ISO 4217) in the visitor's locale, e.g. `₩20,000` or `$12.50`: the
 * currency's own minor-unit digits come from Intl (0 for KRW and JPY, 2 for USD).
 * @throws RangeError for a code Intl does not accept (the vendor schema admits only three capital letters).
 */
export function money(minorUnits: number, currency: string, locale?: string): string {
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minorUnits / 10 ** digits);
}

/**
 * The discount in words, e.g. `50% off (up to ₩20,000)` or `₩3,000 off`; amounts in the vendor's currency, or
 * bare minor units when the vendor is unknown.
 */
export function discountTerms(
  discount: PublicCampaign['discount'],
  currency: string | undefined,
  locale?: string,
): string {
  const amount = (n: number) => (currency ? money(n, currency, locale) : n.toLocaleString(locale));
  if (discount.type === 'AMOUNT') return `${amount(discount.value)} off`;
  return `${discount.value}% off${discount.maxAmount === undefined ? '' : ` (up to ${amount(discount.maxAmount)})`}`;
}

/** The period and daily window in the campaign's own zone, e.g. `2026-05-01 to 2026-05-05, 13:00–15:00 daily (Asia/Seoul)`. */
export function calendarText(view: Pick<PublicCampaign, 'startDate' | 'endDate' | 'dailyWindow' | 'timezone'>): string {
  const days = view.startDate === view.endDate ? view.startDate : `${view.startDate} to ${view.endDate}`;
  return `${days}, ${view.dailyWindow.open}–${view.dailyWindow.close} daily (${view.timezone})`;
}

/** How many coupons a visitor may get, in words: one per day, or one for the whole campaign. */
export function limitText(view: Pick<PublicCampaign, 'perUserCampaignLimit'>): string {
  return view.perUserCampaignLimit === 1
    ? 'One coupon per person for the whole campaign.'
    : 'One coupon per person a day.';
}
