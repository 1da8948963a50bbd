import { evaluateIssuance } from '../campaign/campaign';
import type { CampaignRepository } from '../campaign/ports';
import { shareAt } from '../drop-plan/prewarm';
import type { Clock } from '../kernel/clock';
import type { LogPort } from '../kernel/log';
import type { AdmissionStore, IssueQueue } from './ports';

// Warm-up: the INIT work of one issue-function execution environment started by provisioned concurrency, so its
// first request finds the store, the queue and the campaigns ready. Not to be confused with the pre-warm
// (drop-plan/prewarm.ts), which provisions those environments ahead of an opening; the warm-up only asks the
// pre-warm which campaigns are opening (shareAt).

/**
 * The longest a warm-up holds INIT, ms. Lambda allows a provisioned environment's INIT more than the 10 s of an
 * on-demand one, but a hung backend must not keep an environment from serving: after this the steps still
 * running are left to finish (or not) and the first request does the rest lazily.
 */
const WARM_UP_BUDGET_MS = 5_000;

/** What the issue function's instance warms: the same adapters its requests use. */
export interface WarmUpDeps {
  readonly campaigns: Pick<CampaignRepository, 'list' | 'remember'>;
  /** The admission store's getter (Redis mode fetches the Upstash secret and builds the client on first call). */
  readonly admissions: () => Promise<Pick<AdmissionStore, 'warmUp'>>;
  readonly queue: Pick<IssueQueue, 'warmUp'>;
  readonly clock: Clock;
  readonly log: LogPort;
}

/** What a warm-up did: the campaigns it cached, the steps that failed (logged), and whether it ran out of time. */
interface WarmUpReport {
  /** Ids of the open or opening campaigns now in the instance's campaign cache. */
  readonly campaignIds: readonly string[];
  /** Names of the failed steps (`campaigns`, `admissions`, `queue`). */
  readonly failed: readonly string[];
  /** True when {@link WARM_UP_BUDGET_MS} ran out before every step had finished. */
  readonly timedOut: boolean;
}

/**
 * What an execution environment started by provisioned concurrency does at INIT, so its first request finds the
 * work done rather than doing it (measured in BENCHMARKS.md, question 2): gets the admission store (Redis: the
 * secret, the client) and lets it load what its first admission needs ({@link AdmissionStore.warmUp}); opens the
 * queue's connection; reads every campaign and keeps in the instance's cache those the pre-warm applier holds
 * provisioned concurrency for now ({@link shareAt}: open, or opening within their lead), evaluating each
 * campaign's window once so the time-zone code has run. The steps run side by side; never throws: a failed step
 * is logged and left to the request path, which does it lazily as without a warm-up.
 */
export async function warmUpInstance(deps: WarmUpDeps, budgetMs: number = WARM_UP_BUDGET_MS): Promise<WarmUpReport> {
  const failed: string[] = [];
  let campaignIds: string[] = [];
  const step = async (name: string, work: () => Promise<unknown>) => {
    try {
      await work();
    } catch (error) {
      failed.push(name);
      deps.log.warn('warm-up step failed; the first request will do it', { step: name, error });
    }
  };
  const steps = Promise.all([
    step('campaigns', async () => {
      const now = deps.clock();
      const opening = (await deps.campaigns.list()).filter((campaign) => shareAt(campaign, now) !== undefined);
      for (const campaign of opening) evaluateIssuance(campaign, now);
      deps.campaigns.remember?.(opening);
      campaignIds = opening.map((campaign) => campaign.campaignId);
    }),
    step('admissions', async () => {
      const store = await deps.admissions();
      await store.warmUp?.();
    }),
    step('queue', async () => deps.queue.warmUp?.()),
  ]).then(() => false);
  let timer: NodeJS.Timeout | undefined;
  const budget = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), budgetMs);
  });
  const timedOut = await Promise.race([steps, budget]);
  clearTimeout(timer);
  if (timedOut) deps.log.warn('warm-up ran out of time; the first request will finish it', { budgetMs, failed });
  return { campaignIds, failed, timedOut };
}
