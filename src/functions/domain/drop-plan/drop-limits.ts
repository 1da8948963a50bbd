import type { Throttle } from '../../../contract/routes';
import { SOLD_OUT_CACHE_TTL_MS } from '../admission/sold-out-cache';
import { CAPACITY, type DeployedCapacity } from './capacity';

// The limits of the drop simulation (src/functions/domain/drop-plan/drop-simulation.ts) and its token bucket.

/** Where an issue request can be shed, one name per limit. */
export type DropLimit =
  | 'cloudFront'
  | 'stageThrottle'
  | 'accountThrottle'
  | 'lambdaScaling'
  | 'lambdaConcurrency'
  | 'upstash'
  | 'dynamoDbWrites'
  | 'dynamoDbReads';

/** The limits and durations a simulation uses; defaults are {@link CAPACITY}'s figures (sources there). */
export interface DropLimits {
  /** API Gateway's account rate, requests/s. */
  readonly accountRateLimit: number;
  /** API Gateway's account burst, requests. */
  readonly accountBurstLimit: number;
  /** Execution environments one function adds per 10 s. */
  readonly lambdaScalingPer10s: number;
  /** CloudFront requests/s per distribution. */
  readonly cloudFrontRequestsPerSecond: number;
  /** Upstash commands/s per database. */
  readonly upstashCommandsPerSecond: number;
  /** Write units/s of one DynamoDB item. */
  readonly itemWritesPerSecond: number;
  /** Read units/s of one DynamoDB item. */
  readonly itemReadsPerSecond: number;
  /** Billed seconds of an admission attempt. */
  readonly admissionSeconds: number;
  /** Billed seconds of a sold-out answer from memory. */
  readonly soldOutSeconds: number;
  /** Billed seconds of a count read. */
  readonly querySeconds: number;
  /** Seconds an instance answers a sold-out day from memory. */
  readonly soldOutCacheSeconds: number;
}

/** The simulation's limits for an admission mode: {@link CAPACITY}'s figures, then `overrides`. */
export const dropLimitsOf = (
  mode: DeployedCapacity['admissionMode'],
  overrides: Partial<DropLimits> = {},
): DropLimits => ({
  accountRateLimit: CAPACITY.apiGatewayAccountRps.value,
  accountBurstLimit: CAPACITY.apiGatewayAccountBurst.value,
  lambdaScalingPer10s: CAPACITY.lambdaScalingPer10s.value,
  cloudFrontRequestsPerSecond: CAPACITY.cloudFrontRequestsPerSecond.value,
  upstashCommandsPerSecond: CAPACITY.upstashCommandsPerSecond.value,
  itemWritesPerSecond: CAPACITY.dynamoDbItemWritesPerSecond.value,
  itemReadsPerSecond: CAPACITY.dynamoDbItemReadsPerSecond.value,
  admissionSeconds:
    mode === 'redis' ? CAPACITY.issueSecondsPerRequest.value : CAPACITY.issueSecondsPerRequestDynamoDb.value,
  soldOutSeconds: CAPACITY.soldOutSecondsPerRequest.value,
  querySeconds: CAPACITY.querySecondsPerRequest.value,
  soldOutCacheSeconds: SOLD_OUT_CACHE_TTL_MS / 1000,
  ...overrides,
});

/**
 * A token bucket, API Gateway's throttle (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-throttling.html):
 * it holds at most `burstLimit` tokens and gains `rateLimit` a second; starts full.
 */
export class TokenBucket {
  private tokens: number;
  constructor(private readonly throttle: Throttle) {
    this.tokens = throttle.burstLimit;
  }
  /** Tokens the second can spend. */
  available(): number {
    return Math.floor(this.tokens + this.throttle.rateLimit);
  }
  /** Spends `n` (at most available()) and carries the rest, up to the burst. */
  spend(n: number): void {
    this.tokens = Math.min(this.throttle.burstLimit, this.tokens + this.throttle.rateLimit - n);
  }
}
