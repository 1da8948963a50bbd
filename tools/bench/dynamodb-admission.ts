import { type DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { COUNTER_SK, dayPk, userSk } from '../../src/functions/adapters/dynamodb/admission-keys';
import { DynamoDbAdmissionLedger } from '../../src/functions/adapters/dynamodb/admission-ledger';
import { DynamoDbAdmissionStore } from '../../src/functions/adapters/dynamodb/admission-store';
import { isConditionalCheckFailed } from '../../src/functions/adapters/dynamodb/transaction';
import type { CampaignDay } from '../../src/functions/domain/admission/admission';
import type { AdmitOutcome, AdmitRequest } from '../../src/functions/domain/admission/ports';
import { createAdmissionTable, localDynamoDbClient } from '../local/dynamodb-local';
import { startDynamoDbLocal } from '../local/emulators';
import { workload } from './admission-strategies';
import { closedLoop, type Latency, latency, markdownTable, type RoundsSummary, summarizeRounds } from './stats';

/** The three admission algorithms compared, the ceiling first. */
const ADMISSION_VARIANTS = [
  { id: 'bare', name: 'bare counter' },
  { id: 'before', name: 'two writes (before)' },
  { id: 'after', name: 'transaction (after)' },
] as const;
type AdmissionVariantId = (typeof ADMISSION_VARIANTS)[number]['id'];

/** Sizes of the DynamoDB admission benchmark. */
export interface DynamoDbAdmissionOptions {
  readonly requests: number;
  readonly users: number;
  readonly quota: number;
  readonly concurrency: number;
  /** The workload is cut into this many slices, each run by every variant in turn (order rotated per slice). */
  readonly slices: number;
}

/** 2,000 requests from 1,500 users (500 repeats), quota 500, concurrency 50, in 5 alternating slices. */
export const DYNAMODB_ADMISSION_DEFAULTS: DynamoDbAdmissionOptions = {
  requests: 2_000,
  users: 1_500,
  quota: 500,
  concurrency: 50,
  slices: 5,
};

/** Calls of one DynamoDB operation and the capacity they consumed. */
interface OperationCapacity {
  readonly operation: string;
  calls: number;
  /** Calls that failed (a rejected condition, a cancelled transaction, any other error). */
  failed: number;
  /** Calls whose response carried ConsumedCapacity. */
  returned: number;
  /** Calls whose capacity was computed by DynamoDB's rules (see {@link computedUnits}) for want of one. */
  computed: number;
  readUnits: number;
  writeUnits: number;
}

/** One variant's run over every slice, and its end state. */
interface VariantResult {
  readonly variant: AdmissionVariantId;
  readonly name: string;
  readonly requests: number;
  readonly requestsPerSecond: number;
  readonly latencyMs: Latency;
  /** Requests/s of each slice. */
  readonly sliceRequestsPerSecond: readonly number[];
  /** ADMITTED answers. */
  readonly admitted: number;
  /** The counter item's `admitted` at the end. */
  readonly counted: number;
  /** Ledger items holding a rank (0 for the bare counter, which keeps none). */
  readonly ledger: number;
  /** Users answered ADMITTED more than once (the bare counter checks no user, so its repeats count here). */
  readonly usersTwice: number;
  readonly errors: number;
  /** admitted == counted == quota, no user twice, a ledger item per admission (bare: the count only), no errors. */
  readonly correct: boolean;
  readonly backendRequests: number;
  readonly backendRequestsPerAdmission: number;
  readonly backendRequestsPerRequest: number;
  readonly wcuPerAdmission: number;
  readonly rcuPerRequest: number;
  readonly operations: readonly OperationCapacity[];
  /** Requests/s over the bare counter's, per slice (the ratio within each slice). */
  readonly requestsPerSecondVsBare: RoundsSummary;
  /** p99 over the bare counter's p99, all slices pooled. */
  readonly p99VsBare: number;
}

/** What the benchmark measured. */
export interface DynamoDbAdmissionResult {
  readonly variants: VariantResult[];
}

const TABLE = 'admission';
const OPERATIONS: Record<string, string> = { Get: 'GetItem', Put: 'PutItem', Update: 'UpdateItem' };
/** Operations that read (their capacity is RCU). */
const READS = new Set(['GetItem', 'BatchGetItem', 'Query']);
const round = (v: number, digits = 2) => Math.round(v * 10 ** digits) / 10 ** digits;

/**
 * Capacity of a call whose response carried no ConsumedCapacity (DynamoDB Local and AWS return none with an
 * error), by the rules of https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html:
 * 1 WCU per written item up to 1 KB (a failed conditional write still consumes it), 2 per item of a transaction,
 * 1 RCU per strongly consistent read up to 4 KB. Every item here is under 1 KB. A cancelled transaction is charged
 * as if written (an assumption: the rules say what a transaction's items cost, not what its cancellation does).
 */
function computedUnits(operation: string, input: Record<string, unknown>): { read: number; write: number } {
  if (operation === 'BatchGetItem') {
    const requests = Object.values(input.RequestItems as Record<string, { Keys: unknown[] }>);
    return { read: requests.reduce((sum, r) => sum + r.Keys.length, 0), write: 0 };
  }
  if (READS.has(operation)) return { read: 1, write: 0 };
  if (operation === 'TransactWriteItems') return { read: 0, write: 2 * (input.TransactItems as unknown[]).length };
  return { read: 0, write: 1 };
}

/**
 * Asks every command sent through `client` for `ReturnConsumedCapacity: 'TOTAL'` and adds what comes back (or,
 * when nothing does, {@link computedUnits}) to the returned table, one row per operation.
 */
function meterCapacity(client: DynamoDBClient): Map<string, OperationCapacity> {
  const operations = new Map<string, OperationCapacity>();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = (context.commandName ?? 'Unknown').replace(/Command$/, '');
      const operation = OPERATIONS[name] ?? name;
      const row = operations.get(operation) ?? {
        operation,
        calls: 0,
        failed: 0,
        returned: 0,
        computed: 0,
        readUnits: 0,
        writeUnits: 0,
      };
      operations.set(operation, row);
      row.calls++;
      const input = args.input as Record<string, unknown>;
      input.ReturnConsumedCapacity = 'TOTAL';
      const charge = (read: number, write: number) => {
        row.readUnits += read;
        row.writeUnits += write;
      };
      try {
        const out = await next(args);
        const consumed = (out.output as { ConsumedCapacity?: unknown }).ConsumedCapacity;
        const list = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) as {
          CapacityUnits?: number;
          ReadCapacityUnits?: number;
          WriteCapacityUnits?: number;
        }[];
        if (list.length === 0) {
          row.computed++;
          const units = computedUnits(operation, input);
          charge(units.read, units.write);
        } else row.returned++;
        for (const c of list) {
          const split = c.ReadCapacityUnits !== undefined || c.WriteCapacityUnits !== undefined;
          if (split) charge(c.ReadCapacityUnits ?? 0, c.WriteCapacityUnits ?? 0);
          else if (READS.has(operation)) charge(c.CapacityUnits ?? 0, 0);
          else charge(0, c.CapacityUnits ?? 0);
        }
        return out;
      } catch (error) {
        row.failed++;
        if (isConditionalCheckFailed(error) || error instanceof TransactionCanceledException) {
          row.computed++;
          const units = computedUnits(operation, input);
          charge(units.read, units.write);
        }
        throw error;
      }
    },
    { step: 'initialize', name: 'meterCapacity' },
  );
  return operations;
}

