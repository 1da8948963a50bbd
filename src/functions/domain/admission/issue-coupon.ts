import { admissionExpiresAt, evaluateIssuance } from '../campaign/campaign';
import { nextOpeningAt } from '../campaign/issue-calendar';
import type { CampaignRepository } from '../campaign/ports';
import type { Clock } from '../kernel/clock';
import {
  AdmissionUnsettledError,
  AlreadyIssuedError,
  CampaignNotFoundError,
  EndedError,
  NotOpenError,
  SoldOutError,
  UnavailableError,
} from '../kernel/errors';
import type { LogPort } from '../kernel/log';
import { localDateAt } from '../kernel/zoned-time';
import type { CampaignDay } from './admission';
import { couponIdOf, MessageRejectedError } from './admission';
import type { AdmissionStore, Deadline, IssueQueue, ReleaseOutcome } from './ports';
import { type ProofOfWork, requireProofOfWork } from './proof-of-work';
import type { SoldOutCache } from './sold-out-cache';

/** Dependencies of {@link issueCoupon}. */
interface IssueCouponDeps {
  readonly campaigns: Pick<CampaignRepository, 'get'>;
  readonly admissions: AdmissionStore;
  readonly queue: IssueQueue;
  readonly soldOut: SoldOutCache;
  readonly clock: Clock;
  readonly log: LogPort;
  /** Days the admission state is kept after the issue day ends (ledger for reconciliation). */
  readonly admissionRetentionDays: number;
  /**
   * Signs and verifies the proof of work of a campaign that requires one (src/functions/domain/admission/proof-of-work.ts).
   * @default - none: a campaign with `proofOfWork` answers 503 UNAVAILABLE
   */
  readonly proofs?: ProofOfWork;
}

/** A successful admission: the coupon will be written asynchronously by the consumer. */
interface IssueResult {
  readonly rank: number;
  readonly couponId: string;
  /** Local date `YYYY-MM-DD`. */
  readonly issueDate: string;
}

const CLOSED_MESSAGES = {
  BEFORE_PERIOD: 'The campaign has not started yet',
  AFTER_PERIOD: 'The campaign has ended',
  BEFORE_WINDOW: "Today's issuance window has not opened yet",
  AFTER_WINDOW: "Today's issuance window has closed",
  CLOSED: 'The campaign was closed',
} as const;

/**
 * Admits `userId` to today's quota of `campaignId` and enqueues the coupon write.
 *
 * One atomic admission step (no read-then-write race), then one queue send. If the queue rejects the message
 * (after the SDK's retries) the admission is released and UnavailableError is thrown: the user is not admitted
 * and may retry. An earlier attempt of that send may have been stored all the same: the consumer claims an
 * admission in the ledger before writing its coupon, and the release refuses a claimed one, so whichever comes
 * first wins: a claimed admission stands and the result is returned (the coupon exists), a released one's
 * messages are dropped by the consumer (AdmissionStore.claim and release, admission/ports.ts). If the send's outcome is unknown (a timeout: the message may be in the queue), releasing could
 * oversell, so the admission stands and the result is returned as usual: the ledger entry is the promise, and
 * reconciliation re-enqueues any admitted user without a coupon after its grace period (see failed-events/reconcile.ts).
 *
 * With the campaign's `perUserCampaignLimit`, the same atomic step refuses a user admitted on another issue day of
 * the campaign (AlreadyIssuedError naming that day; AdmitRequest.campaignLimit).
 *
 * A campaign with `proofOfWork` checks the request's `proof` after the sold-out answers (which stay cheap) and before
 * the admission, with no network call (src/functions/domain/admission/proof-of-work.ts); before its window opens, a
 * request without a valid proof gets the challenge of the opening's issue day rather than NOT_OPEN, so a client can
 * solve during the countdown.
 *
 * @throws CampaignNotFoundError, NotOpenError, SoldOutError, AlreadyIssuedError (with the existing rank),
 *   ProofRequiredError and ProofInvalidError (each with a new challenge),
 *   UnavailableError (the queue rejected the message and the admission was released); AdmissionVoidedError (an
 *   admission left ambiguous was voided: nothing admitted); AdmissionUnsettledError (its outcome stayed unknown by
 *   the deadline, or no release after a rejected send was answered); the backend's error as is when the campaign read or the admission fails (nothing admitted).
 */
