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
  if (status === 405) return { text: 'Solve the puzzle to show you are a person, then claim.', tone: 'warn' };
  return { text: 'Busy right now: try again in a moment.', tone: 'warn' };
}

/** The response header in which AWS WAF names the action it took (bot-defense.ts). */
export const WAF_ACTION_HEADER = 'x-amzn-waf-action';

/** How many times one claim shows the puzzle again when WAF still asks for a CAPTCHA. */
const CAPTCHA_ROUNDS = 2;

/**
 * Whether `response` is AWS WAF's CAPTCHA action (botDefense `captcha`): HTTP 405 with `x-amzn-waf-action: captcha`.
 * A 405 whose header the page cannot read (a cross-origin response exposes it only if CORS does) counts too: the
 * API itself never answers 405 (an unknown method is API Gateway's 404).
 */
export function isCaptchaAction(response: Response): boolean {
  return response.status === 405 && (response.headers.get(WAF_ACTION_HEADER) ?? 'captcha') === 'captcha';
}

/**
 * Claims today's coupon for the signed-in visitor through `issue` (`POST /v1/campaigns/{campaignId}/issue` with the
 * visitor's credentials and, for a campaign with `proofOfWork`, its solution: proof-of-work.ts `issue`) and answers
 * what to show, `accepted` when admitted. Never rejects: a network failure is answered as "try again".
 * With `solveCaptcha` (botDefense `captcha`): when WAF answers with its CAPTCHA ({@link isCaptchaAction}, e.g. the
 * solved puzzle's token expired), it has the visitor solve the puzzle again (`solveCaptcha` resolves true once
 * solved) and sends the claim again, at most {@link CAPTCHA_ROUNDS} times.
 */
export async function requestClaim(
  issue: () => ReturnType<UserApi['POST']>,
  solveCaptcha?: () => Promise<boolean>,
): Promise<ClaimAnswer & { accepted: boolean }> {
  for (let round = 0; ; round++) {
    try {
      const { data, error, response } = await issue();
      if (solveCaptcha && isCaptchaAction(response) && round < CAPTCHA_ROUNDS && (await solveCaptcha())) continue;
      return { ...claimAnswer(response.status, error, data), accepted: data !== undefined };
    } catch {
      return { ...claimAnswer(0, undefined), accepted: false };
    }
  }
}
