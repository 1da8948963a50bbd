import * as z from 'zod';
import { HANDLERS } from '../../src/contract/names';
import { isNodeFunction, resourcesOfType, type SynthesizedStack } from './template';

// The chaos configuration and its validation: the shape (zod), then the names it may use, which only the
// synthesized template and the functions' code know.

const rate = z.number().min(0).max(1);

/** How long a request may be held or delayed, ms (longer than any function's timeout, src/construct/). */
const delayMs = z.number().int().min(0).max(120_000);

/**
 * Late landing, shared by the service operations and Redis: the request is held without an answer and applied
 * by the service `landLateMs` later.
 */
const landLateFields = {
  /**
   * Hold matching requests without an answer, then forward them to the service this many ms after they arrived,
   * whatever the caller did meanwhile (gave up and retried, or died); the service's answer is discarded and the
   * caller never gets one. As a request whose caller timed out and that the service applied later: to land after
   * the caller gave up, exceed its timeout (the functions' DynamoDB client abandons an attempt after 3 s and SQS
   * after 1.5 s, src/functions/runtime/composition-root.ts; @upstash/redis waits until the function's timeout, 10 s for the
   * issue function, src/construct/api-functions.ts).
   */
  landLateMs: delayMs.optional(),
  /** Share of requests (0..1) landing late; 1 when `landLateMs` is set without it. Needs `landLateMs`. */
  landLateRate: rate.optional(),
};

/** `landLateRate` means nothing without the delay it lands after. */
const landLateNeedsDelay = (fault: { landLateMs?: number; landLateRate?: number }) =>
  fault.landLateRate === undefined || fault.landLateMs !== undefined;
const landLateNeedsDelayError = { message: 'landLateRate needs landLateMs', path: ['landLateRate'] };

/** Faults of one service operation (e.g. DynamoDB `TransactWriteItems`, SQS `SendMessage`). */
const operationFaultSchema = z
  .strictObject({
    /** Share of requests (0..1) answered with `error` instead of being forwarded. */
    errorRate: rate.optional(),
    /**
     * Share of requests (0..1) forwarded (so the service acts on them: a message is stored) and then answered with
     * `error` instead of the service's answer, as a response lost after the service committed. With the SDK's
     * retries, one `SendMessage` stores several copies and its caller still sees an error.
     */
    errorAfterForwardRate: rate.optional(),
    /**
     * The error returned, one the real service returns. Retryable: DynamoDB InternalServerError (500, the default)
     * or ProvisionedThroughputExceededException / ThrottlingException (400); SQS InternalError (500, the default)
     * or ServiceUnavailable (503); EventBridge InternalException (500, the default) or ThrottlingException (400).
     * Not retryable: DynamoDB AccessDeniedException (400), as when a function's role
     * lost a permission (the replay parks what fails with it, src/functions/domain/failed-events/replay.ts isRetryable).
     */
    error: z
      .enum([
        'InternalServerError',
        'ProvisionedThroughputExceededException',
        'ThrottlingException',
        'AccessDeniedException',
        'InternalError',
        'ServiceUnavailable',
        'InternalException',
      ])
      .optional(),
    /** Added before forwarding, ms. */
    latencyMs: delayMs.optional(),
    /** Hold matching requests without an answer until the caller gives up (times out or dies); never forwarded. */
    blackhole: z.boolean().optional(),
    /** Share of requests (0..1) blackholed; `blackhole: true` means 1. */
    blackholeRate: rate.optional(),
    ...landLateFields,
  })
  .refine(landLateNeedsDelay, landLateNeedsDelayError);

/** Operation name -> faults; `*` applies to every operation of the service without its own entry. */
const serviceFaultsSchema = z.record(z.string().min(1), operationFaultSchema);

/**
 * Faults of the Upstash bridge, on every REST request the functions send (one command, a pipeline or a
 * transaction): Redis has no operation names here, the admission, release and claim scripts all being EVALSHA.
 */
