import type { CampaignRepository } from '../campaign/ports';
import type { Clock } from '../kernel/clock';
import type { ProvisionedConcurrency } from './ports';
import { type PrewarmShare, prewarmDemand } from './prewarm';

/**
 * What a pre-warm schedule's firing does (the applier function, src/functions/handlers/apply-prewarm.ts): reads every
 * campaign and sets the alias's provisioned concurrency to {@link prewarmDemand}'s total (0 removes it). Idempotent:
 * any firing, early, late or repeated, converges on the same value.
 * @throws when the campaign table or Lambda is unreachable (Scheduler retries the invocation).
 */
export async function applyPrewarm(deps: {
  readonly campaigns: Pick<CampaignRepository, 'list'>;
  readonly provisioned: ProvisionedConcurrency;
  readonly clock: Clock;
}): Promise<{ total: number; shares: PrewarmShare[] }> {
  const demand = prewarmDemand(await deps.campaigns.list(), deps.clock());
  await deps.provisioned.set(demand.total);
  return demand;
}
