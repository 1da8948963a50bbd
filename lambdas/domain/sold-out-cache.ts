import type { Clock } from './clock';
import type { CampaignDay } from './admission';

/**
 * Per-instance memory of campaign days seen SOLD_OUT, so a burst after the quota is used is answered with no
 * network call. Entries live `ttlMs` (default 2,000 ms) rather than all day: a slot freed by a rolled-back
 * admission (failed queue send) must be able to reach new users, and one backend call per instance per TTL
 * costs nothing next to the burst.
 */
export class SoldOutCache {
  private readonly until = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs = 2_000,
  ) {}

  /** True when `day` was marked sold out less than `ttlMs` ago. */
  has(day: CampaignDay): boolean {
    const key = `${day.campaignId}#${day.issueDate}`;
    const until = this.until.get(key);
    if (until === undefined) return false;
    if (until > this.clock().getTime()) return true;
    this.until.delete(key);
    return false;
  }

  /** Remembers that `day` answered SOLD_OUT now. */
  mark(day: CampaignDay): void {
    this.until.set(`${day.campaignId}#${day.issueDate}`, this.clock().getTime() + this.ttlMs);
  }
}
