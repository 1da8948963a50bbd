import { parseArgs } from 'node:util';
import type { RequestBody } from '../../src/client';
import { evaluateIssuance } from '../../src/functions/domain/campaign/campaign';
import { nextOpeningAt } from '../../src/functions/domain/campaign/issue-calendar';
import { addDays, isTimeZone, localDateAt, wallClockAt } from '../../src/functions/domain/kernel/zoned-time';
import { LocalApiClient } from '../local/api-client';
import { readLocalEndpoints } from './target';

// `npm run demo -- [--endpoints <file>] [--timezone <IANA zone>]`: seeds the running local cloud (npm start) with
// something to look at: a vendor, a campaign open now and one whose first window opens in about two minutes (the
// drop page's countdown), then prints the console's and the drop pages' URLs. Running it again reuses what is still
// usable (the vendor, today's open campaign, a countdown campaign of the same minute) and creates the rest under new
// ids, saying which. Exit 0 when seeded, 1 on an unexpected API answer, 2 without a local cloud or with bad arguments.

/** The vendor every demo campaign belongs to. */
export const DEMO_VENDOR = { vendorId: 'demo', name: 'Demo shop', currency: 'KRW' } as const;

/** How long after the run the countdown campaign opens at the earliest, ms (then rounded up to a whole minute). */
export const COUNTDOWN_LEAD_MS = 120_000;

/** How many days each demo campaign lasts, today (or the countdown's opening day) included. */
const DEMO_PERIOD_DAYS = 7;

/** How long the countdown campaign's window lasts each day, minutes (cut at the end of the local day). */
const COUNTDOWN_WINDOW_MINUTES = 60;

const MINUTE_MS = 60_000;

/** A campaign the demo seeds, and the opening the drop page counts down to. */
export interface DemoCampaign {
  readonly definition: RequestBody<'createCampaign'> & { readonly campaignId: string };
  /** The first window's opening, ISO instant; for the countdown campaign only. */
  readonly opensAt?: string;
}

/** The two campaigns of {@link demoCampaigns}. */
export interface DemoCampaigns {
  /** Open all day from today (the local date of `now` in the zone) for {@link DEMO_PERIOD_DAYS} days. */
  readonly openNow: DemoCampaign;
  /**
   * Its window opens at the first whole minute at least {@link COUNTDOWN_LEAD_MS} after `now`, for an hour (until
   * the end of the local day at most); in the hour a fall-back repeats, at that wall time the next day.
   */
  readonly countdown: DemoCampaign & { readonly opensAt: string };
}

/** `2026-12-07` -> `20261207`, for ids. */
const compact = (date: string) => date.replaceAll('-', '');
const twoDigits = (n: number) => String(n).padStart(2, '0');

/**
 * The demo's campaigns at `now` in `timezone` (an IANA zone): their ids carry the local date (and the countdown's
 * opening minute), so a second run on the same day finds the same open campaign and, within the same minute, the
 * same countdown campaign. Windows are local `HH:MM`, dates local `YYYY-MM-DD`, by the campaign rules of
 * src/functions/domain/campaign/campaign.ts; the countdown's `opensAt` comes from the same calendar the API uses
 * (issue-calendar.ts nextOpeningAt), so a DST change is accounted for.
 * @throws Error for an unknown time zone.
 */
