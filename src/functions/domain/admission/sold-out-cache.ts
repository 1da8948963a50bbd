import type { Clock } from '../kernel/clock';
import { type CampaignDay, campaignDayKey } from './admission';

/** How long an instance answers a sold-out day from memory before it asks the backend again, ms. */
export const SOLD_OUT_CACHE_TTL_MS = 2_000;

/**
 * The largest daily quota whose sold-out days are cached with a copy of the day's winners (userId -> rank), so a
 * sold-out answer needs no backend call. Above it the cache holds a flag and the admitted count and each answer
 * reads the user's own rank (AdmissionStore.rankOf). The copy costs one read of the day's ledger per instance every
 * {@link SOLD_OUT_CACHE_TTL_MS}: about 117 ms at quota 1,000 in Redis mode, but 28.7 s and 59 MiB held at 1,000,000
 * (BENCHMARKS.md, Q6 "Big days"), while a point read per answer costs an Upstash command (against its 10,000
 * commands/s) or 1 RRU each, which at the product's usual quotas (100 to 1,000) is most of a drop's requests.
 */
export const SOLD_OUT_SNAPSHOT_MAX_QUOTA = 1_000;

/** What {@link SoldOutCache} remembers of a sold-out day. */
export interface SoldOutEntry {
  /** The admitted count when the day was marked sold out. */
  readonly admitted: number;
  /** The day's winners (userId -> rank) when its quota is at most the snapshot limit, else undefined. */
  readonly winners?: ReadonlyMap<string, number>;
}

/** Options of {@link SoldOutCache}. */
export interface SoldOutCacheOptions {
  /** How long an entry lives, ms. @default - {@link SOLD_OUT_CACHE_TTL_MS} */
  readonly ttlMs?: number;
  /** The largest quota whose days hold a copy of the winners. @default - {@link SOLD_OUT_SNAPSHOT_MAX_QUOTA} */
  readonly snapshotMaxQuota?: number;
}

/**
 * Per-instance memory of campaign days seen SOLD_OUT. A day of quota up to `snapshotMaxQuota` is held with a copy
 * of its winners, so a request is answered from memory: a winner's repeat gets ALREADY_ISSUED with their rank,
 * everyone else SOLD_OUT. A bigger day is held as a flag and the admitted count (a few bytes, whatever the quota),
 * and a request reads the user's own rank (AdmissionStore.rankOf) instead of an admission. Entries live `ttlMs`
 * rather than all day: a unit freed by a released admission (failed queue send) must be able to reach new users.
 */
export class SoldOutCache {
  private readonly entries = new Map<string, SoldOutEntry & { until: number }>();
  private readonly ttlMs: number;
  private readonly snapshotMaxQuota: number;

  constructor(
    private readonly clock: Clock,
    options: SoldOutCacheOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? SOLD_OUT_CACHE_TTL_MS;
    this.snapshotMaxQuota = options.snapshotMaxQuota ?? SOLD_OUT_SNAPSHOT_MAX_QUOTA;
  }

  /** Whether a sold-out day of this daily quota is to be held with a copy of its winners. */
  holdsWinners(quota: number): boolean {
    return quota <= this.snapshotMaxQuota;
  }

  /** What was remembered of `day` when it was marked sold out less than `ttlMs` ago, else undefined. */
  get(day: CampaignDay): SoldOutEntry | undefined {
    const key = campaignDayKey(day);
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.until > this.clock().getTime()) return entry;
    this.entries.delete(key);
    return undefined;
  }

  /** Remembers that `day` answered SOLD_OUT now, with `admitted` users (the store's count) and, if read, its winners. */
  mark(day: CampaignDay, admitted: number, winners?: ReadonlyMap<string, number>): void {
    const until = this.clock().getTime() + this.ttlMs;
    this.entries.set(campaignDayKey(day), winners === undefined ? { until, admitted } : { until, admitted, winners });
  }
}
