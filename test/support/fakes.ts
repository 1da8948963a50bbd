import type { CampaignDay } from '../../src/functions/domain/admission/admission';
import type {
  AdmissionStore,
  AdmitOutcome,
  AdmitRequest,
  ClaimRequest,
  LedgerEntry,
  PendingAdmission,
  PendingQuery,
  ReleaseOutcome,
} from '../../src/functions/domain/admission/ports';

// In-memory stand-ins for the domain's ports, with the ports' guarantees (one day only).

/** An in-memory admission store with the port's guarantees, counting backend calls. */
export class MemoryAdmissions implements AdmissionStore {
  readonly users = new Map<string, { rank: number; requestId: string; admittedAt: string }>();
  seq = 0;
  calls = 0;
  async admit(r: AdmitRequest): Promise<AdmitOutcome> {
    this.calls++;
    const existing = this.users.get(r.userId);
    if (existing)
      return existing.requestId === r.requestId
        ? { kind: 'ADMITTED', rank: existing.rank, admittedAt: r.admittedAt }
        : { kind: 'ALREADY_ADMITTED', rank: existing.rank };
    if (this.users.size >= r.quota) return { kind: 'SOLD_OUT' };
    this.seq++;
    this.users.set(r.userId, { rank: this.seq, requestId: r.requestId, admittedAt: r.admittedAt });
    this.pendingSince.set(r.userId, Date.parse(r.admittedAt));
    return { kind: 'ADMITTED', rank: this.seq, admittedAt: r.admittedAt };
  }
  readonly claimed = new Set<string>();
  /** userId -> epoch ms of the last message, while no writer claimed the admission. */
  readonly pendingSince = new Map<string, number>();
  async release(_: CampaignDay, userId: string, rank: number): Promise<ReleaseOutcome> {
    this.calls++;
    if (this.users.get(userId)?.rank !== rank) return 'NOT_HELD';
    if (this.claimed.has(userId)) return 'CLAIMED';
    this.users.delete(userId);
    this.pendingSince.delete(userId);
    return 'RELEASED';
  }
  async claim(_: CampaignDay, admissions: readonly ClaimRequest[]) {
    this.calls++;
    return admissions.map(({ userId, rank }) => {
      const held = this.users.get(userId)?.rank === rank;
      if (held) this.claimed.add(userId);
      if (held) this.pendingSince.delete(userId);
      return held;
    });
  }
  async pending(_: CampaignDay, query: PendingQuery): Promise<PendingAdmission[]> {
    this.calls++;
    return [...this.pendingSince]
      .filter(([, at]) => at <= query.before)
      .sort((a, b) => a[1] - b[1])
      .slice(0, query.limit)
      .map(([userId, lastSentAt]) => {
        const user = this.users.get(userId) as { rank: number; admittedAt: string };
        return { userId, rank: user.rank, admittedAt: user.admittedAt, lastSentAt };
      });
  }
  async resent(_: CampaignDay, admissions: readonly ClaimRequest[], at: number) {
    this.calls++;
    for (const { userId, rank } of admissions) {
      if (this.pendingSince.has(userId) && this.users.get(userId)?.rank === rank) this.pendingSince.set(userId, at);
    }
  }
  /** Reads of one user's rank (the sold-out path's point read). */
  rankReads = 0;
  async rankOf(_: CampaignDay, userId: string) {
    this.rankReads++;
    return this.users.get(userId)?.rank;
  }
  async admittedUsers() {
    this.calls++;
    return new Map([...this.users].map(([u, v]) => [u, v.rank]));
  }
  async close() {
    throw new Error('MemoryAdmissions does not close days');
  }
  async admittedCount() {
    return this.users.size;
  }
  async ledger(): Promise<LedgerEntry[]> {
    return [...this.users]
      .map(([userId, v]) => ({ userId, rank: v.rank, admittedAt: v.admittedAt }))
      .sort((a, b) => a.rank - b.rank);
  }
}
