import type { Redis } from '@upstash/redis';
import type { CampaignDay } from '../../domain/admission/admission';
import type {
  AdmissionLedger,
  AdmissionStore,
  AdmitOutcome,
  AdmitRequest,
  ClaimRequest,
  LedgerEntry,
  PendingAdmission,
  PendingQuery,
  ReleaseOutcome,
} from '../../domain/admission/ports';
import { AdmissionUnsettledError, AdmissionVoidedError } from '../../domain/kernel/errors';

/** Attempts of the void that settles an unanswered admission when the request has no deadline. */
const SETTLE_ATTEMPTS = 10;

/** The answer to a request whose admission was voided: it did not land and never can. */
const voided = () => new AdmissionVoidedError('The request could not be admitted; please retry');

/**
 * Keys of one campaign day. The `{...}` hash tag names the campaign, so every day of a campaign and its
 * {@link campaignKeys} share one Redis Cluster slot, which a multi-key Lua script requires (the admission script
 * checks the campaign marker and the day's quota in one step).
 */
export function dayKeys(day: CampaignDay) {
  const prefix = `${campaignTag(day.campaignId)}:${day.issueDate}`;
  return {
    /** HASH userId -> "rank|requestId". */
    users: `${prefix}:users`,
    /** ZSET score rank, member "userId|admittedAt": the admission ledger. */
    ledger: `${prefix}:ledger`,
    /** STRING: highest rank handed out so far. */
    seq: `${prefix}:seq`,
    /** STRING, present once the day was closed (the campaign's kill switch). */
    closed: `${prefix}:closed`,
    /** SET of userIds whose admission a coupon writer claimed (see CLAIM_SCRIPT): no longer releasable. */
    claimed: `${prefix}:claimed`,
    /** SET of request ids whose admission must never land (see VOID_SCRIPT). */
    voided: `${prefix}:voided`,
    /**
     * ZSET score epoch ms of the last message (admission or re-enqueue), member rank: the admissions no coupon
     * writer has claimed (see PENDING_SCRIPT). Claims and releases remove their member.
     */
    pending: `${prefix}:pending`,
  };
}

/** The hash tag of a campaign's keys: `{fcfs:<campaignId>}`. */
const campaignTag = (campaignId: string) => `{fcfs:${campaignId}}`;

/** Keys of a whole campaign, in the slot of its days' keys ({@link dayKeys}). */
export function campaignKeys(campaignId: string) {
  return {
    /**
     * HASH userId -> "issueDate|rank": the campaign markers of a campaign with `perUserCampaignLimit`, one per user
     * holding an admission on any of its issue days (see ADMIT_SCRIPT and RELEASE_SCRIPT).
     */
    holders: `${campaignTag(campaignId)}:holders`,
  };
}

/**
 * KEYS and ARGV of one {@link ADMIT_SCRIPT} call for `request` (the benchmarks call the script directly with
 * them): `admittedAt` is ISO-8601 UTC, `expiresAt` and `campaignLimit.expiresAt` epoch s.
 */
export function admitScriptCall(request: {
  readonly day: CampaignDay;
  readonly userId: string;
  readonly requestId: string;
  readonly quota: number;
  readonly admittedAt: string;
  readonly expiresAt: number | string;
  readonly campaignLimit?: { readonly expiresAt: number };
}): { keys: string[]; args: string[] } {
  const k = dayKeys(request.day);
  return {
    keys: [k.users, k.ledger, k.seq, k.closed, k.voided, k.pending, campaignKeys(request.day.campaignId).holders],
    args: [
      request.userId,
      request.requestId,
      String(request.quota),
      request.admittedAt,
      String(request.expiresAt),
      String(Date.parse(request.admittedAt)),
      request.day.issueDate,
      request.campaignLimit ? String(request.campaignLimit.expiresAt) : '',
    ],
  };
}

/**
 * Lua shared by the admission and void scripts (KEYS[1] users, ARGV[1] userId, ARGV[2] requestId): returns
 * {0, rank} when the user holds a rank from this request, {1, rank} from another.
 */
const USER_HELD = `
local entry = redis.call('HGET', KEYS[1], ARGV[1])
if entry then
  local rank, requestId = string.match(entry, '^(%d+)|(.*)$')
  if requestId == ARGV[2] then return {0, tonumber(rank)} end
  return {1, tonumber(rank)}
end
`;

