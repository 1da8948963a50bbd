import fc from 'fast-check';

// The fault space the explorer draws from: which backend call fails, how, and when. A plan is a short list of
// rules; each backend call of a run takes a sequence number (deterministic under the scheduler) and the first rule
// that matches it decides its fate.

/**
 * What happens to one backend call:
 * - `error`: answered with a retryable error (500, or a network error for Redis) without reaching the backend;
 * - `lostAnswer`: applied by the backend, then the answer is lost (a reset connection); the client retries;
 * - `errorAfter`: applied by the backend, then answered with a 500 (SQS: the caller takes it as a rejection);
 * - `late`: not delivered now (the caller sees a timeout) and applied by the backend later, at a point the
 *   scheduler picks, after the caller moved on;
 * - `conflict`: DynamoDB's TransactionCanceledException (TransactionConflict) for transactions,
 *   TransactionConflictException for single-item writes; an error for other calls;
 * - `crashBefore` / `crashAfter`: the calling function's environment dies before the call leaves it, or right
 *   after the backend applied it: the invocation never continues (the caller of an HTTP function sees a 5xx).
 */
export type FaultKind = 'error' | 'lostAnswer' | 'errorAfter' | 'late' | 'conflict' | 'crashBefore' | 'crashAfter';

/** Every fault kind, in the order the explorer shrinks towards (the simplest first). */
const FAULT_KINDS: readonly FaultKind[] = [
  'error',
  'lostAnswer',
  'errorAfter',
  'late',
  'conflict',
  'crashBefore',
  'crashAfter',
];

/** The calls a rule applies to: `service:Operation`, `service:*`, or `redis` (every Upstash request). */
const FAULT_TARGETS = [
  'dynamodb:*',
  'dynamodb:UpdateItem',
  'dynamodb:PutItem',
  'dynamodb:GetItem',
  'dynamodb:Query',
  'dynamodb:TransactWriteItems',
  'sqs:SendMessage',
  'sqs:*',
  'redis',
] as const;
/** A target of {@link FAULT_TARGETS}. */
type FaultTarget = (typeof FAULT_TARGETS)[number];

/**
 * One rule: calls to `target` whose sequence number is in [`from`, `to`) fail as `kind` with probability
 * `rate` (0..1, drawn from the run's seeded generator).
 */
export interface FaultRule {
  readonly target: FaultTarget;
  readonly kind: FaultKind;
  readonly rate: number;
  readonly from: number;
  readonly to: number;
}

/**
 * An outage: every call to `target` fails as `kind` for as long as it lasts (the rounds of the pipeline after the
 * burst, tools/explorer/run.ts), as when the coupon writers' table is throttled or in conflict for minutes.
 */
export interface Outage {
  readonly target: FaultTarget;
  readonly kind: Extract<FaultKind, 'error' | 'lostAnswer' | 'errorAfter' | 'conflict'>;
}

/** Arbitrary of outages. */
export const outageArbitrary: fc.Arbitrary<Outage> = fc.record({
  target: fc.constantFrom<FaultTarget>(
    'dynamodb:TransactWriteItems',
    'dynamodb:UpdateItem',
    'dynamodb:*',
    'redis',
    'sqs:*',
  ),
  kind: fc.constantFrom<Outage['kind']>('error', 'conflict', 'lostAnswer', 'errorAfter'),
});

/** Arbitrary of fault rules over the first `calls` backend calls of a run (rates in eighths, 1/8..1). */
export function faultRule(calls: number): fc.Arbitrary<FaultRule> {
  return fc
    .record({
      target: fc.constantFrom(...FAULT_TARGETS),
      kind: fc.constantFrom(...FAULT_KINDS),
      rate: fc.integer({ min: 1, max: 8 }).map((eighths) => eighths / 8),
      from: fc.nat({ max: calls }),
      // Mostly short faults; sometimes one that lasts (an outage of a backend call).
      length: fc.oneof(fc.integer({ min: 1, max: calls }), fc.constant(10 * calls)),
    })
    .map(({ length, ...rule }) => ({ ...rule, to: rule.from + length }));
}

/** A small seeded generator (mulberry32): the same seed draws the same numbers on every replay. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The faults of one run: its rules, its generator, and the sequence number of the next call. */
export class FaultPlan {
  private calls = 0;
  /** Set once the faults clear: every later call passes. */
  cleared = false;
  /** The outage in force, if any (before the faults clear). */
  outage: Outage | undefined;
  /** What was injected, by `service:Operation kind`. */
  readonly injected: Record<string, number> = {};

  constructor(
    private readonly rules: readonly FaultRule[],
    private readonly random: () => number,
  ) {}

  /** The fate of the next call to `service:operation`: a fault kind, or undefined to pass it. */
  next(service: 'dynamodb' | 'sqs' | 'redis', operation: string): FaultKind | undefined {
    const call = this.calls++;
    if (this.cleared) return undefined;
    if (this.outage && matches(this.outage.target, service, operation)) {
      const key = `${service}:${operation} outage ${this.outage.kind}`;
      this.injected[key] = (this.injected[key] ?? 0) + 1;
      return this.outage.kind;
    }
    for (const rule of this.rules) {
      if (call < rule.from || call >= rule.to || !matches(rule.target, service, operation)) continue;
      if (this.random() >= rule.rate) continue;
      const key = `${service}:${operation} ${rule.kind}`;
      this.injected[key] = (this.injected[key] ?? 0) + 1;
      return rule.kind;
    }
    return undefined;
  }
}

function matches(target: FaultTarget, service: string, operation: string): boolean {
  if (target === 'redis') return service === 'redis';
  const [s, op] = target.split(':');
  return s === service && (op === '*' || op === operation);
}
