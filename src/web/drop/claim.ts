import type { Schema, UserApi } from '../shared/api';

/** What the page says for an issue answer, and its tone (style.css `.status.ok|warn|bad`). */
export interface ClaimAnswer {
  readonly text: string;
  readonly tone: 'ok' | 'warn' | 'bad';
}

/**
 * The words for the issue route's answer (`POST /v1/campaigns/{campaignId}/issue`): the admission (`ok`), or its
 * problem by `code` (README.md, "API": ALREADY_ISSUED, SOLD_OUT, NOT_OPEN with `opensAt`, ENDED, ...); a status
 * without a product code (a 401 of API Gateway, a 5xx, no answer at all) by its status.
 */
export function claimAnswer(status: number, body: unknown, ok?: Schema<'IssueAccepted'>): ClaimAnswer {
  if (ok) {
    return {
      text: `You got coupon #${ok.rank}! It is being written and appears under “Your coupons” in a moment.`,
      tone: 'ok',
    };
  }
  const error = (body ?? {}) as {
    code?: string;
    message?: string;
    rank?: number;
    opensAt?: string;
    issueDate?: string;
    limit?: string;
    outcome?: string;
  };
  switch (error.code) {
    case 'ALREADY_ISSUED':
      // The whole-campaign limit (main's perUserCampaignLimit) names itself in `limit`.
      if (error.limit === 'perUserCampaignLimit') {
        return {
          text: `You already have this campaign’s coupon (#${error.rank}, from ${error.issueDate}): one per person for the whole campaign.`,
          tone: 'ok',
        };
      }
      return { text: `You already have today’s coupon (#${error.rank}).`, tone: 'ok' };
    case 'SOLD_OUT':
      return { text: 'Sold out: today’s coupons are all gone. Come back for the next drop.', tone: 'bad' };
    case 'NOT_OPEN':
      return {
        text: error.opensAt
          ? `Not open yet: it opens ${new Date(error.opensAt).toLocaleString()}.`
          : `Not open: ${error.message ?? 'the drop is not open now'}.`,
        tone: 'warn',
      };
    case 'ENDED':
      return { text: 'This drop has ended.', tone: 'bad' };
    case 'CAMPAIGN_NOT_FOUND':
      return { text: 'There is no such drop.', tone: 'bad' };
    case 'UNAUTHORIZED':
      return { text: 'Your sign-in has expired: sign out and in again.', tone: 'warn' };
    case 'PROOF_REQUIRED':
    case 'PROOF_INVALID':
      return { text: 'Your browser could not prove it is not a bot in time: try again.', tone: 'warn' };
    case 'UNAVAILABLE':
      // The admission could be neither confirmed nor voided in time (RELIABILITY.md): asking again tells.
      if (error.outcome === 'UNKNOWN') {
        return {
          text: 'We could not confirm your claim in time: claim again to see whether you got one.',
          tone: 'warn',
        };
      }
  }
  if (status === 401) return { text: 'Your sign-in has expired: sign out and in again.', tone: 'warn' };
  return { text: 'Busy right now: try again in a moment.', tone: 'warn' };
}

/**
 * Claims today's coupon for the signed-in visitor through `issue` (`POST /v1/campaigns/{campaignId}/issue` with the
 * visitor's credentials and, for a campaign with `proofOfWork`, its solution: proof-of-work.ts `issue`) and answers
 * what to show, `accepted` when admitted. Never rejects: a network failure is answered as "try again".
 */
export async function requestClaim(
  issue: () => ReturnType<UserApi['POST']>,
): Promise<ClaimAnswer & { accepted: boolean }> {
  try {
    const { data, error, response } = await issue();
    return { ...claimAnswer(response.status, error, data), accepted: data !== undefined };
  } catch {
    return { ...claimAnswer(0, undefined), accepted: false };
  }
}