const redisFaultSchema = z
  .strictObject({
    /** The Upstash bridge drops every connection, as an unreachable database would. */
    down: z.boolean().optional(),
    /** Added to every bridge request, ms. */
    latencyMs: delayMs.optional(),
    /**
     * Share of requests (0..1) run on redis-server whose answer is then lost: the bridge destroys the connection
     * instead of answering, so @upstash/redis sees a network error and retries per its `retry` option (twice in
     * the functions, src/functions/runtime/composition-root.ts), each retry running the command again.
     */
    errorAfterForwardRate: rate.optional(),
    ...landLateFields,
  })
  .refine(landLateNeedsDelay, landLateNeedsDelayError);

/** Faults of one function's execution environments. */
const lambdaFaultSchema = z.strictObject({
  /** Share of invocations (0..1) whose environment is killed (SIGKILL) during the invocation. */
  crashRate: rate,
  /**
   * `random` (default): at a uniformly random point of a typical invocation (or, if the handler finishes first,
   * after it did its work and before its result is returned); `end`: always after the work, before the result.
   */
  crashAt: z.enum(['random', 'end']).optional(),
});

/**
 * The shape of the chaos configuration: `POST /_local/chaos` body, `GET /_local/chaos` and `LOCAL_CLOUD_CHAOS`,
 * without the names (operations, functions) that {@link validateChaosConfig} checks. `{}` clears every fault.
 * Examples: README.md's Chaos section (test/unit/local/chaos.test.ts runs them through the validator).
 */
export const chaosConfigSchema = z.strictObject({
  dynamodb: serviceFaultsSchema.optional(),
  sqs: serviceFaultsSchema.optional(),
  /** The publisher's PutEvents to the local bus (tools/local/event-bus.ts). */
  eventbridge: serviceFaultsSchema.optional(),
  redis: redisFaultSchema.optional(),
  /** Function (handler name, as `issue-coupon`, or logical id) -> faults. */
  lambda: z.record(z.string().min(1), lambdaFaultSchema).optional(),
});

/** A parsed chaos configuration ({@link chaosConfigSchema}). */
export type ChaosConfig = z.infer<typeof chaosConfigSchema>;

/**
 * The operations the functions send to each proxied service, as the proxy names them (tools/local/chaos.ts
 * operationOf: the `X-Amz-Target` suffix): the `new ...Command(` calls under src/functions (lib-dynamodb's
 * `GetCommand` sends GetItem). A fault on another operation would never fire, so it is refused;
 * test/unit/local/chaos.test.ts holds this list to the code.
 */
export const CHAOS_OPERATIONS = {
  dynamodb: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'Scan', 'BatchGetItem', 'TransactWriteItems'],
  sqs: ['SendMessage', 'ReceiveMessage', 'DeleteMessage', 'ChangeMessageVisibilityBatch', 'GetQueueAttributes'],
  eventbridge: ['PutEvents'],
} as const satisfies Record<'dynamodb' | 'sqs' | 'eventbridge', readonly string[]>;

/** A function faults may name: by its logical id, or by its handler name (a value of HANDLERS) when it has one. */
export interface ChaosFunction {
  readonly logicalId: string;
  /** `issue-coupon`...: the function's POWERTOOLS_SERVICE_NAME (src/construct/app-function.ts); none for CDK's own. */
  readonly handlerName?: string;
}

/** One refused field: its dotted path in the configuration (`lambda.IssueCouponFunction`) and what is wrong. */
export interface ChaosConfigIssue {
  readonly path: string;
  readonly message: string;
}

/** A refused chaos configuration; `errors` lists every invalid field, and the message says them all. */
export class ChaosConfigError extends Error {
  constructor(readonly errors: readonly ChaosConfigIssue[]) {
    super(
      `invalid chaos configuration: ${errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; ')}`,
    );
    this.name = 'ChaosConfigError';
  }
}

