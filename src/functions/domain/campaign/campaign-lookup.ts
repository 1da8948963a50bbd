import { CampaignNotFoundError } from '../kernel/errors';
import type { Campaign } from './campaign';
import type { CampaignRepository } from './ports';

/** @throws CampaignNotFoundError */
export async function campaignOrThrow(
  campaigns: Pick<CampaignRepository, 'get'>,
  campaignId: string,
): Promise<Campaign> {
  const campaign = await campaigns.get(campaignId);
  if (!campaign) throw new CampaignNotFoundError(campaignId);
  return campaign;
}