export async function issueCoupon(
  deps: IssueCouponDeps,
  request: {
    readonly campaignId: string;
    readonly userId: string;
    readonly requestId: string;
    /** The invocation's deadlines (runtime/deadline.ts). @default - none */
    readonly deadline?: Deadline;
    /** The `x-proof-of-work` header's value. @default - none */
    readonly proof?: string;
  },
): Promise<IssueResult> {
  const { campaignId, userId, requestId, deadline, proof } = request;
  const campaign = await deps.campaigns.get(campaignId);
  if (!campaign) throw new CampaignNotFoundError(campaignId);

  const now = deps.clock();
  const state = evaluateIssuance(campaign, now);
  if (!state.open) {
    if (state.reason === 'CLOSED') throw new NotOpenError(CLOSED_MESSAGES.CLOSED);
    const opensAt = nextOpeningAt(campaign, now);
    if (!opensAt) throw new EndedError(campaignId);
    if (campaign.proofOfWork) {
      const issueDate = localDateAt(campaign.timezone, opensAt.getTime());
      await requireProofOfWork(deps.proofs, {
        difficulty: campaign.proofOfWork.difficulty,
        binding: { campaignId, issueDate, userId },
        proof,
        now,
        opensAt,
      });
    }
    throw new NotOpenError(CLOSED_MESSAGES[state.reason], opensAt);
  }

  const day: CampaignDay = { campaignId, issueDate: state.issueDate };
  const couponId = couponIdOf(campaignId, day.issueDate, userId);
  const soldOut = deps.soldOut.get(day);
  if (soldOut !== undefined) {
    // From the copy of the winners when the day holds one, else one point read of the user's own entry: either
    // way a winner's repeat is still told ALREADY_ISSUED.
    const rank = soldOut.winners ? soldOut.winners.get(userId) : await deps.admissions.rankOf(day, userId);
    if (rank !== undefined) throw new AlreadyIssuedError(rank, couponId, day.issueDate);
    throw new SoldOutError(campaignId, day.issueDate);
  }
  if (campaign.proofOfWork) {
    await requireProofOfWork(deps.proofs, {
      difficulty: campaign.proofOfWork.difficulty,
      binding: { campaignId, issueDate: day.issueDate, userId },
      proof,
      now,
    });
  }

  const outcome = await deps.admissions.admit({
    day,
    userId,
    requestId,
    quota: campaign.dailyQuota,
    counterShards: campaign.counterShards,
    admittedAt: now.toISOString(),
    expiresAt: admissionExpiresAt(campaign, day.issueDate, deps.admissionRetentionDays),
    ...(campaign.perUserCampaignLimit
      ? { campaignLimit: { expiresAt: admissionExpiresAt(campaign, campaign.endDate, deps.admissionRetentionDays) } }
      : {}),
    deadline,
  });
  if (outcome.kind === 'SOLD_OUT') {
    await markSoldOut(deps, day, campaign.dailyQuota);
    throw new SoldOutError(campaignId, day.issueDate);
  }
  if (outcome.kind === 'CLOSED') throw new NotOpenError(CLOSED_MESSAGES.CLOSED);
  if (outcome.kind === 'ALREADY_ADMITTED') {
    if (outcome.issueDate === undefined || outcome.issueDate === day.issueDate) {
      throw new AlreadyIssuedError(outcome.rank, couponId, day.issueDate);
    }
    const heldId = couponIdOf(campaignId, outcome.issueDate, userId);
    throw new AlreadyIssuedError(outcome.rank, heldId, outcome.issueDate, 'perUserCampaignLimit');
  }

  const { rank, admittedAt } = outcome;
  try {
    await deps.queue.send({ campaignId, issueDate: day.issueDate, userId, rank, admittedAt, couponId });
  } catch (sendError) {
    if (!(sendError instanceof MessageRejectedError)) {
      deps.log.warn('queue send outcome unknown; admission kept for reconciliation', {
        ...day,
        userId,
        rank,
        error: sendError,
      });
      return { rank, couponId, issueDate: day.issueDate };
    }
    const released = await releaseSettled(deps, day, userId, rank, deadline);
    if (released === 'CLAIMED') {
      // An earlier attempt of the send was stored and consumed: the coupon exists (or is being written).
      deps.log.warn('queue send failed but a stored copy was claimed; admission kept', { ...day, userId, rank });
      return { rank, couponId, issueDate: day.issueDate };
    }
    deps.log.warn('queue send failed; admission released', { ...day, userId, rank, released, error: sendError });
    throw new UnavailableError('Could not enqueue the coupon; please retry', { cause: sendError });
  }
  return { rank, couponId, issueDate: day.issueDate };
}