/**
 * KEYS: users, ledger, seq, closed, voided, pending, holders. ARGV: userId, requestId, quota, admittedAt, expireAt
 * (epoch s), admittedAt (epoch ms; the pending score), issueDate, holdersExpireAt (epoch s; '' without the campaign
 * limit). Build them with {@link admitScriptCall}. Returns {0, rank} admitted, {1, rank} already admitted,
 * {2, admitted} sold out, {3, 0} closed, {4, 0} this request was voided (VOID_SCRIPT): it can never be admitted,
 * {6, rank, issueDate} the user holds an admission on another issue day of the campaign (the campaign limit: its
 * marker in `holders`, written with the admission).
 */
export const ADMIT_SCRIPT = `${USER_HELD}if redis.call('SISMEMBER', KEYS[5], ARGV[2]) == 1 then return {4, 0} end
local limited = ARGV[8] ~= nil and ARGV[8] ~= ''
if limited then
  local held = redis.call('HGET', KEYS[7], ARGV[1])
  if held then
    local date, rank = string.match(held, '^(.*)|(%d+)$')
    return {6, tonumber(rank), date}
  end
end
if redis.call('EXISTS', KEYS[4]) == 1 then return {3, 0} end
local admitted = redis.call('HLEN', KEYS[1])
if admitted >= tonumber(ARGV[3]) then return {2, admitted} end
local rank = redis.call('INCR', KEYS[3])
redis.call('HSET', KEYS[1], ARGV[1], rank .. '|' .. ARGV[2])
redis.call('ZADD', KEYS[2], rank, ARGV[1] .. '|' .. ARGV[4])
redis.call('ZADD', KEYS[6], ARGV[6], rank)
for i = 1, 3 do redis.call('EXPIREAT', KEYS[i], ARGV[5]) end
redis.call('EXPIREAT', KEYS[6], ARGV[5])
if limited then
  redis.call('HSET', KEYS[7], ARGV[1], ARGV[7] .. '|' .. rank)
  redis.call('EXPIREAT', KEYS[7], ARGV[8])
end
return {0, rank}
`;

/**
 * KEYS: users, voided. ARGV: userId, requestId, expireAt (epoch s). Settles an admission whose answer was lost:
 * {0, rank} when this request's admission landed, {1, rank} when another request of the user holds one, else
 * {5, 0} after adding the request id to `voided`, so that ADMIT_SCRIPT never admits it (a retried or late request).
 */
const VOID_SCRIPT = `${USER_HELD}redis.call('SADD', KEYS[2], ARGV[2])
redis.call('EXPIREAT', KEYS[2], ARGV[3])
return {5, 0}
`;

/**
 * KEYS: users, ledger, claimed, pending, holders. ARGV: userId, rank, issueDate. Returns 1 when released, 0 when the
 * user no longer held `rank`, 2 when a coupon writer claimed the admission (it stands). The unit of quota returns
 * (the count is HLEN users); the rank is not reused, leaving a gap. The user's campaign marker goes with the
 * admission when it points at it: an admission released was never claimed, so it never became a coupon.
 */
const RELEASE_SCRIPT = `
local entry = redis.call('HGET', KEYS[1], ARGV[1])
if not entry or string.match(entry, '^(%d+)|') ~= ARGV[2] then return 0 end
if redis.call('SISMEMBER', KEYS[3], ARGV[1]) == 1 then return 2 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[2], ARGV[2], ARGV[2])
redis.call('ZREM', KEYS[4], ARGV[2])
if redis.call('HGET', KEYS[5], ARGV[1]) == ARGV[3] .. '|' .. ARGV[2] then redis.call('HDEL', KEYS[5], ARGV[1]) end
return 1
`;

/**
 * KEYS: users, claimed, pending. ARGV: userId1, rank1, userId2, rank2, ... Returns one flag per pair: 1 when the user
 * holds that rank (now claimed: RELEASE_SCRIPT refuses it, and it leaves the pending set), 0 when not (released,
 * or never admitted). The claimed set expires with the users hash.
 */
const CLAIM_SCRIPT = `
local held = {}
for i = 1, #ARGV, 2 do
local entry = redis.call('HGET', KEYS[1], ARGV[i])
if entry and string.match(entry, '^(%d+)|') == ARGV[i + 1] then
  redis.call('SADD', KEYS[2], ARGV[i])
  redis.call('ZREM', KEYS[3], ARGV[i + 1])
  held[#held + 1] = 1
else
  held[#held + 1] = 0
end
end
local ttl = redis.call('PTTL', KEYS[1])
if ttl > 0 then redis.call('PEXPIRE', KEYS[2], ttl) end
return held
`;

