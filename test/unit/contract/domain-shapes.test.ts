import type * as z from 'zod/mini';
import type { dryRunResponseSchema } from '../../../src/contract/dry-run';
import type { campaignDayRedriveResponseSchema, failedEventSchema } from '../../../src/contract/failed-events';
import type { winnersResponseSchema } from '../../../src/contract/winners';
import type { WinnersPage } from '../../../src/functions/domain/coupon/winners';
import type { DryRun } from '../../../src/functions/domain/drop-plan/drop-plan';
import type { FailedEventView } from '../../../src/functions/domain/failed-events/failed-event';
import type { CampaignDayRedrive } from '../../../src/functions/domain/failed-events/redrive';

// The domain returns plain types and the contract describes them as HTTP bodies (STYLE.md, Layout: no HTTP
// formats in the domain). These checks fail to compile (npx tsc --noEmit) when the two drift apart.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Fits<A, B> = [A] extends [B] ? true : false;

describe('contract: the response schemas describe what the domain returns', () => {
  it('matches the failed-event record, the campaign-day redrive, the winners page and the dry run', () => {
    const checks: [
      Same<z.infer<typeof failedEventSchema>, FailedEventView>,
      Same<z.infer<typeof campaignDayRedriveResponseSchema>, CampaignDayRedrive>,
      Same<z.infer<typeof winnersResponseSchema>, WinnersPage>,
      Fits<DryRun, z.infer<typeof dryRunResponseSchema>>,
    ] = [true, true, true, true];
    expect(checks).toEqual([true, true, true, true]);
  });
});
