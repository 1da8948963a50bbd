import { applyPrewarm } from '../domain/drop-plan/apply-prewarm';
import { systemClock } from '../domain/kernel/clock';
import { campaignRepository, issueProvisionedConcurrency } from '../runtime/composition-root';
import { loadConfig } from '../runtime/config';
import { instrumented, logger } from '../runtime/powertools';

const config = loadConfig('prewarm');
const campaigns = campaignRepository(config);
const provisioned = issueProvisionedConcurrency(config);

/** The input a pre-warm schedule sends (src/functions/adapters/scheduler/prewarm-scheduler.ts); logged, not trusted. */
interface PrewarmEvent {
  readonly campaignId?: string;
  readonly action?: string;
}

/**
 * Invoked by the campaigns' pre-warm schedules (EventBridge Scheduler): sets the provisioned concurrency of the
 * issue function's alias to the sum of every open or opening window's share (src/functions/domain/drop-plan/prewarm.ts,
 * applyPrewarm), whichever schedule fired. The only function allowed to change it.
 * @throws when the campaign table or the Lambda API fails (Scheduler retries).
 */
export const handler = instrumented<PrewarmEvent, { total: number }>().handler(async (event) => {
  const demand = await applyPrewarm({ campaigns, provisioned, clock: systemClock });
  logger.info('provisioned concurrency applied', {
    trigger: { campaignId: event?.campaignId, action: event?.action },
    total: demand.total,
    shares: demand.shares,
  });
  return { total: demand.total };
});