/**
 * KEYS: ledger, pending. ARGV: before (epoch ms), limit. Returns flat triples {"userId|admittedAt", rank, last
 * message epoch ms} of the pending admissions whose score is at most `before`, oldest first: one range read of the
 * pending set and one rank lookup in the ledger per admission returned, whatever the ledger's size.
 */
const PENDING_SCRIPT = `
local pending = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for i = 1, #pending, 2 do
  local member = redis.call('ZRANGEBYSCORE', KEYS[1], pending[i], pending[i], 'LIMIT', 0, 1)[1]
  if member then
    out[#out + 1] = member
    out[#out + 1] = pending[i]
    out[#out + 1] = pending[i + 1]
  end
end
return out
`;

/** A ledger member `userId|admittedAt` split (user ids may contain '|'; ISO instants do not). */
function ledgerMember(member: string): { userId: string; admittedAt: string } {
  const cut = member.lastIndexOf('|');
  return { userId: member.slice(0, cut), admittedAt: member.slice(cut + 1) };
}

/**
 * The admission ledger as the coupon pipeline sees it (the consumer, replay and reconciliation): claims and the
 * ledger, without the admission path, so their bundles leave it out. {@link RedisAdmissionStore} adds admission,
 * release and close. Give it a client with `automaticDeserialization: false` (see RedisAdmissionStore).
 */
export class RedisAdmissionLedger implements AdmissionLedger {
  private readonly claimScript;
  private readonly pendingScript;

  constructor(protected readonly redis: Redis) {
    this.claimScript = redis.createScript<number[]>(CLAIM_SCRIPT);
    this.pendingScript = redis.createScript<(string | number)[]>(PENDING_SCRIPT);
  }

  /** One script call for the whole list (see {@link CLAIM_SCRIPT}). */
  async claim(day: CampaignDay, admissions: readonly ClaimRequest[]): Promise<boolean[]> {
    if (admissions.length === 0) return [];
    const k = dayKeys(day);
    const flags = await this.claimScript.exec(
      [k.users, k.claimed, k.pending],
      admissions.flatMap((a) => [a.userId, String(a.rank)]),
    );
    return flags.map((flag) => Number(flag) === 1);
  }

  async rankOf(day: CampaignDay, userId: string): Promise<number | undefined> {
    const entry = await this.redis.hget<string>(dayKeys(day).users, userId);
    if (entry === null || entry === undefined) return undefined;
    return Number.parseInt(String(entry).split('|')[0] ?? '', 10);
  }

  async ledger(day: CampaignDay): Promise<LedgerEntry[]> {
    const flat = await this.redis.zrange<(string | number)[]>(dayKeys(day).ledger, 0, -1, { withScores: true });
    const entries: LedgerEntry[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      entries.push({ ...ledgerMember(String(flat[i])), rank: Number(flat[i + 1]) });
    }
    return entries;
  }

  /** One script call (see {@link PENDING_SCRIPT}). */
  async pending(day: CampaignDay, query: PendingQuery): Promise<PendingAdmission[]> {
    const k = dayKeys(day);
    const flat = await this.pendingScript.exec([k.ledger, k.pending], [String(query.before), String(query.limit)]);
    const entries: PendingAdmission[] = [];
    for (let i = 0; i + 2 < flat.length; i += 3) {
      entries.push({
        ...ledgerMember(String(flat[i])),
        rank: Number(flat[i + 1]),
        lastSentAt: Number(flat[i + 2]),
      });
    }
    return entries;
  }

  /** One `ZADD XX` (only members still pending are updated). */
  async resent(day: CampaignDay, admissions: readonly ClaimRequest[], at: number): Promise<void> {
    const [first, ...rest] = admissions.map((a) => ({ score: at, member: String(a.rank) }));
    if (!first) return;
    await this.redis.zadd(dayKeys(day).pending, { xx: true }, first, ...rest);
  }

  /** HLEN of the day's users hash. */
  async admittedCount(day: CampaignDay): Promise<number> {
    return this.redis.hlen(dayKeys(day).users);
  }
}