/** Variant 1, the ceiling: one conditional `ADD admitted 1` per request; no user is checked or recorded. */
async function bareCounter(documents: DynamoDBDocumentClient, request: AdmitRequest): Promise<AdmitOutcome> {
  try {
    await documents.send(
      new UpdateCommand({
        TableName: TABLE,
        Key: { pk: dayPk(request.day), sk: COUNTER_SK },
        UpdateExpression: 'ADD admitted :one',
        ConditionExpression: 'attribute_not_exists(admitted) OR admitted < :quota',
        ExpressionAttributeValues: { ':one': 1, ':quota': request.quota },
      }),
    );
    return { kind: 'ADMITTED', rank: 0, admittedAt: request.admittedAt };
  } catch (error) {
    if (isConditionalCheckFailed(error)) return { kind: 'SOLD_OUT' };
    throw error;
  }
}

/**
 * Variant 2, the previous design (DynamoDbAdmissionStore.admit at commit 0ae43b6, K = 1), kept for comparison only:
 * GetItem of the user; the counter's conditional `ADD admitted 1, seq 1` (the rank is `seq`); the ledger item's
 * conditional PutItem, and on its condition failure (a concurrent repeat won) `ADD admitted -1`. Left out: the
 * sold-out path's two re-reads of the user 50 ms apart (which favours this variant's sold-out answers) and the
 * close check's CLOSED answer.
 */