export function demoCampaigns(now: Date, timezone: string): DemoCampaigns {
  if (!isTimeZone(timezone)) throw new Error(`unknown time zone '${timezone}'`);
  const common = {
    vendorId: DEMO_VENDOR.vendorId,
    timezone,
    perUserDailyLimit: 1,
    couponValidityDays: 30,
  } as const;
  const today = localDateAt(timezone, now.getTime());
  const openNow: DemoCampaign = {
    definition: {
      ...common,
      campaignId: `demo-open-${compact(today)}`,
      name: 'Demo: open now, the first 100 each day',
      startDate: today,
      endDate: addDays(today, DEMO_PERIOD_DAYS - 1),
      dailyWindow: { open: '00:00', close: '24:00' },
      dailyQuota: 100,
      discount: { type: 'PERCENT', value: 50, maxAmount: 20_000 },
    },
  };
  const opening = Math.ceil((now.getTime() + COUNTDOWN_LEAD_MS) / MINUTE_MS) * MINUTE_MS;
  const wall = wallClockAt(timezone, opening);
  const day = localDateAt(timezone, opening);
  const openMinute = wall.hour * 60 + wall.minute;
  const closeMinute = Math.min(openMinute + COUNTDOWN_WINDOW_MINUTES, 24 * 60);
  const hhmm = (minutes: number) => `${twoDigits(Math.floor(minutes / 60))}:${twoDigits(minutes % 60)}`;
  const dailyWindow = { open: hhmm(openMinute), close: hhmm(closeMinute) };
  const sameDay = {
    ...common,
    campaignId: `demo-opens-${compact(day)}-${dailyWindow.open.replace(':', '')}`,
    name: `Demo: opens at ${dailyWindow.open}, 20 each day`,
    startDate: day,
    endDate: addDays(day, DEMO_PERIOD_DAYS - 1),
    dailyWindow,
    dailyQuota: 20,
    discount: { type: 'AMOUNT', value: 5_000 },
  } as const;
  // In the hour a fall-back repeats, that wall-clock window opened an hour ago: the campaign starts the next day.
  const definition = evaluateIssuance(sameDay, now).open
    ? { ...sameDay, startDate: addDays(day, 1), endDate: addDays(day, DEMO_PERIOD_DAYS) }
    : sameDay;
  // By the API's own calendar (a window a spring-forward gap skips opens on the next day).
  const opensAt = nextOpeningAt(definition, now) ?? new Date(opening);
  return { openNow, countdown: { definition, opensAt: opensAt.toISOString() } };
}

/** What happened to one seeded resource. */
export interface Seeded {
  readonly id: string;
  /** `created` now, or `reused`: it existed from an earlier run and is still what the demo needs. */
  readonly outcome: 'created' | 'reused';
}

/** An API answer the demo cannot go on from. */
export class DemoSeedError extends Error {
  override readonly name = 'DemoSeedError';
}

/** The result of {@link seedDemo}. */
export interface DemoSeed {
  readonly vendor: Seeded;
  readonly openNow: Seeded & { readonly definition: DemoCampaign['definition'] };
  readonly countdown: Seeded & { readonly definition: DemoCampaign['definition']; readonly opensAt: string };
}

/**
 * Creates (or finds) {@link DEMO_VENDOR} and the campaigns of {@link demoCampaigns} through the admin API. A
 * campaign id that exists is reused when the stored campaign is the demo vendor's and not closed; otherwise (an
 * operator closed it in the console) the campaign is created again under the id with a `-<HHMMSS>` suffix of `now`.
 * @throws DemoSeedError with the status and body of an answer other than 201, or 409 for an existing id.
 */
