import type { Clock } from '../kernel/clock';
import { type CampaignDay, campaignDayKey } from './admission';

/** How long an instance answers a sold-out day from memory before it asks the backend again, ms. */
export const SOLD_OUT_CACHE_TTL_MS = 2_000;

/**
 * Per-instance memory of campaign days seen SOLD_OUT, with a snapshot of the day's admitted users
 * (userId -> rank), so a burst after the quota is used is answered with no network call: a winner's repeat gets
 * ALREADY_ISSUED with their rank, everyone else SOLD_OUT. Entries live `ttlMs` (default {@link SOLD_OUT_CACHE_TTL_MS}) rather than
 * all day: a slot freed by a rolled-back admission (failed queue send) must be able to reach new users, and one
 * backend round trip per instance per TTL costs nothing next to the burst.
 */
export class SoldOutCache {
  private readonly entries = new Map<string, { until: number; admitted: ReadonlyMap<string, number> }>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs = SOLD_OUT_CACHE_TTL_MS,
  ) {}

  /** The admitted users of `day` when it was marked sold out less than `ttlMs` ago, else undefined. */
  get(day: CampaignDay): ReadonlyMap<string, number> | undefined {
    const key = campaignDayKey(day);
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.until > this.clock().getTime()) return entry.admitted;
    this.entries.delete(key);
    return undefined;
  }

  /** Remembers that `day` answered SOLD_OUT now, with its admitted users (userId -> rank). */
  mark(day: CampaignDay, admitted: ReadonlyMap<string, number>): void {
    this.entries.set(campaignDayKey(day), { until: this.clock().getTime() + this.ttlMs, admitted });
  }
}
