import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Redis } from '@upstash/redis';
import * as z from 'zod/mini';
import { requiredString } from './config';

// Module-scope clients are reused across invocations of one instance. Endpoints come from the SDK's standard
// resolution, so `AWS_ENDPOINT_URL_*` points them at emulators with no code change.

/**
 * DynamoDB document client (undefined attributes dropped). 3 attempts; a request unanswered for 3 s is abandoned
 * and retried (single-item calls take milliseconds), so a hung connection fails the call instead of the Lambda.
 */
export const documentClient = DynamoDBDocumentClient.from(
  new DynamoDBClient({
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 3_000, throwOnRequestTimeout: true },
  }),
  { marshallOptions: { removeUndefinedValues: true } },
);

/**
 * SQS client: 3 attempts, each abandoned after 1.5 s without an answer, so the issue function (10 s timeout)
 * always gets to decide: release on a rejection, keep the admission on an unknown outcome.
 */
export const sqsClient = new SQSClient({
  maxAttempts: 3,
  requestHandler: { connectionTimeout: 1_000, requestTimeout: 1_500, throwOnRequestTimeout: true },
});

const upstashSecretSchema = z.object({ url: z.url(), token: requiredString() });

let redis: Promise<Redis> | undefined;

/**
 * The Upstash client, created on first use from the Secrets Manager secret `secretId` holding
 * `{"url","token"}`. The secret is cached for the life of the instance (Powertools Parameters); the token never
 * reaches an environment variable or a log line. Network errors are retried twice, 20-60 ms apart, so a Redis
 * outage fails closed within the request rather than hanging it. Replies are not JSON-decoded
 * (`automaticDeserialization: false`): the Redis admission store parses its own values.
 * @throws Error when the secret is missing or malformed.
 */
export function redisClient(secretId: string): Promise<Redis> {
  redis ??= (async () => {
    const raw = await getSecret(secretId, { transform: 'json', maxAge: 24 * 3600 });
    const { url, token } = upstashSecretSchema.parse(raw);
    return new Redis({
      url,
      token,
      retry: { retries: 2, backoff: (attempt) => 20 * (attempt + 1) },
      enableTelemetry: false,
      // Raw strings: the admission store parses its own values. The default JSON.parses every string and catches
      // the SyntaxError for each one that is not JSON (every "rank|requestId" entry), about 30 us per value: ~30 ms
      // for the sold-out snapshot of a 1,000-winner day.
      automaticDeserialization: false,
    });
  })().catch((error) => {
    redis = undefined;
    throw error;
  });
  return redis;
}