async function twoWrites(documents: DynamoDBDocumentClient, request: AdmitRequest): Promise<AdmitOutcome> {
  const pk = dayPk(request.day);
  const user = { TableName: TABLE, Key: { pk, sk: userSk(request.userId) } };
  const { Item } = await documents.send(new GetCommand({ ...user, ConsistentRead: true }));
  if (Item) return { kind: 'ALREADY_ADMITTED', rank: Item.rank as number };
  let rank: number;
  try {
    const { Attributes } = await documents.send(
      new UpdateCommand({
        TableName: TABLE,
        Key: { pk, sk: COUNTER_SK },
        UpdateExpression: 'SET expiresAt = :exp, countedAt = :now ADD admitted :one, seq :one',
        ConditionExpression: 'attribute_not_exists(closed) AND (attribute_not_exists(admitted) OR admitted < :quota)',
        ExpressionAttributeValues: {
          ':one': 1,
          ':quota': request.quota,
          ':exp': request.expiresAt,
          ':now': Date.now(),
        },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    rank = Attributes?.seq as number;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return { kind: 'SOLD_OUT' };
    throw error;
  }
  try {
    await documents.send(
      new PutCommand({
        TableName: TABLE,
        Item: {
          ...user.Key,
          userId: request.userId,
          rank,
          counter: COUNTER_SK,
          requestId: request.requestId,
          admittedAt: request.admittedAt,
          expiresAt: request.expiresAt,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return { kind: 'ADMITTED', rank, admittedAt: request.admittedAt };
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
    await documents.send(
      new UpdateCommand({
        TableName: TABLE,
        Key: { pk, sk: COUNTER_SK },
        UpdateExpression: 'ADD admitted :minus',
        ExpressionAttributeValues: { ':minus': -1 },
      }),
    );
    return { kind: 'ALREADY_ADMITTED', rank: 0 };
  }
}

/**
 * Runs the three variants against DynamoDB Local, each on its own fresh campaign day with its own metered client,
 * the same shuffled workload for all: slice by slice, every variant running slice s before any runs slice s + 1,
 * in an order rotated per slice, so the machine's noise falls on all alike, after an unmeasured warm-up slice of
 * each on a throwaway day. No sold-out cache: every request
 * reaches the table (the issue function's cache would answer most sold-out requests from memory).
 */
export async function benchDynamoDbAdmission(
  options: DynamoDbAdmissionOptions = DYNAMODB_ADMISSION_DEFAULTS,
  log: (line: string) => void = () => undefined,
): Promise<DynamoDbAdmissionResult> {
  const dynamo = await startDynamoDbLocal('.local/bench');
  const checks = localDynamoDbClient(dynamo.endpoint);
  const runs = ADMISSION_VARIANTS.map((v) => {
    const client = localDynamoDbClient(dynamo.endpoint);
    const documents = DynamoDBDocumentClient.from(client);
    const store = new DynamoDbAdmissionStore(documents, TABLE);
    const admit: (request: AdmitRequest) => Promise<AdmitOutcome> =
      v.id === 'bare'
        ? (r) => bareCounter(documents, r)
        : v.id === 'before'
          ? (r) => twoWrites(documents, r)
          : (r) => store.admit(r);
    const day: CampaignDay = { campaignId: `admission-${v.id}-${Date.now().toString(36)}`, issueDate: '2026-05-01' };
    return {
      ...v,
      client,
      admit,
      day,
      operations: meterCapacity(client),
      outcomes: new Array<AdmitOutcome | undefined>(options.requests),
      samples: [] as number[],
      elapsedMs: 0,
      sliceRps: [] as number[],
      errors: 0,
    };
  });
  try {
    await createAdmissionTable(checks, TABLE);
    const requests = workload(options.requests, options.users);
    // A warm-up slice per variant on a throwaway day (DynamoDB Local's JVM warms up), not measured.
    const warmUp = requests.slice(0, Math.ceil(requests.length / options.slices));
    for (const run of runs) {
      const day = { ...run.day, campaignId: `${run.day.campaignId}-warm-up` };
      await closedLoop(warmUp.length, options.concurrency, async (i) => {
        await run.admit({
          day,
          userId: warmUp[i] as string,
          requestId: `w${i}`,
          quota: options.quota,
          counterShards: 1,
          admittedAt: new Date().toISOString(),
          expiresAt: Math.floor(Date.now() / 1000) + 3_600,
        });
      });
      run.operations.clear();
    }
    for (let s = 0; s < options.slices; s++) {
      const from = Math.floor((s * requests.length) / options.slices);
      const to = Math.floor(((s + 1) * requests.length) / options.slices);
      for (let k = 0; k < runs.length; k++) {
        const run = runs[(s + k) % runs.length] as (typeof runs)[number];
        const { elapsedMs, samples } = await closedLoop(to - from, options.concurrency, async (j) => {
          const i = from + j;
          run.outcomes[i] = await run
            .admit({
              day: run.day,
              userId: requests[i] as string,
              requestId: `r${i}`,
              quota: options.quota,
              counterShards: 1,
              admittedAt: new Date().toISOString(),
              expiresAt: Math.floor(Date.now() / 1000) + 3_600,
            })
            .catch(() => {
              run.errors++;
              return undefined;
            });
        });
        run.elapsedMs += elapsedMs;
        run.samples.push(...samples);
        run.sliceRps.push(((to - from) / elapsedMs) * 1000);
      }
      log(`DynamoDB admission: slice ${s + 1} of ${options.slices} done`);
    }
    const checkDocuments = DynamoDBDocumentClient.from(checks);
    const ledger = new DynamoDbAdmissionLedger(checkDocuments, TABLE);
    const measured = await Promise.all(
      runs.map(async (run) => {
        const winners = requests.filter((_, i) => run.outcomes[i]?.kind === 'ADMITTED');
        const { Item } = await checkDocuments.send(
          new GetCommand({ TableName: TABLE, Key: { pk: dayPk(run.day), sk: COUNTER_SK }, ConsistentRead: true }),
        );
        const ledgerItems = run.id === 'bare' ? [] : await ledger.ledger(run.day);
        const usersTwice = winners.length - new Set(winners).size;
        const counted = (Item?.admitted as number | undefined) ?? 0;
        const operations = [...run.operations.values()];
        const sum = (f: (o: OperationCapacity) => number) => operations.reduce((t, o) => t + f(o), 0);
        const backendRequests = sum((o) => o.calls);
        const admitted = winners.length;
        return {
          variant: run.id,
          name: run.name,
          requests: requests.length,
          requestsPerSecond: Math.round((requests.length / run.elapsedMs) * 1000),
          latencyMs: latency(run.samples),
          sliceRequestsPerSecond: run.sliceRps.map((v) => Math.round(v)),
          admitted,
          counted,
          ledger: ledgerItems.length,
          usersTwice,
          errors: run.errors,
          correct:
            admitted === options.quota &&
            counted === options.quota &&
            run.errors === 0 &&
            (run.id === 'bare' ||
              (usersTwice === 0 &&
                ledgerItems.length === options.quota &&
                new Set(ledgerItems.map((e) => e.userId)).size === options.quota)),
          backendRequests,
          backendRequestsPerAdmission: round(backendRequests / Math.max(1, admitted)),
          backendRequestsPerRequest: round(backendRequests / requests.length),
          wcuPerAdmission: round(sum((o) => o.writeUnits) / Math.max(1, admitted)),
          rcuPerRequest: round(sum((o) => o.readUnits) / requests.length),
          operations,
          sliceRps: run.sliceRps,
        };
      }),
    );
    const bare = measured[0] as (typeof measured)[number];
    const variants = measured.map(({ sliceRps, ...m }): VariantResult => {
      log(`${m.name}: ${m.requestsPerSecond} req/s, p99 ${m.latencyMs.p99} ms, admitted ${m.admitted}`);
      return {
        ...m,
        requestsPerSecondVsBare: summarizeRounds(sliceRps.map((v, s) => v / (bare.sliceRps[s] as number))),
        p99VsBare: round(m.latencyMs.p99 / bare.latencyMs.p99),
      };
    });
    return { variants };
  } finally {
    for (const run of runs) run.client.destroy();
    checks.destroy();
    await dynamo.stop();
  }
}

/** The benchmark's section of the report: the table, then where each operation's capacity figure came from. */
export function formatDynamoDbAdmission(result: DynamoDbAdmissionResult, sizes: DynamoDbAdmissionOptions): string[] {
  const bare = result.variants.find((v) => v.variant === 'bare');
  const sources = result.variants.map(
    (v) =>
      `- ${v.name}: ${v.operations
        .map(
          (o) =>
            `${o.operation} ${o.calls} (${o.failed} failed; capacity returned ${o.returned}, computed ${o.computed})`,
        )
        .join(', ')}`,
  );
  return [
    `## Q4. DynamoDB admission: two writes vs one transaction (${sizes.requests} requests, ${sizes.users} users, quota ${sizes.quota}, concurrency ${sizes.concurrency}, ${sizes.slices} alternating slices; DynamoDB Local)`,
    '',
    markdownTable(result.variants, {
      variant: (v) => v.name,
      'req/s': (v) => v.requestsPerSecond,
      'x bare (median of slices)': (v) => v.requestsPerSecondVsBare.median,
      'x bare (pooled)': (v) => (bare ? round(v.requestsPerSecond / bare.requestsPerSecond) : ''),
      'p50 ms': (v) => v.latencyMs.p50,
      'p99 ms': (v) => v.latencyMs.p99,
      'p99 x bare': (v) => v.p99VsBare,
      'backend req/admission': (v) => v.backendRequestsPerAdmission,
      'backend req/request': (v) => v.backendRequestsPerRequest,
      'WCU/admission': (v) => v.wcuPerAdmission,
      'RCU/request': (v) => v.rcuPerRequest,
      admitted: (v) => v.admitted,
      'users twice': (v) => (v.variant === 'bare' ? `${v.usersTwice} (no user check)` : v.usersTwice),
      errors: (v) => v.errors,
      correct: (v) => (v.correct ? 'yes' : 'NO'),
    }),
    '',
    "Calls per operation and where their capacity came from (returned: the response's ConsumedCapacity; computed: none",
    "came back, as with every failed conditional write and cancelled transaction, so DynamoDB's documented rules: 1 WCU",
    'per item write up to 1 KB, 2 per transactional item, 1 RCU per strongly consistent read up to 4 KB):',
    '',
    ...sources,
  ];
}
