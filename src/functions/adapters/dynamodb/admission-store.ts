import { createHash } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { CampaignDay } from '../../domain/admission/admission';
import type { AdmissionStore, AdmitOutcome, AdmitRequest, ReleaseOutcome } from '../../domain/admission/ports';
import { AdmissionUnsettledError, AdmissionVoidedError as VoidedError } from '../../domain/kernel/errors';
import { COUNTER_SK, campaignPk, dayPk, userSk } from './admission-keys';
import { DynamoDbAdmissionLedger, pendingKeyOf, type UserItem } from './admission-ledger';
import { shardQuota } from './counter-shards';
import { firstConditionFailed, isConditionalCheckFailed } from './transaction';

/**
 * A user's campaign marker (partition {@link campaignPk}), in a campaign with `perUserCampaignLimit`: written in the
 * admission's transaction, it refuses the user's admission on every other issue day of the campaign.
 */
interface MarkerItem {
  /** The issue day (local date) of the admission the user holds. */
  issueDate: string;
  rank: number;
  requestId: string;
}

/** The answer to a user who holds an admission on another issue day of the campaign. */
const heldElsewhere = (marker: MarkerItem): AdmitOutcome => ({
  kind: 'ALREADY_ADMITTED',
  rank: marker.rank,
  issueDate: marker.issueDate,
});

/**
 * Attempts of an admission transaction that lost a conflict or got no answer, when the request has no deadline;
 * with one, it is tried again until the deadline's `signal`.
 */
const TRANSACTION_ATTEMPTS = 4;

/** Whether another attempt of the admission transaction fits (see {@link TRANSACTION_ATTEMPTS}). */
const mayRetry = (request: AdmitRequest, attempt: number) =>
  request.deadline ? !request.deadline.signal.aborted : attempt < TRANSACTION_ATTEMPTS;

/** ClientRequestToken of a transaction of `parts` (at most 36 characters, the API's limit): a hash, hex. */
const requestToken = (...parts: readonly (string | number)[]) =>
  createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 36);

/** Attempts of the void that settles an ambiguous admission when the request has no deadline. */
const SETTLE_ATTEMPTS = 10;

/** A pause of 5-25 ms (jitter between retries of a conflicting transaction). */
const jitter = () => new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20));

/** The answer to a request whose admission was voided: it did not land and never can. */
const voided = () => new VoidedError('The request could not be admitted; please retry');

/** Whether the call failed because its deadline's signal aborted it. */
const aborted = (error: unknown) => (error as { name?: string })?.name === 'AbortError';

/**
 * DynamoDB admission: one read, a rank ticket, then one transaction that counts and records together.
 * 0. one BatchGetItem of the user's item and the day's counter shards: a repeat, a closed or a sold-out day is
 *    answered from it, in one round trip;
 * 1. `ADD seq 1` on the day's RANKS item gives the rank (a plain update: a retried one only skips a rank);
 * 2. a TransactWriteItems of (a) the counter shard, `admitted + 1` only if below its share of the quota and the day
 *    is not closed, and (b) the user's item, rank and requestId set only if the user holds no rank and this
 *    request was not voided, and (c) with the campaign limit, the user's campaign marker, written only if the user
 *    holds none on any issue day of the campaign. Its ClientRequestToken derives from the request id, so the SDK's
 *    retry of a lost answer is answered as the first attempt was; and any later attempt that finds the user's item
 *    holding this request id knows it landed. Counting and recording in one transaction means no unit is ever counted
 *    without its user (nothing to give back after a crash) and none is given back twice (there is no separate
 *    uncount), and no campaign marker exists without its admission.
 * With `counterShards` K > 1 the quota is split over K counter items (one item's write limit on AWS, README.md
 * "API"): a request tries a random shard first and falls over to the others in turn when one is exhausted.
 * A transaction that lost a conflict or got no answer is tried again (a new token: an attempt that finds this
 * request's admission answers ADMITTED) until the deadline's `signal`. One whose outcome stays unknown is settled
 * before answering by a void: one conditional update of the user's item that either finds
 * this request's admission (it landed: ADMITTED) or adds the request id to `voided`, after which its transaction
 * can never land. Only when the void, retried until the deadline's `finalSignal`, gets no answer either is the
 * outcome unknown (AdmissionUnsettledError).
 * Concurrent requests of one user: the transaction of all but one finds the user's rank and answers
 * ALREADY_ADMITTED without counting.
 */
