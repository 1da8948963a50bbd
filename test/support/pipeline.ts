import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { Redis } from '@upstash/redis';
import { DynamoDbAdmissionStore } from '../../src/functions/adapters/dynamodb/admission-store';
import { DynamoDbCouponStore } from '../../src/functions/adapters/dynamodb/coupon-store';
import { RedisAdmissionStore } from '../../src/functions/adapters/redis/admission-store';
import { queueDepth } from '../../src/functions/adapters/sqs/queue-depth';
import type { CampaignDay } from '../../src/functions/domain/admission/admission';
import type { AdmissionStore, LedgerEntry } from '../../src/functions/domain/admission/ports';
import type { RequestBody } from '../../tools/local/api-client';
import { call, type RunningCloud } from '../../tools/local/child-cloud';
import type { PublishedEvent } from '../../tools/local/event-bus';
import { localId } from './template';

/** One reading of the pipeline's state for a campaign day, see {@link PipelineProbe.sample}. */
/**
 * How long a test waits for failing admissions to be parked: five receives with exponential backoff
 * (src/functions/domain/kernel/backoff.ts, up to 60 s each) to reach the dead-letter queue, then three replay attempts. About
 * three minutes on this machine alone; CI runs three end-to-end files at once beside it.
 */
export const PARKING_TIMEOUT_MS = 360_000;

export interface PipelineSample {
  /** Users in the admission ledger. */
  readonly admitted: number;
  /** Messages in the issue queue (visible or being processed), all campaigns. */
  readonly inFlight: number;
  /** Messages in the dead-letter queue, all campaigns. */
  readonly deadLetters: number;
  /** PARKED failure records of this campaign. */
  readonly parked: number;
  /** The day's persisted count (coupons written). */
  readonly persisted: number;
}

/** How long the published events must stay unchanged before a test counts them, ms. */
const EVENTS_SETTLE_MS = 4_000;

/** An event's detail carries at least an `eventId` (src/contract/events.ts). */
export type EventDetail = { eventId: string } & Record<string, unknown>;

/**
 * The distinct events by `eventId`; fails the test when two copies of one eventId differ in detail (a redelivery
 * must repeat the same event).
 */
export function distinctEvents(events: readonly { detail: EventDetail }[]): Map<string, EventDetail> {
  const byId = new Map<string, EventDetail>();
  for (const { detail } of events) {
    const seen = byId.get(detail.eventId);
    if (seen) expect(detail).toEqual(seen);
    else byId.set(detail.eventId, detail);
  }
  return byId;
}

