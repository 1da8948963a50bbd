import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import type * as http from 'node:http';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import {
  type AttributeDefinition,
  CreateTableCommand,
  DynamoDBClient,
  type GlobalSecondaryIndex,
  type KeySchemaElement,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import * as z from 'zod';
import type { AdmissionMode, FunctionAuthMode } from '../lambdas/contract/names';
import {
  generateAdminCredentials,
  LocalIamAuthorizer,
  LocalIssuer,
  type RouteAuthorization,
  type tokenRequestSchema,
} from './authorizers';
import { Chaos } from './chaos';
import {
  type Emulator,
  hasRedisServer,
  projectRoot,
  startDynamoDbLocal,
  startFauxqs,
  startRedisServer,
} from './emulators';
import { type LocalRoute, startHttpApi } from './http-api';
import { sendJson } from './http-server';
import { LocalFunction } from './lambda-runtime';
import { startLocalSecretsManager } from './secrets-manager';
import { startServiceProxy } from './service-proxy';
import type { AdminCredentials } from './sigv4';
import { SqsPoller } from './sqs-poller';
import {
  LOCAL_ACCOUNT,
  LOCAL_REGION,
  loadStack,
  type PhysicalResource,
  resolveIntrinsics,
  resourcesOfType,
} from './template';
import { startUpstashBridge } from './upstash-bridge';

/** Name of the Upstash secret the local synth points the stack at (served by the local Secrets Manager). */
export const LOCAL_UPSTASH_SECRET = 'fcfs-local/upstash';

/**
 * Execution environments per function when neither the template nor the caller says: two per core, at least 4
 * and at most 16. On AWS each environment brings its own CPU; here they share the machine's cores, and each one
 * beyond what the cores can run only adds a cold start (~300 ms of CPU) and context switches, and spreads the
 * requests so thin that no environment's code gets warm. Measured on 2 cores (`npm run bench`, the sold-out
 * load): 16 environments cost 502 us of function CPU per request, 8 cost 283 and 4 cost 146 (BENCHMARKS.md).
 */
export const DEFAULT_FUNCTION_CONCURRENCY = Math.min(16, Math.max(4, 2 * availableParallelism()));

/** Options of {@link startLocalCloud}. */
export interface LocalCloudOptions {
  /** HTTP API port on 127.0.0.1; 0 picks a free one. @default 3000 */
  readonly port?: number;
  /** @default redis when redis-server is on PATH, else dynamodb. @throws when `redis` is asked for without redis-server */
  readonly admissionMode?: AdmissionMode;
  /** Where the cloud assembly is synthesized. @default `<root>/cdk.out` */
  readonly cdkOut?: string;
  /** Where endpoints.json and logs go. @default `<root>/.local` */
  readonly stateDir?: string;
  /** Skip `cdk synth` and use the assembly already in cdkOut. @default false */
  readonly skipSynth?: boolean;
  /**
   * Execution environments per function (Lambda concurrency), unless the template reserves fewer.
   * @default two per core, 4 to 16 (LOCAL_LAMBDA_CONCURRENCY; {@link DEFAULT_FUNCTION_CONCURRENCY})
   */
  readonly functionConcurrency?: number;
  /** Faults injected from the start (LOCAL_CLOUD_CHAOS); see chaosConfigSchema. @default {} */
  readonly chaos?: unknown;
  /**
   * Overrides every queue's VisibilityTimeout, seconds, so that failed messages reach the dead-letter queue in
   * seconds rather than minutes (fault tests; LOCAL_CLOUD_VISIBILITY_TIMEOUT). @default the template's
   */
  readonly queueVisibilityTimeoutS?: number;
  /** Extra CDK context for the synth, e.g. `{ reconcileGraceSeconds: '5' }` (LOCAL_CLOUD_CONTEXT). */
  readonly context?: Record<string, string>;
  /** Progress messages. @default console.log */
  readonly log?: (message: string) => void;
}

/** What `.local/endpoints.json` holds. */
export interface LocalEndpoints {
  apiUrl: string;
  region: string;
  dynamodbEndpoint: string;
  sqsEndpoint: string;
  redisRestUrl: string | null;
  redisRestToken: string | null;
  admissionMode: AdmissionMode;
  tables: Record<string, string>;
  queues: Record<string, string>;
  functions: Record<string, { schedule?: string; routes?: string[]; eventSource?: string }>;
  /**
   * How user routes authenticate: `jwt` (bearer tokens from the local issuer: `POST tokenUrl {"sub"}`) or `none`
   * (the stack was synthesized with auth=none).
   */
  auth: { mode: FunctionAuthMode; issuer?: string; audience?: string[]; tokenUrl?: string; jwksUrl?: string };
  /** SigV4 credentials of the local admin, for the IAM-authorized admin routes (generated at every start). */
  adminCredentials: AdminCredentials;
}

/** A running local cloud. */
export interface LocalCloud {
  readonly endpoints: LocalEndpoints;
  readonly endpointsFile: string;
  stop(): Promise<void>;
}

/**
 * Synthesizes the CDK app into `cdkOut` (bundling every function with esbuild, as a deploy would), in Redis mode
 * pointing the stack at the local Upstash secret.
 * @throws Error when `cdk synth` fails.
 */
export function synthesize(cdkOut: string, mode: AdmissionMode, context: Record<string, string> = {}): void {
  // cdk-nag runs in test/infra/nag.test.ts; skipping it here saves seconds at every start and changes no resource.
  const args = ['synth', '--quiet', '--output', cdkOut, '--context', 'nag=false'];
  if (mode === 'redis') args.push('--context', `upstashSecretName=${LOCAL_UPSTASH_SECRET}`);
  for (const [key, value] of Object.entries(context)) args.push('--context', `${key}=${value}`);
  const result = spawnSync(path.join(projectRoot, 'node_modules', '.bin', 'cdk'), args, {
    cwd: projectRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`cdk synth failed:\n${result.stderr}\n${result.stdout}`);
}

const rateMs = (expression: string): number | undefined => {
  const m = expression.match(/^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/);
  if (!m) return undefined;
  const unit = {
    minute: 60_000,
    minutes: 60_000,
    hour: 3_600_000,
    hours: 3_600_000,
    day: 86_400_000,
    days: 86_400_000,
  };
  return Number(m[1]) * unit[m[2] as keyof typeof unit];
};

/**
 * Reads a control endpoint's JSON body (`{}` when empty) and hands it to `apply`, which validates it with zod.
 * Answers 400 `invalid <what>: ...` and resolves false when the body is not JSON or `apply` throws a ZodError;
 * other errors propagate (the API answers them 500).
 */
async function applyJsonBody(
  body: Buffer,
  res: http.ServerResponse,
  what: string,
  apply: (value: unknown) => unknown,
): Promise<boolean> {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8') || '{}');
  } catch (error) {
    sendJson(res, 400, { message: `invalid ${what}: body is not JSON: ${(error as Error).message}` });
    return false;
  }
  try {
    await apply(value);
    return true;
  } catch (error) {
    if (!(error instanceof z.ZodError)) throw error;
    sendJson(res, 400, { message: `invalid ${what}: ${z.prettifyError(error)}` });
    return false;
  }
}

/**
 * Runs the synthesized stack locally: DynamoDB Local with the template's tables, fauxqs with its queues and
 * redrive policies, redis-server behind an Upstash REST bridge (Redis mode), each function's bundle in its own
 * worker with its template environment, the HTTP API routes, the SQS event source mappings and the schedules.
 * Writes `<stateDir>/endpoints.json`.
 * @throws Error when an emulator does not start or the template uses something the local cloud lacks.
 */
export async function startLocalCloud(options: LocalCloudOptions = {}): Promise<LocalCloud> {
  const log = options.log ?? ((m: string) => console.log(m));
  const stateDir = options.stateDir ?? path.join(projectRoot, '.local');
  const logDir = path.join(stateDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const cdkOut = options.cdkOut ?? path.join(projectRoot, 'cdk.out');
  const redisServer = hasRedisServer();
  if (options.admissionMode === 'redis' && !redisServer) {
    // Asked for by name: running DynamoDB mode instead would pass off one mode's results as the other's.
    throw new Error('ADMISSION_MODE=redis needs redis-server on PATH (Debian: apt-get install redis-server)');
  }
  const mode: AdmissionMode = options.admissionMode ?? (redisServer ? 'redis' : 'dynamodb');
  if (!options.admissionMode && !redisServer) log('redis-server is not on PATH: running DynamoDB admission mode');
  log(`admission mode: ${mode}${options.admissionMode ? '' : ' (set ADMISSION_MODE=dynamodb|redis to choose)'}`);

  if (!options.skipSynth) {
    log(`synthesizing the CDK app into ${path.relative(projectRoot, cdkOut) || cdkOut} ...`);
    synthesize(cdkOut, mode, options.context);
  }
  const chaos = new Chaos(options.chaos ?? {});
  const stack = loadStack(cdkOut);

  const stoppers: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stoppers.reverse()) await stop().catch(() => undefined);
    stoppers.length = 0;
  };
  try {
    const started = await Promise.all([
      startDynamoDbLocal(logDir),
      startFauxqs(logDir),
      mode === 'redis' ? startRedisServer(logDir) : Promise.resolve(undefined),
    ]);
    const [dynamo, fauxqs, redis] = started as [Emulator, Emulator, Emulator | undefined];
    stoppers.push(dynamo.stop, fauxqs.stop);
    if (redis) stoppers.push(redis.stop);

    const fauxqsPort = new URL(fauxqs.endpoint).port;
    const sqsRewrites = (publicUrl: string): [string, string][] => [
      [publicUrl, `http://sqs.${LOCAL_REGION}.localhost:${fauxqsPort}`],
    ];
    // The local cloud's own clients (setup, event source pollers) use sqsProxy; the functions reach the
    // emulators through the chaos proxies, where faults are injected.
    const sqsProxy = await startServiceProxy({ target: fauxqs.endpoint, rewrites: sqsRewrites });
    stoppers.push(sqsProxy.stop);
    const functionSqs = await startServiceProxy({
      target: fauxqs.endpoint,
      rewrites: sqsRewrites,
      chaos: { chaos, service: 'sqs' },
    });
    stoppers.push(functionSqs.stop);
    const functionDynamo = await startServiceProxy({ target: dynamo.endpoint, chaos: { chaos, service: 'dynamodb' } });
    stoppers.push(functionDynamo.stop);

    const bridge = redis
      ? await startUpstashBridge({ redisPort: redis.port, token: randomBytes(24).toString('base64url'), chaos })
      : undefined;
    if (bridge) stoppers.push(bridge.stop);
    const secrets = await startLocalSecretsManager(
      bridge ? { [LOCAL_UPSTASH_SECRET]: JSON.stringify({ url: bridge.url, token: bridge.token }) } : {},
    );
    stoppers.push(secrets.stop);

    const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
    const dynamoClient = new DynamoDBClient({ endpoint: dynamo.endpoint, region: LOCAL_REGION, credentials });
    const sqsClient = new SQSClient({ endpoint: sqsProxy.endpoint, region: LOCAL_REGION, credentials });
    stoppers.push(async () => {
      dynamoClient.destroy();
      sqsClient.destroy();
    });

    const physical: Record<string, PhysicalResource> = {};
    const tables: Record<string, string> = {};
    for (const [id, table] of resourcesOfType(stack, 'AWS::DynamoDB::Table')) {
      const p = table.Properties ?? {};
      const name = (p.TableName as string | undefined) ?? id;
      await dynamoClient.send(
        new CreateTableCommand({
          TableName: name,
          BillingMode: 'PAY_PER_REQUEST',
          KeySchema: p.KeySchema as KeySchemaElement[],
          AttributeDefinitions: p.AttributeDefinitions as AttributeDefinition[],
          ...(p.GlobalSecondaryIndexes
            ? {
                GlobalSecondaryIndexes: (p.GlobalSecondaryIndexes as GlobalSecondaryIndex[]).map((g) => ({
                  IndexName: g.IndexName,
                  KeySchema: g.KeySchema,
                  Projection: g.Projection,
                })),
              }
            : {}),
        }),
      );
      const ttl = p.TimeToLiveSpecification as { AttributeName?: string; Enabled?: boolean } | undefined;
      if (ttl?.Enabled && ttl.AttributeName) {
        await dynamoClient.send(
          new UpdateTimeToLiveCommand({
            TableName: name,
            TimeToLiveSpecification: { AttributeName: ttl.AttributeName, Enabled: true },
          }),
        );
      }
      tables[id] = name;
      physical[id] = {
        ref: name,
        attributes: { Arn: `arn:aws:dynamodb:${LOCAL_REGION}:${LOCAL_ACCOUNT}:table/${name}` },
      };
    }

    // Dead-letter queues first: a redrive policy needs its target's ARN.
    const queues: Record<string, string> = {};
    const queueDefs = resourcesOfType(stack, 'AWS::SQS::Queue').sort(
      ([, a], [, b]) =>
        Number(a.Properties?.RedrivePolicy !== undefined) - Number(b.Properties?.RedrivePolicy !== undefined),
    );
    for (const [id, queue] of queueDefs) {
      const p = queue.Properties ?? {};
      const name = (p.QueueName as string | undefined) ?? id;
      const attributes: Record<string, string> = {};
      for (const key of [
        'VisibilityTimeout',
        'MessageRetentionPeriod',
        'DelaySeconds',
        'ReceiveMessageWaitTimeSeconds',
        'FifoQueue',
        'ContentBasedDeduplication',
      ]) {
        if (p[key] !== undefined) attributes[key] = String(p[key]);
      }
      if (options.queueVisibilityTimeoutS !== undefined)
        attributes.VisibilityTimeout = String(options.queueVisibilityTimeoutS);
      if (p.RedrivePolicy) {
        const redrive = resolveIntrinsics(p.RedrivePolicy, physical) as Record<string, unknown>;
        attributes.RedrivePolicy = JSON.stringify({
          deadLetterTargetArn: redrive.deadLetterTargetArn,
          maxReceiveCount: String(redrive.maxReceiveCount),
        });
      }
      const { QueueUrl } = await sqsClient.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
      const url = QueueUrl as string;
      const arn = `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${name}`;
      queues[id] = url;
      // Functions see the queue behind the chaos proxy (the SDK sends to the queue URL's host).
      const functionUrl = url.replace(sqsProxy.endpoint, functionSqs.endpoint);
      physical[id] = { ref: functionUrl, attributes: { Arn: arn, QueueUrl: functionUrl, QueueName: name } };
    }

    const functionDefs = resourcesOfType(stack, 'AWS::Lambda::Function');
    for (const [id, fn] of functionDefs) {
      const name = (fn.Properties?.FunctionName as string | undefined) ?? id;
      physical[id] = {
        ref: name,
        attributes: { Arn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${name}` },
      };
    }
    // The user pool and its client stand in for Cognito: the local issuer signs tokens with the pool's issuer URL.
    for (const [id] of resourcesOfType(stack, 'AWS::Cognito::UserPool')) {
      const poolId = `${LOCAL_REGION}_local${id.slice(0, 8)}`;
      physical[id] = {
        ref: poolId,
        attributes: {
          Arn: `arn:aws:cognito-idp:${LOCAL_REGION}:${LOCAL_ACCOUNT}:userpool/${poolId}`,
          ProviderName: `cognito-idp.${LOCAL_REGION}.amazonaws.com/${poolId}`,
          ProviderURL: `https://cognito-idp.${LOCAL_REGION}.amazonaws.com/${poolId}`,
          UserPoolId: poolId,
        },
      };
    }
    for (const [id] of resourcesOfType(stack, 'AWS::Cognito::UserPoolClient')) {
      const clientId = `local${id.replace(/[^a-zA-Z0-9]/g, '').toLowerCase()}`.slice(0, 26);
      physical[id] = { ref: clientId, attributes: { ClientId: clientId } };
    }
    for (const [id] of resourcesOfType(stack, 'AWS::Logs::LogGroup')) {
      physical[id] = {
        ref: `/local/${id}`,
        attributes: { Arn: `arn:aws:logs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:log-group:${id}` },
      };
    }

    const functions: Record<string, LocalFunction> = {};
    const described: LocalEndpoints['functions'] = {};
    for (const [id, fn] of functionDefs) {
      const p = fn.Properties ?? {};
      const assetPath = fn.Metadata?.['aws:asset:path'] as string | undefined;
      if (!assetPath) throw new Error(`function ${id} has no bundled asset in ${cdkOut}`);
      const variables = resolveIntrinsics(
        (p.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {},
        physical,
      ) as Record<string, unknown>;
      const name = physical[id]?.ref as string;
      const memory = Number(p.MemorySize ?? 128);
      functions[id] = new LocalFunction(
        {
          logicalId: id,
          functionName: name,
          arn: physical[id]?.attributes.Arn as string,
          codeDir: path.join(cdkOut, assetPath),
          handler: String(p.Handler ?? 'index.handler'),
          timeoutS: Number(p.Timeout ?? 3),
          memoryMb: memory,
          logFile: path.join(logDir, `${id}.log`),
          maxConcurrency: Number(
            (p.ReservedConcurrentExecutions as number | undefined) ??
              options.functionConcurrency ??
              DEFAULT_FUNCTION_CONCURRENCY,
          ),
          environment: {
            ...Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, String(v)])),
            PATH: process.env.PATH ?? '/usr/bin:/bin',
            TZ: 'UTC',
            AWS_REGION: LOCAL_REGION,
            AWS_DEFAULT_REGION: LOCAL_REGION,
            AWS_ACCESS_KEY_ID: credentials.accessKeyId,
            AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
            AWS_ENDPOINT_URL_DYNAMODB: functionDynamo.endpoint,
            AWS_ENDPOINT_URL_SQS: functionSqs.endpoint,
            AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
            AWS_LAMBDA_FUNCTION_NAME: name,
            AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memory),
            AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
            AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
            AWS_SDK_JS_SUPPRESS_NODEJS_VERSION_WARNING: '1',
          },
        },
        chaos,
      );
      described[id] = {};
      stoppers.push(() => (functions[id] as LocalFunction).stop());
    }

    const integrations: Record<string, string> = {};
    for (const [id, integration] of resourcesOfType(stack, 'AWS::ApiGatewayV2::Integration')) {
      const uri = integration.Properties?.IntegrationUri as { 'Fn::GetAtt'?: [string, string] } | undefined;
      const target = uri?.['Fn::GetAtt']?.[0];
      if (target) integrations[id] = target;
    }
    const jwtAuthorizers: Record<string, { issuer: string; audience: string[] }> = {};
    for (const [id, authorizer] of resourcesOfType(stack, 'AWS::ApiGatewayV2::Authorizer')) {
      const p = authorizer.Properties ?? {};
      if (p.AuthorizerType !== 'JWT') throw new Error(`authorizer ${id}: only JWT authorizers are emulated locally`);
      const jwt = resolveIntrinsics(p.JwtConfiguration, physical) as { Issuer: string; Audience: string[] };
      jwtAuthorizers[id] = { issuer: jwt.Issuer, audience: jwt.Audience };
    }
    const issuers = [...new Set(Object.values(jwtAuthorizers).map((a) => a.issuer))];
    if (issuers.length > 1) throw new Error(`the local issuer emulates one JWT issuer; the template has ${issuers}`);
    const firstJwt = Object.values(jwtAuthorizers)[0];
    const issuer = firstJwt ? await LocalIssuer.create(firstJwt.issuer, firstJwt.audience) : undefined;
    const adminCredentials = generateAdminCredentials();
    const iam = new LocalIamAuthorizer(adminCredentials);

    const routes: LocalRoute[] = [];
    for (const [, route] of resourcesOfType(stack, 'AWS::ApiGatewayV2::Route')) {
      const routeKey = route.Properties?.RouteKey as string;
      const target = resolveIntrinsics(
        route.Properties?.Target,
        Object.fromEntries(Object.keys(integrations).map((i) => [i, { ref: i, attributes: {} }])),
      ) as string;
      const functionLogicalId = integrations[target.replace(/^integrations\//, '')];
      if (!functionLogicalId) throw new Error(`route ${routeKey} has no Lambda integration`);
      const type = (route.Properties?.AuthorizationType as string | undefined) ?? 'NONE';
      let authorization: RouteAuthorization;
      if (type === 'JWT') {
        const authorizerId = (route.Properties?.AuthorizerId as { Ref?: string } | undefined)?.Ref ?? '';
        const jwt = jwtAuthorizers[authorizerId];
        if (!jwt) throw new Error(`route ${routeKey}: JWT authorizer ${authorizerId} not found`);
        authorization = { type: 'JWT', ...jwt };
      } else if (type === 'AWS_IAM' || type === 'NONE') {
        authorization = { type };
      } else {
        throw new Error(`route ${routeKey}: authorization type ${type} is not emulated locally`);
      }
      routes.push({ routeKey, functionLogicalId, authorization });
      const d = described[functionLogicalId] ?? {};
      d.routes = [...(d.routes ?? []), routeKey];
      described[functionLogicalId] = d;
    }

    const pollers: SqsPoller[] = [];
    for (const [, mapping] of resourcesOfType(stack, 'AWS::Lambda::EventSourceMapping')) {
      const p = mapping.Properties ?? {};
      const queueId = (p.EventSourceArn as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt']?.[0] as string;
      const functionId = (p.FunctionName as { Ref?: string }).Ref as string;
      const fn = functions[functionId];
      const queue = physical[queueId];
      if (!fn || !queue) throw new Error(`event source mapping ${functionId} <- ${queueId} cannot be resolved`);
      const poller = new SqsPoller(
        sqsClient,
        {
          functionLogicalId: functionId,
          queueUrl: queues[queueId] as string,
          queueArn: queue.attributes.Arn as string,
          batchSize: Number(p.BatchSize ?? 10),
          batchingWindowS: Number(p.MaximumBatchingWindowInSeconds ?? 0),
          reportBatchItemFailures: ((p.FunctionResponseTypes as string[] | undefined) ?? []).includes(
            'ReportBatchItemFailures',
          ),
          maxConcurrency: Number(
            (p.ScalingConfig as { MaximumConcurrency?: number } | undefined)?.MaximumConcurrency ?? 5,
          ),
        },
        fn,
      );
      pollers.push(poller);
      described[functionId] = { ...described[functionId], eventSource: queueId };
    }

    const timers: NodeJS.Timeout[] = [];
    const schedules: { functionId: string; ruleId: string; everyMs: number }[] = [];
    for (const [ruleId, rule] of resourcesOfType(stack, 'AWS::Events::Rule')) {
      const expression = rule.Properties?.ScheduleExpression as string | undefined;
      if (!expression) continue;
      const everyMs = rateMs(expression);
      for (const target of (rule.Properties?.Targets as { Arn: { 'Fn::GetAtt'?: [string, string] } }[]) ?? []) {
        const functionId = target.Arn['Fn::GetAtt']?.[0];
        if (!functionId || !functions[functionId]) continue;
        described[functionId] = { ...described[functionId], schedule: expression };
        if (everyMs === undefined) log(`schedule ${expression} of ${functionId} is not emulated (only rate())`);
        else schedules.push({ functionId, ruleId, everyMs });
      }
    }

    const apiLog = createWriteStream(path.join(logDir, 'http-api.log'), { flags: 'a' });
    stoppers.push(async () => {
      apiLog.end();
    });
    const api = await startHttpApi({
      port: options.port ?? 3000,
      routes,
      functions,
      authorize: async (route, req, url, body) => {
        const { authorization } = route;
        if (authorization.type === 'AWS_IAM') return iam.authorize(req, url, body);
        if (authorization.type === 'JWT' && issuer) return issuer.authorize(req.headers.authorization, authorization);
        return { ok: true };
      },
      onInvokeError: (id, error) =>
        apiLog.write(
          `${JSON.stringify({ level: 'ERROR', function: id, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) })}\n`,
        ),
      control: async (req, body, res) => {
        const url = new URL(req.url ?? '/', 'http://local');
        const invoke = url.pathname.match(/^\/_local\/invoke\/([^/]+)$/);
        if (req.method === 'POST' && invoke) {
          const fn = functions[decodeURIComponent(invoke[1] as string)];
          if (!fn) {
            sendJson(res, 404, { message: `no function ${invoke[1]}` });
            return true;
          }
          const event = body.length ? JSON.parse(body.toString('utf8')) : {};
          try {
            sendJson(res, 200, { result: await fn.invoke(event) });
          } catch (error) {
            const e = error as { errorType?: string; message: string };
            sendJson(res, 200, { errorType: e.errorType ?? 'Error', errorMessage: e.message });
          }
          return true;
        }
        if (url.pathname === '/_local/token' && req.method === 'POST') {
          if (!issuer) {
            sendJson(res, 404, { message: 'the stack runs with auth=none: user routes take a userId, not a token' });
            return true;
          }
          // mint validates the request (tokenRequestSchema) once.
          await applyJsonBody(body, res, 'token request', async (value) => {
            const { token, expiresAt } = await issuer.mint(value as z.input<typeof tokenRequestSchema>);
            sendJson(res, 200, { token, tokenType: 'Bearer', expiresAt, issuer: issuer.issuer });
          });
          return true;
        }
        if (url.pathname === '/_local/jwks.json' && req.method === 'GET' && issuer) {
          sendJson(res, 200, issuer.jwks());
          return true;
        }
        if (url.pathname === '/_local/chaos' && (req.method === 'GET' || req.method === 'POST')) {
          if (req.method === 'POST') {
            if (!(await applyJsonBody(body, res, 'chaos configuration', (value) => chaos.set(value)))) return true;
            log(`chaos: ${JSON.stringify(chaos.get())}`);
          }
          const stat = (key: 'crashes' | 'timeouts') =>
            Object.fromEntries(Object.entries(functions).map(([id, fn]) => [id, fn.stats[key]]));
          sendJson(res, 200, {
            config: chaos.get(),
            injected: chaos.injected,
            crashes: stat('crashes'),
            timeouts: stat('timeouts'),
          });
          return true;
        }
        if (req.method === 'GET' && url.pathname === '/_local/stats') {
          sendJson(res, 200, {
            calls: chaos.calls,
            functions: Object.fromEntries(Object.entries(functions).map(([id, fn]) => [id, fn.stats])),
          });
          return true;
        }
        if (req.method === 'GET' && url.pathname === '/_local/health') {
          sendJson(res, 200, { ok: true, pollers: pollers.map((p) => p.stats) });
          return true;
        }
        return false;
      },
    });
    stoppers.push(api.stop);

    for (const poller of pollers) poller.start();
    stoppers.push(async () => {
      await Promise.all(pollers.map((p) => p.stop()));
    });
    for (const schedule of schedules) {
      const fn = functions[schedule.functionId] as LocalFunction;
      timers.push(
        setInterval(() => {
          fn.invoke({
            version: '0',
            id: randomBytes(16).toString('hex'),
            'detail-type': 'Scheduled Event',
            source: 'aws.events',
            account: LOCAL_ACCOUNT,
            time: new Date().toISOString(),
            region: LOCAL_REGION,
            resources: [`arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT}:rule/${schedule.ruleId}`],
            detail: {},
          }).catch(() => undefined);
        }, schedule.everyMs),
      );
    }
    stoppers.push(async () => {
      for (const t of timers) clearInterval(t);
    });

    const endpoints: LocalEndpoints = {
      apiUrl: api.url,
      region: LOCAL_REGION,
      dynamodbEndpoint: dynamo.endpoint,
      sqsEndpoint: sqsProxy.endpoint,
      redisRestUrl: bridge?.url ?? null,
      redisRestToken: bridge?.token ?? null,
      admissionMode: mode,
      tables,
      queues,
      functions: described,
      auth: issuer
        ? {
            mode: 'jwt',
            issuer: issuer.issuer,
            audience: [...issuer.audience],
            tokenUrl: `${api.url}/_local/token`,
            jwksUrl: `${api.url}/_local/jwks.json`,
          }
        : { mode: 'none' },
      adminCredentials,
    };
    const endpointsFile = path.join(stateDir, 'endpoints.json');
    // Holds the admin's secret key: readable by this user only.
    writeFileSync(endpointsFile, `${JSON.stringify(endpoints, null, 2)}\n`, { mode: 0o600 });
    return { endpoints, endpointsFile, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