/**
 * Marks a day that answered SOLD_OUT in the instance's cache: a day of small quota (SoldOutCache.holdsWinners)
 * with a copy of its winners, so the rest of the burst costs no backend call; a bigger one with the admitted count
 * only (one read, not of the ledger), each answer then reading the user's rank. A count below the quota means a
 * unit came back meanwhile, and a failed read is logged: either way nothing is cached.
 */
async function markSoldOut(
  deps: Pick<IssueCouponDeps, 'admissions' | 'soldOut' | 'log'>,
  day: CampaignDay,
  quota: number,
): Promise<void> {
  if (deps.soldOut.holdsWinners(quota)) {
    const winners = await deps.admissions.admittedUsers(day).catch((error: unknown) => {
      deps.log.warn("could not read the day's winners", { ...day, error });
      return undefined;
    });
    if (winners !== undefined && winners.size >= quota) deps.soldOut.mark(day, winners.size, winners);
    return;
  }
  const admitted = await deps.admissions.admittedCount(day).catch((error: unknown) => {
    deps.log.warn('could not read the admitted count', { ...day, error });
    return undefined;
  });
  if (admitted !== undefined && admitted >= quota) deps.soldOut.mark(day, admitted);
}

/** Attempts of a release that got no answer, when the request has no deadline. */
const RELEASE_ATTEMPTS = 5;

/**
 * Releases an admission whose message the queue rejected, trying again while a release gets no answer until the
 * deadline's `finalSignal` (or {@link RELEASE_ATTEMPTS}). Only this request releases its admission, so an answered
 * attempt settles it whatever an unanswered one did: RELEASED or NOT_HELD (an earlier attempt landed) mean the user
 * holds nothing, CLAIMED that the admission stands; an earlier attempt landing late after it finds nothing to do.
 * @throws AdmissionUnsettledError when no attempt was answered: the admission may or may not stand.
 */
async function releaseSettled(
  deps: Pick<IssueCouponDeps, 'admissions' | 'log'>,
  day: CampaignDay,
  userId: string,
  rank: number,
  deadline: Deadline | undefined,
): Promise<ReleaseOutcome> {
  let failure: unknown;
  for (let attempt = 1; deadline ? !deadline.finalSignal.aborted : attempt <= RELEASE_ATTEMPTS; attempt++) {
    try {
      return await deps.admissions.release(day, userId, rank);
    } catch (error) {
      failure = error;
    }
  }
  deps.log.error('admission release unanswered; its outcome is unknown', { ...day, userId, rank, error: failure });
  throw new AdmissionUnsettledError(
    'The outcome of the request is unknown (the admission store did not answer); ask again',
    {
      cause: failure,
    },
  );
}
