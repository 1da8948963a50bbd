import type { Page, PageRequest } from '../kernel/page';
import type { Campaign } from './campaign';

// The port of the campaign aggregate: campaign storage (src/functions/adapters/dynamodb/campaign-repository.ts).
// Unless a method says otherwise, it throws the backend's error as is on failure (the HTTP edge answers it with
// 503 UNAVAILABLE).

/** Campaign storage. */
export interface CampaignRepository {
  /** The campaign, or undefined when it does not exist. */
  get(campaignId: string): Promise<Campaign | undefined>;
  /** Stores a new campaign. @throws CampaignExistsError when the id is taken. */
  create(campaign: Campaign): Promise<void>;
  /** Every campaign (a full read: for scheduled jobs, not the request path). */
  list(): Promise<Campaign[]>;
  /** One page of campaigns, in no particular order. @throws InvalidRequestError for a foreign cursor. */
  page(page: PageRequest): Promise<Page<Campaign>>;
  /**
   * Replaces a stored campaign if its version is still `campaign.version - 1`.
   * @throws CampaignConflictError when it changed meanwhile (or no longer exists).
   */
  replace(campaign: Campaign): Promise<void>;
  /**
   * Sets `closedAt` (ISO-8601 UTC) unless already set, and returns the campaign as stored after it.
   * @throws CampaignNotFoundError
   */
  close(campaignId: string, closedAt: string): Promise<Campaign>;
  /**
   * Puts campaigns just read (by {@link CampaignRepository.list}) into the instance's read cache, as `get` would,
   * for the same time to live. Absent without a cache.
   */
  remember?(campaigns: readonly Campaign[]): void;
}
