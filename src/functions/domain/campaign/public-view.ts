import type { AdmissionStore } from '../admission/ports';
import type { Clock } from '../kernel/clock';
import type { VendorRepository } from '../vendor/ports';
import { type Campaign, issueDayOf } from './campaign';
import { campaignOrThrow } from './campaign-lookup';
import { type CampaignState, campaignStateAt } from './campaign-state';
import type { CampaignRepository } from './ports';

/** Dependencies of {@link publicCampaign}. */
interface PublicViewDeps {
  readonly campaigns: Pick<CampaignRepository, 'get'>;
  readonly admissions: Pick<AdmissionStore, 'admittedCount'>;
  readonly vendors: Pick<VendorRepository, 'get'>;
  readonly clock: Clock;
}

/**
 * What anyone may know of a campaign (`GET /v1/campaigns/{campaignId}`, public and edge-cached): its name, terms,
 * vendor, calendar and {@link CampaignState} at `asOf`. Instants are ISO-8601 UTC, dates local `YYYY-MM-DD` in
 * `timezone`, amounts minor units of the vendor's currency. Nothing of it is private: the campaign's admin fields
 * (counter shards, pre-warm, expected peak, version) are left out.
 */
export interface PublicCampaign {
  readonly campaignId: string;
  readonly name: string;
  /** The vendor that funds the discount; null if its record is missing (it is checked at creation). */
  readonly vendor: { readonly vendorId: string; readonly name: string; readonly currency: string } | null;
  /** The discount a coupon gives (Campaign `discount`). */
  readonly discount: Campaign['discount'];
  /** IANA time zone of the dates and the daily window. */
  readonly timezone: string;
  /** First and last issue day, inclusive. */
  readonly startDate: string;
  readonly endDate: string;
  /** The daily window in local `HH:MM`, `close` exclusive (`24:00`: the end of the day). */
  readonly dailyWindow: Campaign['dailyWindow'];
  /** Coupons a user may get per issue day (Campaign `perUserDailyLimit`, always 1). */
  readonly perUserDailyLimit: Campaign['perUserDailyLimit'];
  /** 1 when a user may get one coupon for the whole campaign (Campaign `perUserCampaignLimit`); null otherwise. */
  readonly perUserCampaignLimit: NonNullable<Campaign['perUserCampaignLimit']> | null;
  /** What the campaign is doing at `asOf` (src/functions/domain/campaign/campaign-state.ts). */
  readonly state: CampaignState;
  /** The local date of `asOf` in `timezone`, issue day or not. */
  readonly today: string;
  /**
   * The window open now (OPEN, SOLD_OUT_TODAY) or the next one (SCHEDULED, BETWEEN_WINDOWS); null when ENDED or
   * CLOSED.
   */
  readonly window: { readonly opensAt: string; readonly closesAt: string } | null;
  /** The next opening after `asOf` (while open: the next day's); null when no window opens any more. */
  readonly nextOpensAt: string | null;
  /** Today's quota; null unless today is an issue day of a campaign neither ENDED nor CLOSED. */
  readonly quota: number | null;
  /** What is left of today's quota, `max(0, quota - admitted)`; null whenever `quota` is. */
  readonly remaining: number | null;
  /** When the view was made (ISO-8601 UTC): behind the edge's 1 s cache a page can tell its age. */
  readonly asOf: string;
}

/**
 * The public view of a campaign at the clock's instant: one campaign read (cached per instance), one read of
 * today's admitted count and one vendor read.
 * @throws CampaignNotFoundError; the backend's error as is when a read fails.
 */
export async function publicCampaign(deps: PublicViewDeps, campaignId: string): Promise<PublicCampaign> {
  const campaign = await campaignOrThrow(deps.campaigns, campaignId);
  const asOf = deps.clock();
  const today = issueDayOf(campaign, asOf);
  const [admitted, vendor] = await Promise.all([
    deps.admissions.admittedCount({ campaignId, issueDate: today }),
    deps.vendors.get(campaign.vendorId),
  ]);
  const status = campaignStateAt(campaign, asOf, admitted);
  return {
    campaignId,
    name: campaign.name,
    vendor: vendor ? { vendorId: vendor.vendorId, name: vendor.name, currency: vendor.currency } : null,
    discount: campaign.discount,
    timezone: campaign.timezone,
    startDate: campaign.startDate,
    endDate: campaign.endDate,
    dailyWindow: campaign.dailyWindow,
    perUserDailyLimit: campaign.perUserDailyLimit,
    perUserCampaignLimit: campaign.perUserCampaignLimit ?? null,
    state: status.state,
    today: status.today,
    window: status.window
      ? { opensAt: status.window.opensAt.toISOString(), closesAt: status.window.closesAt.toISOString() }
      : null,
    nextOpensAt: status.nextOpensAt?.toISOString() ?? null,
    quota: status.quota?.quota ?? null,
    remaining: status.quota?.remaining ?? null,
    asOf: asOf.toISOString(),
  };
}