/** The outcome of one HTTP issue request. */
export interface IssueAnswer {
  readonly userId: string;
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** `n` user ids `<prefix>-0` ... `<prefix>-<n-1>`. */
export const users = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

/** Resolves after `ms`. */
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The issue day the API reported for the accepted requests. @throws Error when none was accepted. */
export function dayOf(campaignId: string, answers: readonly IssueAnswer[]): CampaignDay {
  const accepted = answers.find((a) => a.body.code === 'ACCEPTED');
  if (!accepted) throw new Error(`nobody accepted: ${JSON.stringify(countByCode(answers))}`);
  return { campaignId, issueDate: String(accepted.body.issueDate) };
}

/** Answers counted by `<status> <code or message>`, e.g. `{"202 ACCEPTED": 100, "409 SOLD_OUT": 900}`. */
export function countByCode(answers: readonly IssueAnswer[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const a of answers) {
    const key = `${a.status} ${String(a.body.code ?? a.body.message)}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/**
 * Reads a running local cloud's state straight from the emulators (never through the chaos proxies), so a test
 * can check the guarantees while faults are injected: the admission ledger, the coupons, the queues, the
 * failure records.
 */
export class PipelineProbe {
  readonly api: string;
  readonly documents: DynamoDBDocumentClient;
  readonly sqs: SQSClient;
  readonly admissions: AdmissionStore;
  readonly couponStore: DynamoDbCouponStore;
  readonly replayFunctionId: string;

  constructor(readonly cloud: RunningCloud) {
    const e = cloud.endpoints;
    this.api = e.apiUrl;
    const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
    this.documents = DynamoDBDocumentClient.from(
      new DynamoDBClient({ endpoint: e.dynamodbEndpoint, region: e.region, credentials }),
    );
    this.sqs = new SQSClient({ endpoint: e.sqsEndpoint, region: e.region, credentials });
    this.admissions =
      e.admissionMode === 'redis'
        ? new RedisAdmissionStore(
            new Redis({
              url: e.redisRestUrl as string,
              token: e.redisRestToken as string,
              enableTelemetry: false,
              automaticDeserialization: false,
              retry: false,
            }),
          )
        : new DynamoDbAdmissionStore(this.documents, this.table('AdmissionTable'));
    this.couponStore = new DynamoDbCouponStore(this.documents, this.table('CouponTable'), this.table('AdmissionTable'));
    this.replayFunctionId = this.functionId('ReplayAndReconcileFunction');
  }

  table(prefix: string): string {
    const id = Object.keys(this.cloud.endpoints.tables).find((t) => localId(t).startsWith(prefix));
    if (!id) throw new Error(`no table ${prefix}`);
    return this.cloud.endpoints.tables[id] as string;
  }

  queue(prefix: 'IssueQueue' | 'IssueDeadLetterQueue'): string {
    const id = Object.keys(this.cloud.endpoints.queues).find((q) => localId(q).startsWith(prefix));
    if (!id) throw new Error(`no queue ${prefix}`);
    return this.cloud.endpoints.queues[id] as string;
  }

  functionId(prefix: string): string {
    const id = Object.keys(this.cloud.endpoints.functions).find((f) => localId(f).startsWith(prefix));
    if (!id) throw new Error(`no function ${prefix}`);
    return id;
  }

  /** Replaces the cloud's faults (`{}` clears them) and returns what the cloud reports. */
  async chaos(config: unknown): Promise<{
    injected: Record<string, number>;
    crashes: Record<string, number>;
    timeouts: Record<string, number>;
  }> {
    const { status, body } = await call(`${this.api}/_local/chaos`, { body: config });
    if (status !== 200) throw new Error(`chaos rejected: ${JSON.stringify(body)}`);
    return body as never;
  }

  /** Runs the scheduled replay-and-reconcile job once, now, and returns its result. */
  async runReplay(): Promise<{
    replayed: number;
    parked: number;
    retained: number;
    days: { campaignId: string; reconciled: number }[];
  }> {
    const { body } = await call(`${this.api}/_local/invoke/${this.replayFunctionId}`, { body: {} });
    if (body.errorType) throw new Error(`replay failed: ${body.errorType}: ${body.errorMessage}`);
    return body.result as never;
  }

  /** Creates a campaign open all day today; fails the test when the admin API refuses. */
  async createCampaign(definition: RequestBody<'createCampaign'>): Promise<void> {
    const { response, error } = await this.cloud.client.admin.POST('/v1/admin/campaigns', { body: definition });
    if (response.status !== 201) throw new Error(`campaign not created: ${response.status} ${JSON.stringify(error)}`);
  }

  /**
   * Sends one issue request per user id, as that user (its bearer token, minted before the first request), with
   * at most `concurrency` in flight.
   */
  async issue(campaignId: string, userIds: readonly string[], concurrency = 32): Promise<IssueAnswer[]> {
    await this.cloud.client.tokensFor([...new Set(userIds)]);
    const answers: IssueAnswer[] = new Array(userIds.length);
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(concurrency, userIds.length) }, async () => {
        while (next < userIds.length) {
          const i = next++;
          const userId = userIds[i] as string;
          const { data, error, response } = await this.cloud.client
            .user(userId)
            .POST('/v1/campaigns/{campaignId}/issue', { params: { path: { campaignId } } });
          answers[i] = { userId, status: response.status, body: (data ?? error) as Record<string, unknown> };
        }
      }),
    );
    return answers;
  }

  /**
   * Sends one issue request per user id at a steady `perSecond`, each at its own time whatever the answers before
   * it (demand that keeps coming), and resolves with every answer, in the order sent, once all came back.
   */
  async issuePaced(campaignId: string, userIds: readonly string[], perSecond: number): Promise<IssueAnswer[]> {
    await this.cloud.client.tokensFor([...new Set(userIds)]);
    const start = Date.now();
    return Promise.all(
      userIds.map(async (userId, i) => {
        await sleep(Math.max(0, start + (i * 1_000) / perSecond - Date.now()));
        return (await this.issue(campaignId, [userId], 1))[0] as IssueAnswer;
      }),
    );
  }

  async ledger(day: CampaignDay): Promise<LedgerEntry[]> {
    return this.admissions.ledger(day);
  }

  /** Every coupon of a campaign (a scan). */
  async coupons(campaignId: string): Promise<Record<string, unknown>[]> {
    return (await this.scan(this.table('CouponTable'))).filter((c) => c.campaignId === campaignId);
  }

  /** Failure records whose body mentions the campaign (a scan). */
  async failures(campaignId?: string): Promise<Record<string, unknown>[]> {
    const all = await this.scan(this.table('FailedEventTable'));
    return campaignId === undefined ? all : all.filter((f) => String(f.body).includes(`"${campaignId}"`));
  }

  async queueDepth(prefix: 'IssueQueue' | 'IssueDeadLetterQueue'): Promise<number> {
    return queueDepth(this.sqs, this.queue(prefix));
  }

  async sendRaw(body: string): Promise<void> {
    await this.sqs.send(new SendMessageCommand({ QueueUrl: this.queue('IssueQueue'), MessageBody: body }));
  }

  async persistedCount(day: CampaignDay): Promise<number> {
    return this.couponStore.persistedCount(day);
  }

  /**
   * Reads the pipeline in an order that never misses a moving admission: the ledger first, then the issue
   * queue, the dead-letter queue, the parked records and the persisted count last (a message that moves during
   * the reading is counted twice, never zero times). So, with no issue request running,
   * `persisted + inFlight + deadLetters + parked >= admitted` must hold at every sample.
   */
  async sample(day: CampaignDay): Promise<PipelineSample> {
    const admitted = (await this.ledger(day)).length;
    const inFlight = await this.queueDepth('IssueQueue');
    const deadLetters = await this.queueDepth('IssueDeadLetterQueue');
    const parked = (await this.failures(day.campaignId)).filter((f) => f.status === 'PARKED').length;
    const persisted = await this.persistedCount(day);
    return { admitted, inFlight, deadLetters, parked, persisted };
  }

  /** Polls `check` every `everyMs` until it returns true. @throws Error after `timeoutMs`. */
  async until(what: string, check: () => Promise<boolean>, timeoutMs = 120_000, everyMs = 1_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  }

  /** The events the local bus accepted (`GET /_local/events`), of one detail type. */
  async events(detailType: string): Promise<(PublishedEvent & { detail: EventDetail })[]> {
    const { status, body } = await call(`${this.api}/_local/events?detailType=${detailType}`, { sign: false });
    if (status !== 200) throw new Error(`GET /_local/events answered ${status}`);
    return body.events as never;
  }

  /**
   * Waits until `count()` reaches `expected`, then until it has stayed unchanged for 4 s: the events of a drop
   * are counted only once the stream event source mappings have nothing more to deliver.
   */
  async eventsSettled(what: string, count: () => Promise<number>, expected: number, timeoutMs = 90_000) {
    await this.until(what, async () => (await count()) >= expected, timeoutMs, 500);
    let last = await count();
    let stableSince = Date.now();
    while (Date.now() - stableSince < EVENTS_SETTLE_MS) {
      await sleep(500);
      const now = await count();
      if (now !== last) [last, stableSince] = [now, Date.now()];
    }
  }

  /**
   * The end state every fault test demands: the ledger holds exactly `quota` users, the coupon table exactly one
   * coupon per ledger user and nothing else, and the persisted count agrees. Returns the ledger.
   */
  async expectExact(day: CampaignDay, quota: number): Promise<LedgerEntry[]> {
    const ledger = await this.ledger(day);
    const coupons = await this.coupons(day.campaignId);
    expect(ledger).toHaveLength(quota);
    expect(coupons.map((c) => c.userId).sort()).toEqual(ledger.map((e) => e.userId).sort());
    expect(new Set(coupons.map((c) => c.couponId)).size).toBe(coupons.length);
    for (const coupon of coupons) {
      expect(coupon.rank).toBe(ledger.find((e) => e.userId === coupon.userId)?.rank);
    }
    expect(await this.persistedCount(day)).toBe(quota);
    return ledger;
  }

  async scan(table: string): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.documents.send(
        new ScanCommand({ TableName: table, ExclusiveStartKey: start, ConsistentRead: true }),
      );
      items.push(...((page.Items ?? []) as Record<string, unknown>[]));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }

  close(): void {
    this.documents.destroy();
    this.sqs.destroy();
  }
}