/** The functions of `stack` the local cloud runs (Node.js ones), with their handler names. */
export function chaosFunctionsOf(stack: SynthesizedStack): ChaosFunction[] {
  const handlerNames = new Set<string>(Object.values(HANDLERS));
  return resourcesOfType(stack, 'AWS::Lambda::Function')
    .filter(([, r]) => isNodeFunction(r))
    .map(([logicalId, r]) => {
      const variables = (r.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables;
      const service = variables?.POWERTOOLS_SERVICE_NAME;
      return typeof service === 'string' && handlerNames.has(service)
        ? { logicalId, handlerName: service }
        : { logicalId };
    });
}

/**
 * Parses a chaos configuration: its shape ({@link chaosConfigSchema}), the operations ({@link CHAOS_OPERATIONS} or
 * `*`) and, when `functions` is given, the functions (each named once, by handler name or logical id).
 * @throws ChaosConfigError listing every invalid field.
 */
export function validateChaosConfig(value: unknown, functions?: readonly ChaosFunction[]): ChaosConfig {
  const errors = nameErrors(value, functions);
  const parsed = chaosConfigSchema.safeParse(value);
  if (!parsed.success) errors.push(...parsed.error.issues.flatMap(shapeErrors));
  if (!parsed.success || errors.length > 0) throw new ChaosConfigError(errors);
  return parsed.data;
}

/** The logical id a name in `lambda` designates, or undefined for an unknown one. */
export function logicalIdOf(name: string, functions: readonly ChaosFunction[]): string | undefined {
  return functions.find((fn) => fn.logicalId === name || fn.handlerName === name)?.logicalId;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Unknown operations and functions, and a function named twice. */
function nameErrors(value: unknown, functions: readonly ChaosFunction[] | undefined): ChaosConfigIssue[] {
  if (!isRecord(value)) return [];
  const errors: ChaosConfigIssue[] = [];
  for (const service of ['dynamodb', 'sqs', 'eventbridge'] as const) {
    const faults = value[service];
    if (!isRecord(faults)) continue;
    const valid: readonly string[] = CHAOS_OPERATIONS[service];
    for (const operation of Object.keys(faults)) {
      if (operation === '*' || valid.includes(operation)) continue;
      errors.push({ path: `${service}.${operation}`, message: `unknown operation; valid: ${valid.join(', ')}, or *` });
    }
  }
  const lambda = value.lambda;
  if (!functions || !isRecord(lambda)) return errors;
  const named = new Map<string, string>();
  for (const name of Object.keys(lambda)) {
    const logicalId = logicalIdOf(name, functions);
    const first = logicalId === undefined ? undefined : named.get(logicalId);
    if (logicalId === undefined) errors.push({ path: `lambda.${name}`, message: unknownFunction(functions) });
    else if (first !== undefined)
      errors.push({ path: `lambda.${name}`, message: `names the same function as lambda.${first}` });
    else named.set(logicalId, name);
  }
  return errors;
}

function unknownFunction(functions: readonly ChaosFunction[]): string {
  const handlerNames = functions.flatMap((fn) => (fn.handlerName ? [fn.handlerName] : []));
  const ids = functions.map((fn) => fn.logicalId).join(', ');
  return handlerNames.length > 0
    ? `unknown function; valid: ${handlerNames.join(', ')}, or logical ids ${ids}`
    : `unknown function; valid: ${ids}`;
}

/** The fields valid where zod found unrecognized keys, by the path of the object holding them. */
function validFields(path: readonly PropertyKey[]): string {
  const [service] = path;
  const shape =
    path.length === 0
      ? chaosConfigSchema.shape
      : service === 'redis'
        ? redisFaultSchema.shape
        : service === 'lambda'
          ? lambdaFaultSchema.shape
          : operationFaultSchema.shape;
  return Object.keys(shape).join(', ');
}

/** One zod issue as refused fields: an unrecognized key each, else the issue at its path. */
function shapeErrors(issue: z.core.$ZodIssue): ChaosConfigIssue[] {
  const at = issue.path.map(String);
  if (issue.code !== 'unrecognized_keys') return [{ path: at.join('.'), message: issue.message }];
  const what = at.length === 0 ? 'service' : 'field';
  return issue.keys.map((key) => ({
    path: [...at, key].join('.'),
    message: `unknown ${what}; valid: ${validFields(issue.path)}`,
  }));
}