export class DynamoDbAdmissionStore extends DynamoDbAdmissionLedger implements AdmissionStore {
  async admit(request: AdmitRequest): Promise<AdmitOutcome> {
    const signal = request.deadline?.signal;
    const { user: existing, marker, open } = await this.look(request);
    if (existing?.rank !== undefined) return this.repeat(existing, request);
    if (existing?.voided?.has(request.requestId)) throw voided();
    if (marker && marker.issueDate !== request.day.issueDate) return heldElsewhere(marker);
    if (open === 'CLOSED') return { kind: 'CLOSED' };
    if (open?.length === 0) return { kind: 'SOLD_OUT' };

    const rank = await this.counters.ticket(request.day, request.expiresAt, signal);
    for (const shard of open ?? this.counters.order(request)) {
      const outcome = await this.countAndRecord(request, rank, shard);
      if (outcome !== 'EXHAUSTED') return outcome;
    }
    return { kind: 'SOLD_OUT' };
  }

  /**
   * Step 0, one strongly consistent BatchGetItem: the user's item, the day's counter shards and, with the campaign
   * limit, the user's campaign marker. `open` lists the shards with quota left (from a random one on), `[]` when the
   * day is sold out, CLOSED when closed; undefined when DynamoDB left the counters unprocessed (the transaction's
   * conditions decide then). The read only saves a sold-out or limited request the rank ticket and the transaction;
   * the conditions are what keep the quota and the campaign limit.
   */
  private async look(
    request: AdmitRequest,
  ): Promise<{ user?: UserItem; marker?: MarkerItem; open?: number[] | 'CLOSED' }> {
    const pk = dayPk(request.day);
    const signal = request.deadline?.signal;
    const shards = request.counterShards ?? 1;
    const userKey = { pk, sk: userSk(request.userId) };
    const markerKey = { pk: campaignPk(request.day.campaignId), sk: userKey.sk };
    const counterKeys = Array.from({ length: shards }, (_, shard) => ({ pk, sk: this.counters.key(request, shard) }));
    const keys = [userKey, ...counterKeys, ...(request.campaignLimit ? [markerKey] : [])];
    const { Responses, UnprocessedKeys } = await this.client.send(
      new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } }),
      { abortSignal: signal },
    );
    const items = Responses?.[this.tableName] ?? [];
    const unprocessed = UnprocessedKeys?.[this.tableName]?.Keys ?? [];
    const is = (key: { pk: string; sk: string }) => (i: Record<string, unknown>) => i.pk === key.pk && i.sk === key.sk;
    const user = unprocessed.some(is(userKey))
      ? await this.user(pk, request.userId, signal)
      : (items.find(is(userKey)) as UserItem | undefined);
    // An unread marker is left to the transaction's condition.
    const marker = items.find(is(markerKey)) as MarkerItem | undefined;
    if (unprocessed.some((k) => k.pk === pk && k.sk !== userKey.sk)) return { user, marker };
    const counters = new Map(items.filter((i) => i.pk === pk && i.sk !== userKey.sk).map((i) => [i.sk as string, i]));
    if ([...counters.values()].some((c) => c.closed)) return { user, marker, open: 'CLOSED' };
    const open = this.counters.order(request).filter((shard) => {
      const admitted = Number(counters.get(this.counters.key(request, shard))?.admitted ?? 0);
      return admitted < shardQuota(request.quota, shard, shards);
    });
    return { user, marker, open };
  }

  /** Step 2 on one shard: the outcome, or EXHAUSTED when the shard's share of the quota is used. */
  private async countAndRecord(
    request: AdmitRequest,
    rank: number,
    shard: number,
  ): Promise<AdmitOutcome | 'EXHAUSTED'> {
    const pk = dayPk(request.day);
    const counter = this.counters.key(request, shard);
    for (let attempt = 1; ; attempt++) {
      try {
        await this.client.send(
          new TransactWriteCommand({
            ClientRequestToken: requestToken(pk, request.userId, request.requestId, shard, rank, attempt),
            TransactItems: [
              { Update: this.counters.countInput(request, shard) },
              {
                Update: {
                  TableName: this.tableName,
                  Key: { pk, sk: userSk(request.userId) },
                  UpdateExpression: `SET userId = :user, #rank = :rank, #counter = :counter, requestId = :rid, admittedAt = :at, expiresAt = :exp, pendingKey = :pending, pendingAt = :at${request.campaignLimit ? ', campaignMarker = :true' : ''}`,
                  ConditionExpression: 'attribute_not_exists(#rank) AND NOT contains(voided, :rid)',
                  ExpressionAttributeNames: { '#rank': 'rank', '#counter': 'counter' },
                  ExpressionAttributeValues: {
                    ':user': request.userId,
                    ':rank': rank,
                    ':counter': counter,
                    ':pending': pendingKeyOf(pk, counter),
                    ':rid': request.requestId,
                    ':at': request.admittedAt,
                    ':exp': request.expiresAt,
                    ...(request.campaignLimit ? { ':true': true } : {}),
                  },
                  ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
                },
              },
              ...(request.campaignLimit ? [this.markInput(request, rank, request.campaignLimit.expiresAt)] : []),
            ],
          }),
          { abortSignal: request.deadline?.signal },
        );
        this.counters.counted(request, shard);
        return { kind: 'ADMITTED', rank, admittedAt: request.admittedAt };
      } catch (error) {
        if (error instanceof TransactionCanceledException) {
          const [counterReason, userReason, markerReason] = error.CancellationReasons ?? [];
          if (userReason?.Code === 'ConditionalCheckFailed') {
            // DynamoDB Local leaves out a transaction item's ALL_OLD: read the item then.
            const holder = userReason.Item
              ? (unmarshall(userReason.Item) as UserItem)
              : await this.user(pk, request.userId, request.deadline?.signal);
            if (holder?.rank !== undefined) return this.repeat(holder, request);
            if (holder?.voided?.has(request.requestId)) throw voided();
            continue; // released meanwhile: the user holds no rank, try again
          }
          if (markerReason?.Code === 'ConditionalCheckFailed') {
            const marker = markerReason.Item
              ? (unmarshall(markerReason.Item) as MarkerItem)
              : await this.marker(request, request.deadline?.signal);
            if (marker && marker.issueDate !== request.day.issueDate) return heldElsewhere(marker);
            // Released meanwhile, or this day's admission (whose user item the next attempt finds): try again.
            if (mayRetry(request, attempt)) continue;
            throw error;
          }
          if (counterReason?.Code === 'ConditionalCheckFailed') {
            if (counterReason.Item && unmarshall(counterReason.Item).closed) return { kind: 'CLOSED' };
            this.counters.exhausted(request, shard);
            return 'EXHAUSTED';
          }
          // A conflict or throttling: nothing was written; try again while there is time.
          if (mayRetry(request, attempt)) {
            await jitter();
            continue;
          }
          throw error;
        }
        // Answers that say nothing was written.
        if (error instanceof Error && /Validation|AccessDenied|IdempotentParameterMismatch/.test(error.name))
          throw error;
        // No answer (timeouts, resets, 5xx after the SDK's retries, the deadline): it may have landed. Another
        // attempt is safe (it finds this request's admission if one landed); the void settles the last.
        if (!aborted(error) && mayRetry(request, attempt)) {
          await jitter();
          continue;
        }
        return this.settle(request);
      }
    }
  }

  /**
   * The transaction item that writes the user's campaign marker ({@link MarkerItem}) with the admission, only if the
   * user holds none: the campaign limit, checked in the same transaction as the day's quota. `expiresAt` epoch s.
   */
  private markInput(request: AdmitRequest, rank: number, expiresAt: number) {
    return {
      Update: {
        TableName: this.tableName,
        Key: { pk: campaignPk(request.day.campaignId), sk: userSk(request.userId) },
        UpdateExpression: 'SET issueDate = :day, #rank = :rank, requestId = :rid, expiresAt = :exp',
        ConditionExpression: 'attribute_not_exists(issueDate)',
        ExpressionAttributeNames: { '#rank': 'rank' },
        ExpressionAttributeValues: {
          ':day': request.day.issueDate,
          ':rank': rank,
          ':rid': request.requestId,
          ':exp': expiresAt,
        },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
      },
    };
  }

  /** The user's campaign marker, read strongly consistent; undefined when the user holds none. */
  private async marker(request: AdmitRequest, signal?: AbortSignal): Promise<MarkerItem | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: campaignPk(request.day.campaignId), sk: userSk(request.userId) },
        ConsistentRead: true,
      }),
      { abortSignal: signal },
    );
    return Item as MarkerItem | undefined;
  }

  /**
   * Settles an admission whose transaction's outcome is unknown: adds the request id to the user's `voided` set
   * unless the user holds a rank. Returns the admission when it finds this request's (it landed) or another's
   * (ALREADY_ADMITTED); throws AdmissionVoidedError once voided (nothing landed, nothing can), and
   * AdmissionUnsettledError when no void got an answer by the deadline's `finalSignal` (or in
   * {@link SETTLE_ATTEMPTS} attempts without a deadline).
   */
  private async settle(request: AdmitRequest): Promise<AdmitOutcome> {
    const pk = dayPk(request.day);
    const finalSignal = request.deadline?.finalSignal;
    for (let attempt = 1; attempt <= SETTLE_ATTEMPTS || finalSignal; attempt++) {
      if (finalSignal?.aborted) break;
      try {
        await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk, sk: userSk(request.userId) },
            UpdateExpression: 'SET userId = :user, expiresAt = if_not_exists(expiresAt, :exp) ADD voided :rid',
            ConditionExpression: 'attribute_not_exists(#rank)',
            ExpressionAttributeNames: { '#rank': 'rank' },
            ExpressionAttributeValues: {
              ':user': request.userId,
              ':exp': request.expiresAt,
              ':rid': new Set([request.requestId]),
            },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
          { abortSignal: finalSignal },
        );
        throw voided();
      } catch (error) {
        if (error instanceof VoidedError) throw error;
        if (isConditionalCheckFailed(error)) {
          const old = (error as { Item?: Record<string, never> }).Item;
          const holder = old ? (unmarshall(old) as UserItem) : await this.user(pk, request.userId, finalSignal);
          if (holder?.rank !== undefined) return this.repeat(holder, request);
          continue; // released meanwhile: void again
        }
        if (aborted(error)) break;
        await jitter();
      }
    }
    throw new AdmissionUnsettledError(
      `The outcome of request ${request.requestId} is unknown (the admission store did not answer in time); ask again`,
    );
  }

  /**
   * Releases the admission if the user still holds `rank` and no coupon writer claimed it: one transaction removes
   * the rank from the user's item (kept as a void marker) and gives the unit back to its counter shard, and deletes
   * the user's campaign marker when the admission wrote one (a released admission was never claimed, so never
   * became a coupon: the user may be admitted again, on any issue day). Its
   * ClientRequestToken makes the SDK's retries of a lost answer harmless; a later call finds no rank (NOT_HELD).
   */
  async release(day: CampaignDay, userId: string, rank: number): Promise<ReleaseOutcome> {
    const pk = dayPk(day);
    const holder = await this.user(pk, userId);
    if (holder?.rank !== rank) return 'NOT_HELD';
    if (holder.claimedAt) return 'CLAIMED';
    const counter = holder.counter ?? COUNTER_SK;
    try {
      await this.client.send(
        new TransactWriteCommand({
          ClientRequestToken: requestToken('release', pk, userId, rank),
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: { pk, sk: userSk(userId) },
                UpdateExpression:
                  'REMOVE #rank, #counter, requestId, admittedAt, pendingKey, pendingAt, campaignMarker',
                // Serialized with claim()'s conditional update of the same item: whichever lands first wins.
                ConditionExpression: '#rank = :rank AND attribute_not_exists(claimedAt)',
                ExpressionAttributeNames: { '#rank': 'rank', '#counter': 'counter' },
                ExpressionAttributeValues: { ':rank': rank },
              },
            },
            { Update: this.counters.uncountInput(day, counter) },
            ...(holder.campaignMarker
              ? [
                  {
                    Delete: {
                      TableName: this.tableName,
                      Key: { pk: campaignPk(day.campaignId), sk: userSk(userId) },
                      // Never another day's marker (there is none while this admission stands).
                      ConditionExpression: 'attribute_not_exists(issueDate) OR (issueDate = :day AND #rank = :rank)',
                      ExpressionAttributeNames: { '#rank': 'rank' },
                      ExpressionAttributeValues: { ':day': day.issueDate, ':rank': rank },
                    },
                  },
                ]
              : []),
          ],
        }),
      );
      return 'RELEASED';
    } catch (error) {
      if (!firstConditionFailed(error)) throw error;
      // Claimed (or released) between the read and the transaction: the next read settles it (a claim is never
      // undone and a rank never reused, so this recurses once).
      return this.release(day, userId, rank);
    }
  }

  /** Closes the day on every counter shard (see DynamoDbCounterShards.close). Idempotent. */
  async close(
    day: CampaignDay,
    options: { readonly counterShards?: number; readonly expiresAt: number },
  ): Promise<void> {
    await this.counters.close(day, options.counterShards ?? 1, options.expiresAt);
  }

  async admittedUsers(day: CampaignDay): Promise<Map<string, number>> {
    return new Map((await this.ledger(day)).map((entry) => [entry.userId, entry.rank]));
  }

  private repeat(user: UserItem, request: AdmitRequest): AdmitOutcome {
    return user.requestId === request.requestId
      ? { kind: 'ADMITTED', rank: user.rank as number, admittedAt: user.admittedAt ?? request.admittedAt }
      : { kind: 'ALREADY_ADMITTED', rank: user.rank as number };
  }
}
