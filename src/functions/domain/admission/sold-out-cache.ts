import type { Clock } from '../kernel/clock';
import { type CampaignDay, campaignDayKey } from './admission';

/** How long an instance answers a sold-out day from memory before it asks the backend again, ms. */
export const SOLD_OUT_CACHE_TTL_MS = 2_000;

/**
 * Per-instance memory of campaign days seen SOLD_OUT: a flag and the admitted count read when the day was marked
 * (a few bytes a day, whatever the quota; it used to hold a copy of the day's ledger, which at a quota of 1,000,000
 * outgrew the function's memory: BENCHMARKS.md, question Q6). While an entry lives, a request is answered with one
 * read of the user's own rank (AdmissionStore.rankOf) instead of an admission: a winner's repeat gets
 * ALREADY_ISSUED with their rank, everyone else SOLD_OUT. Entries live `ttlMs` (default {@link SOLD_OUT_CACHE_TTL_MS}) rather than all
 * day: a unit freed by a released admission (failed queue send) must be able to reach new users.
 */
export class SoldOutCache {
  private readonly entries = new Map<string, { until: number; admitted: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs = SOLD_OUT_CACHE_TTL_MS,
  ) {}

  /** The admitted count of `day` when it was marked sold out less than `ttlMs` ago, else undefined. */
  get(day: CampaignDay): number | undefined {
    const key = campaignDayKey(day);
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.until > this.clock().getTime()) return entry.admitted;
    this.entries.delete(key);
    return undefined;
  }

  /** Remembers that `day` answered SOLD_OUT now, with `admitted` users (the store's count). */
  mark(day: CampaignDay, admitted: number): void {
    this.entries.set(campaignDayKey(day), { until: this.clock().getTime() + this.ttlMs, admitted });
  }
}