export async function seedDemo(client: LocalApiClient, now: Date, timezone: string): Promise<DemoSeed> {
  const { openNow, countdown } = demoCampaigns(now, timezone);
  const vendor = await client.admin.POST('/v1/admin/vendors', { body: DEMO_VENDOR });
  if (vendor.response.status !== 201 && vendor.response.status !== 409) {
    throw new DemoSeedError(`creating vendor ${DEMO_VENDOR.vendorId}: ${describe(vendor)}`);
  }
  const suffix = (() => {
    const wall = wallClockAt(timezone, now.getTime());
    return `-${twoDigits(wall.hour)}${twoDigits(wall.minute)}${twoDigits(wall.second)}`;
  })();
  const seed = async (campaign: DemoCampaign) => {
    let definition = campaign.definition;
    for (;;) {
      const created = await client.admin.POST('/v1/admin/campaigns', { body: definition });
      if (created.response.status === 201)
        return { id: definition.campaignId, outcome: 'created' as const, definition };
      if (created.response.status !== 409) {
        throw new DemoSeedError(`creating campaign ${definition.campaignId}: ${describe(created)}`);
      }
      const stored = await client.admin.GET('/v1/admin/campaigns/{campaignId}', {
        params: { path: { campaignId: definition.campaignId } },
      });
      if (stored.data && stored.data.closedAt === undefined && stored.data.vendorId === DEMO_VENDOR.vendorId) {
        return { id: definition.campaignId, outcome: 'reused' as const, definition };
      }
      if (definition.campaignId.endsWith(suffix)) {
        throw new DemoSeedError(`campaign ${definition.campaignId} exists and is not usable: ${describe(stored)}`);
      }
      definition = { ...definition, campaignId: `${campaign.definition.campaignId}${suffix}` };
    }
  };
  return {
    vendor: { id: DEMO_VENDOR.vendorId, outcome: vendor.response.status === 201 ? 'created' : 'reused' },
    openNow: await seed(openNow),
    countdown: { ...(await seed(countdown)), opensAt: countdown.opensAt },
  };
}

/** An answer as `<status> <body>`, for an error message. */
function describe(answer: { response: Response; error?: unknown; data?: unknown }): string {
  return `${answer.response.status} ${JSON.stringify(answer.error ?? answer.data ?? null)}`;
}

/**
 * The console's and a drop page's URLs on the local cloud at `apiUrl` (tools/local/web-pages.ts serves them on the
 * API's port): the drop page of `campaignId`, which counts down to the opening its public view names.
 */
export function pageUrls(apiUrl: string, campaignId: string): { console: string; drop: string } {
  const base = apiUrl.replace(/\/+$/, '');
  const drop = new URL(`${base}/drop/`);
  drop.searchParams.set('campaign', campaignId);
  return { console: `${base}/console/`, drop: drop.href };
}

async function main(): Promise<number> {
  let values: { endpoints?: string; timezone?: string };
  try {
    ({ values } = parseArgs({ options: { endpoints: { type: 'string' }, timezone: { type: 'string' } } }));
  } catch (error) {
    console.error(`${(error as Error).message}\nusage: npm run demo -- [--endpoints <file>] [--timezone <zone>]`);
    return 2;
  }
  // The machine's own zone, so the windows read as the wall clock the person at it sees.
  const timezone = values.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC';
  if (!isTimeZone(timezone)) {
    console.error(`unknown time zone '${timezone}'`);
    return 2;
  }
  let endpoints: ReturnType<typeof readLocalEndpoints>;
  try {
    endpoints = readLocalEndpoints(values.endpoints);
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  const seeded = await seedDemo(new LocalApiClient(endpoints), new Date(), timezone);
  const { openNow, countdown } = seeded;
  const open = pageUrls(endpoints.apiUrl, openNow.id);
  const soon = pageUrls(endpoints.apiUrl, countdown.id);
  const period = (d: DemoCampaign['definition']) => `${d.startDate}..${d.endDate}`;
  console.log(`vendor      ${seeded.vendor.id} (${seeded.vendor.outcome})`);
  console.log(
    `open now    ${openNow.id} (${openNow.outcome}): all day, ${period(openNow.definition)}, ${openNow.definition.dailyQuota} a day`,
  );
  console.log(
    `opens soon  ${countdown.id} (${countdown.outcome}): ${countdown.definition.dailyWindow.open}-${countdown.definition.dailyWindow.close} daily, first at ${countdown.opensAt}`,
  );
  console.log(`  (times in ${timezone}; --timezone <zone> for another)`);
  console.log(`console     ${open.console}`);
  console.log(`drop page   ${open.drop}`);
  console.log(`countdown   ${soon.drop}`);
  return 0;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