/**
 * Redis admission through `@upstash/redis` (REST). One admission is one EVALSHA round trip (falling back to EVAL
 * when the script is not cached); see {@link ADMIT_SCRIPT}. Errors from Redis or the network are thrown as is.
 * It parses every value itself, so it works with either client setting; give it a client with
 * `automaticDeserialization: false`, as the Lambdas do (src/functions/runtime/composition-root.ts), or reading a day's winners
 * pays a caught SyntaxError per winner.
 */
export class RedisAdmissionStore extends RedisAdmissionLedger implements AdmissionStore {
  private readonly admitScript;
  private readonly voidScript;
  private readonly releaseScript;

  constructor(redis: Redis) {
    super(redis);
    this.admitScript = redis.createScript<[number, number, string?]>(ADMIT_SCRIPT);
    this.voidScript = redis.createScript<[number, number]>(VOID_SCRIPT);
    this.releaseScript = redis.createScript<number>(RELEASE_SCRIPT);
  }

  /** SCRIPT LOAD of the admission and release scripts (one request each): the first EVALSHA then finds them. */
  async warmUp(): Promise<void> {
    await Promise.all([ADMIT_SCRIPT, RELEASE_SCRIPT].map((script) => this.redis.scriptLoad(script)));
  }

  /**
   * One script call (see {@link ADMIT_SCRIPT}); a retry of a lost answer finds its own admission. When no attempt
   * was answered (the client's retries of a network error ran out), the admission may have landed or may still
   * land: it is settled by {@link VOID_SCRIPT} before answering (ADMITTED when it landed; AdmissionVoidedError once
   * voided; AdmissionUnsettledError when the void got no answer either, within the deadline or 10 attempts).
   */
  async admit(request: AdmitRequest): Promise<AdmitOutcome> {
    const call = admitScriptCall(request);
    let reply: [number, number, string?];
    try {
      reply = await this.admitScript.exec(call.keys, call.args);
    } catch {
      return this.settle(request);
    }
    const [status, value, issueDate] = reply;
    if (status === 0) return { kind: 'ADMITTED', rank: value, admittedAt: request.admittedAt };
    if (status === 1) return { kind: 'ALREADY_ADMITTED', rank: value };
    if (status === 6) return { kind: 'ALREADY_ADMITTED', rank: value, issueDate: String(issueDate) };
    if (status === 3) return { kind: 'CLOSED' };
    if (status === 4) throw voided();
    return { kind: 'SOLD_OUT' };
  }

  private async settle(request: AdmitRequest): Promise<AdmitOutcome> {
    const k = dayKeys(request.day);
    const finalSignal = request.deadline?.finalSignal;
    for (let attempt = 1; attempt <= SETTLE_ATTEMPTS || finalSignal; attempt++) {
      if (finalSignal?.aborted) break;
      try {
        const [status, rank] = await this.voidScript.exec(
          [k.users, k.voided],
          [request.userId, request.requestId, String(request.expiresAt)],
        );
        if (status === 0) return { kind: 'ADMITTED', rank, admittedAt: request.admittedAt };
        if (status === 1) return { kind: 'ALREADY_ADMITTED', rank };
        throw voided();
      } catch (error) {
        if (error instanceof AdmissionVoidedError) throw error;
        await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20));
      }
    }
    throw new AdmissionUnsettledError(
      `The outcome of request ${request.requestId} is unknown (Redis did not answer in time); ask again`,
    );
  }

  async release(day: CampaignDay, userId: string, rank: number): Promise<ReleaseOutcome> {
    const k = dayKeys(day);
    const status = await this.releaseScript.exec(
      [k.users, k.ledger, k.claimed, k.pending, campaignKeys(day.campaignId).holders],
      [userId, String(rank), day.issueDate],
    );
    return status === 1 ? 'RELEASED' : status === 2 ? 'CLAIMED' : 'NOT_HELD';
  }

  async close(day: CampaignDay, options: { readonly expiresAt: number }): Promise<void> {
    await this.redis.set(dayKeys(day).closed, '1', { exat: options.expiresAt });
  }

  async admittedUsers(day: CampaignDay): Promise<Map<string, number>> {
    // A flat [field, value, ...] reply without automatic deserialization, an object (or null) with it.
    const reply: unknown = await this.redis.hgetall(dayKeys(day).users);
    const pairs = Array.isArray(reply)
      ? Array.from({ length: reply.length / 2 }, (_, i) => [reply[2 * i], reply[2 * i + 1]] as const)
      : Object.entries(reply ?? {});
    return new Map(pairs.map(([userId, entry]) => [String(userId), Number.parseInt(String(entry), 10)]));
  }
}
