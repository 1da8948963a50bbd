import { spawn } from 'node:child_process';
import * as path from 'node:path';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { PROOF_OF_WORK_HEADER } from '../../src/contract/names';
import type { Campaign } from '../../src/functions/domain/campaign/campaign';

// What the benchmark that runs the issue function's handler in a worker process (Q3: tools/bench/admission-cpu.ts)
// shares with its worker (tools/bench/admission-cpu-worker.ts): the worker's spawn and its one-line JSON answer, the
// function's environment, and the campaign, event and context of one issue request. A worker is a fresh Node process, as an execution
// environment is, with stdout (the EMF and log sink, as in Lambda) to /dev/null.

/** The line prefix a worker writes its result under, on stderr (stdout is the handler's log sink). */
const RESULT_PREFIX = 'bench-result ';

/** The one result line of a worker: `bench-result <json>` on stderr. */
export function reportResult(result: unknown): void {
  process.stderr.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
}

/**
 * Runs `file` under tsx in a fresh Node process with `args`, stdout discarded, and resolves to the JSON its
 * worker passed to {@link reportResult}.
 * @throws Error with the worker's last stderr when it fails or reports nothing.
 */
export function runWorker<T>(file: string, args: readonly string[], timeoutMs = 300_000): Promise<T> {
  const tsx = path.join(__dirname, '..', '..', 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const child = spawn(process.execPath, [tsx, file, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: timeoutMs,
  });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status) => {
      const line = stderr
        .split('\n')
        .reverse()
        .find((l) => l.startsWith(RESULT_PREFIX));
      if (status !== 0 || !line) {
        reject(new Error(`worker ${path.basename(file)} ${args.join(' ')} failed: ${stderr.slice(-2000)}`));
        return;
      }
      resolve(JSON.parse(line.slice(RESULT_PREFIX.length)) as T);
    });
  });
}

/**
 * The issue function's environment as the construct sets it (src/functions/runtime/config.ts FUNCTION_ENV.issue), in
 * auth mode `none` (the user id in the body, no token to mint), every AWS client pointed at `endpoint` (a stub,
 * tools/bench/aws-stub.ts) with static credentials.
 */
export function issueFunctionEnv(options: {
  readonly mode: 'redis' | 'dynamodb';
  readonly endpoint: string;
  readonly queueUrl: string;
  readonly upstashSecretId?: string;
  /** The proof-of-work signing key's secret id (`PROOF_OF_WORK_SECRET_ID`). @default - unset: no proof of work */
  readonly proofOfWorkSecretId?: string;
}): Record<string, string> {
  return {
    ADMISSION_MODE: options.mode,
    CAMPAIGN_TABLE_NAME: 'campaigns',
    ADMISSION_TABLE_NAME: 'admissions',
    ISSUE_QUEUE_URL: options.queueUrl,
    ...(options.upstashSecretId ? { UPSTASH_SECRET_ID: options.upstashSecretId } : {}),
    ...(options.proofOfWorkSecretId ? { PROOF_OF_WORK_SECRET_ID: options.proofOfWorkSecretId } : {}),
    AUTH_MODE: 'none',
    POWERTOOLS_SERVICE_NAME: 'issue-coupon',
    METRICS_INSTANCE: 'Bench/Coupons',
    POWERTOOLS_LOG_LEVEL: 'WARN',
    AWS_ENDPOINT_URL_SQS: options.endpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: options.endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: options.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
  };
}

/** A campaign open all day today (UTC) with `dailyQuota`, one coupon per user. */
export function benchCampaign(campaignId: string, dailyQuota: number): Campaign {
  const today = new Date().toISOString().slice(0, 10);
  return {
    campaignId,
    vendorId: 'bench',
    name: 'Bench',
    timezone: 'UTC',
    startDate: today,
    endDate: today,
    dailyWindow: { open: '00:00', close: '24:00' },
    dailyQuota,
    perUserDailyLimit: 1,
    couponValidityDays: 1,
    counterShards: 1,
    discount: { type: 'PERCENT', value: 10 },
    createdAt: new Date().toISOString(),
    version: 1,
  } as Campaign;
}

/** The Lambda context of request `requestId` to a 1,024 MB issue function. */
export function lambdaContext(requestId: string): Context {
  return {
    functionName: 'IssueCouponFunction',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:IssueCouponFunction',
    memoryLimitInMB: '1024',
    logGroupName: '/aws/lambda/IssueCouponFunction',
    logStreamName: 'bench',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => 10_000,
    awsRequestId: requestId,
  } as unknown as Context;
}

/**
 * The HTTP API (payload 2.0) event of `POST /v1/campaigns/{campaignId}/issue` with `{"userId"}` (auth none), and
 * `proof` in the `x-proof-of-work` header (src/contract/names.ts PROOF_OF_WORK_HEADER) when given.
 */
export function issueEvent(campaignId: string, userId: string, proof?: string): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'POST /v1/campaigns/{campaignId}/issue',
    rawPath: `/v1/campaigns/${campaignId}/issue`,
    headers: {
      'content-type': 'application/json',
      ...(proof === undefined ? {} : { [PROOF_OF_WORK_HEADER]: proof }),
    },
    pathParameters: { campaignId },
    body: JSON.stringify({ userId }),
    isBase64Encoded: false,
    requestContext: { http: { method: 'POST', path: `/v1/campaigns/${campaignId}/issue` } },
  } as unknown as APIGatewayProxyEventV2;
}

/** The status code of a handler's answer (a bare string is a 200, as API Gateway reads it). */
export function statusOf(response: unknown): number {
  return typeof response === 'string' ? 200 : ((response as { statusCode?: number }).statusCode ?? 200);
}
