import type * as z from 'zod/mini';
import { DynamoDbAdmissionStore } from '../adapters/dynamodb/admission-store';
import { DynamoDbCampaignRepository } from '../adapters/dynamodb/campaign-repository';
import { RedisAdmissionStore } from '../adapters/redis/admission-store';
import { systemClock } from '../domain/clock';
import { UnavailableError } from '../domain/errors';
import type { AdmissionStore } from '../domain/ports';
import { documentClient, redisClient } from './clients';
import type { admissionEnvSchema } from './config';

type AdmissionEnv = z.infer<typeof admissionEnvSchema>;

/** How long an instance caches a campaign read, ms. Admin changes reach every instance within this time. */
export const CAMPAIGN_CACHE_TTL_MS = 10_000;

/** The campaign repository with the per-instance read cache. */
export function campaignRepository(config: Pick<AdmissionEnv, 'CAMPAIGN_TABLE_NAME'>) {
  return new DynamoDbCampaignRepository(documentClient, config.CAMPAIGN_TABLE_NAME, systemClock, CAMPAIGN_CACHE_TTL_MS);
}

/**
 * A getter for the admission store of the configured mode. Redis mode needs the Upstash secret, fetched on
 * first use; a failure to get it is a 503, and the next request tries again.
 * @throws Error at cold start when redis mode lacks UPSTASH_SECRET_ID.
 */
export function admissionStoreFactory(config: AdmissionEnv): () => Promise<AdmissionStore> {
  if (config.ADMISSION_MODE === 'dynamodb') {
    const store = new DynamoDbAdmissionStore(documentClient, config.ADMISSION_TABLE_NAME);
    return async () => store;
  }
  const secretId = config.UPSTASH_SECRET_ID;
  if (!secretId) throw new Error('Invalid configuration: ADMISSION_MODE=redis requires UPSTASH_SECRET_ID');
  let store: RedisAdmissionStore | undefined;
  return async () => {
    if (store) return store;
    try {
      store = new RedisAdmissionStore(await redisClient(secretId));
      return store;
    } catch (cause) {
      throw new UnavailableError('Redis credentials are unavailable', { cause });
    }
  };
}
