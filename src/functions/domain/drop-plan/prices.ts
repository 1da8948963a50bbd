/**
 * The list prices the drop simulation (src/functions/domain/drop-plan/drop-simulation.ts) costs a drop with:
 * us-east-1, USD, the same figures as BENCHMARKS.md's "Capacity and cost model" (test/unit/domain/drop-plan/
 * drop-simulation.test.ts checks that it cites every source of this module).
 */

/** A price in US dollars per one `unit`, with its public source. */
interface SourcedPrice {
  /** USD per one `unit`. */
  readonly usd: number;
  readonly unit: string;
  /** Where the price is published. */
  readonly source: string;
}

/** The prices a simulated drop is costed with. */
export const PRICES = {
  /** HTTP API request (first 300 million a month): $1.00 per million. */
  apiGatewayHttpRequest: {
    usd: 1.0 / 1e6,
    unit: 'request',
    source: 'https://aws.amazon.com/api-gateway/pricing/',
  },
  /** Lambda request: $0.20 per million. */
  lambdaRequest: { usd: 0.2 / 1e6, unit: 'invocation', source: 'https://aws.amazon.com/lambda/pricing/' },
  /** Lambda duration on arm64: $0.0000133334 per GB-second. */
  lambdaArmGbSecond: { usd: 0.0000133334, unit: 'GB-s', source: 'https://aws.amazon.com/lambda/pricing/' },
  /** Upstash Redis pay-as-you-go: $0.2 per 100,000 commands. */
  upstashCommand: { usd: 0.2 / 100_000, unit: 'command', source: 'https://upstash.com/pricing/redis' },
  /** DynamoDB on-demand write request unit: $0.625 per million. */
  dynamoDbWriteUnit: {
    usd: 0.625 / 1e6,
    unit: 'WRU',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
  },
  /** DynamoDB on-demand read request unit (one strongly consistent read of up to 4 KB): $0.125 per million. */
  dynamoDbReadUnit: { usd: 0.125 / 1e6, unit: 'RRU', source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/' },
  /** SQS standard queue request (a batch of up to 10 messages is one): $0.40 per million. */
  sqsRequest: { usd: 0.4 / 1e6, unit: 'request', source: 'https://aws.amazon.com/sqs/pricing/' },
  /** CloudFront HTTPS request, United States and Europe: $0.0100 per 10,000. */
  cloudFrontHttpsRequest: { usd: 0.01 / 10_000, unit: 'request', source: 'https://aws.amazon.com/cloudfront/pricing/' },
} as const satisfies Record<string, SourcedPrice>;
