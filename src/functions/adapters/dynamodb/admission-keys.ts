import { EVENT_ITEM_SORT_KEYS } from '../../../contract/names';
import { campaignDayKey } from '../../domain/admission/admission';

// Item keys of the admission table (partition `pk`, sort `sk`): per campaign day, the counter shards, one ledger
// item per admitted user and the STATS item of the coupon writes; per campaign with `perUserCampaignLimit`, one
// campaign marker per admitted user.

/** Partition key of a campaign day in the admission table: `campaignId#issueDate`. */
export const dayPk = campaignDayKey;

/** Sort key of the day's counter item (`admitted`, `seq`) when the quota is not sharded. */
export const COUNTER_SK = 'COUNTER';

/**
 * Sort key of counter shard `shard` of `shards`: `COUNTER` for an unsharded day, else `COUNTER#<shard>`. Every
 * counter key begins with `COUNTER`, so one query sums a day's admissions whatever the shard count.
 */
export const counterSk = (shard: number, shards: number) => (shards === 1 ? COUNTER_SK : `${COUNTER_SK}#${shard}`);

/** Sort key of a user's admission (ledger) item: `USER#<userId>`, holding rank, requestId, admittedAt. */
export const userSk = (userId: string) => `USER#${userId}`;

/** Sort key of a day's statistics item (`persisted`, `redeemed` counts), written by the coupon store. */
export const STATS_SK = EVENT_ITEM_SORT_KEYS.dayStats;

/**
 * Partition key of a campaign's markers in the admission table: `campaignId#CAMPAIGN` (never a day's: an issue date
 * is `YYYY-MM-DD`). Its items, sort key {@link userSk}, hold the issue day and rank of the user's one admission in
 * a campaign with `perUserCampaignLimit` (DynamoDbAdmissionStore).
 */
export const campaignPk = (campaignId: string) => `${campaignId}#CAMPAIGN`;
