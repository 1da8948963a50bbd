import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { AdmissionMode, FunctionAuthMode } from '../../src/contract/names';
import { Chaos } from './chaos';
import { chaosFunctionsOf } from './chaos-config';
import { localControl } from './control';
import { type Emulator, projectRoot, startDynamoDbLocal, startFauxqs, startRedisServer } from './emulators';
import { startLocalEventBus } from './event-bus';
import { type LocalRoute, startHttpApi } from './http-api';
import { startLocalLambdaApi } from './lambda-api';
import type { LocalFunction } from './lambda-runtime';
import { stopInOrder } from './lifetime';
import { nodeForRuntime } from './node-runtime';
import { hasRedisServer, REDIS_SERVER_NEEDED } from './prerequisites';
import { provisionEventBuses } from './provision/event-buses';
import { type LocalEventSource, provisionEventSources } from './provision/event-sources';
import { provisionFunctions } from './provision/functions';
import { provisionQueues } from './provision/queues';
import { provisionRoutes } from './provision/routes';
import { type LocalSchedule, readSchedules, startSchedules } from './provision/schedules';
import { registerStandIns } from './provision/stand-ins';
import { provisionTables } from './provision/tables';
import { startLocalScheduler } from './scheduler';
import { startLocalSecretsManager } from './secrets-manager';
import { startServiceProxy } from './service-proxy';
import type { AdminCredentials } from './sigv4';
import { LOCAL_UPSTASH_SECRET, synthesize } from './synth';
import {
  admissionModeOf,
  LOCAL_REGION,
  loadStack,
  nodeRuntimes,
  notRunLocally,
  type PhysicalResource,
  resourcesOfType,
  selectInstance,
} from './template';
import { startUpstashBridge } from './upstash-bridge';
import { startLocalWebPages } from './web-pages';

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
  /**
   * Skip `cdk synth` and run the assembly already in cdkOut (`fcfs-coupon-local --app`), in the admission mode its
   * functions were synthesized for. @default false
   */
  readonly skipSynth?: boolean;
  /** The stack of cdkOut to run. @default - its only stack; several need a name */
  readonly stackName?: string;
  /**
   * The FcfsCoupon of the stack to run, by its logical-id prefix (`OutletCoupons`); the others are left out.
   * @default - the stack's only one; several need a name
   */
  readonly construct?: string;
  /**
   * Execution environments per function (Lambda concurrency), unless the template reserves fewer.
   * @default two per core, 4 to 16 (LOCAL_LAMBDA_CONCURRENCY; DEFAULT_FUNCTION_CONCURRENCY in tools/local/provision/functions.ts)
   */
  readonly functionConcurrency?: number;
  /** Faults injected from the start (LOCAL_CLOUD_CHAOS); see tools/local/chaos-config.ts; a refused one fails the start. @default {} */
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

/**
 * How a function is triggered: its API routes (`METHOD /path`), its event sources (queues, or tables whose streams
 * it reads, by logical id; `eventSource` the first) and its schedule.
 */
interface FunctionDescription {
  schedule?: string;
  routes?: string[];
  eventSource?: string;
  eventSources?: string[];
}

/** What `.local/endpoints.json` holds. */
export interface LocalEndpoints {
  apiUrl: string;
  region: string;
  /** DynamoDB Local itself (the functions reach it through a proxy where chaos is injected). */
  dynamodbEndpoint: string;
  /** The SQS emulator behind a proxy without faults (the functions use another, where chaos is injected). */
  sqsEndpoint: string;
  /** The local event bus without faults (the functions use a proxy where chaos is injected); see `/_local/events`. */
  eventBridgeEndpoint: string;
  /**
   * The Upstash REST bridge to redis-server without faults, and its token (Redis mode; the functions use another
   * bridge, where chaos is injected, with the same token).
   */
  redisRestUrl: string | null;
  redisRestToken: string | null;
  admissionMode: AdmissionMode;
  /** Table name by logical id. */
  tables: Record<string, string>;
  /** Queue URL by logical id. */
  queues: Record<string, string>;
  /** By logical id. */
  functions: Record<string, FunctionDescription>;
  /**
   * How user routes authenticate: `jwt` (bearer tokens from the local issuer: `POST tokenUrl {"sub"}`) or `none`
   * (the stack was synthesized with auth=none).
   */
  auth: { mode: FunctionAuthMode; issuer?: string; audience?: string[]; tokenUrl?: string; jwksUrl?: string };
  /** SigV4 credentials of the local admin, for the IAM-authorized admin routes (generated at every start). */
  adminCredentials: AdminCredentials;
  /**
   * SigV4 credentials of the local checkout, for the IAM-authorized checkout routes (generated at every start;
   * refused on the admin routes, as the admin's are on the checkout routes).
   */
  checkoutCredentials: AdminCredentials;
}

/** A running local cloud. */
export interface LocalCloud {
  readonly endpoints: LocalEndpoints;
  readonly endpointsFile: string;
  stop(): Promise<void>;
}

/** Each function's triggers, in the order of the template's functions. */
function describeFunctions(
  functions: Record<string, LocalFunction>,
  routes: readonly LocalRoute[],
  eventSources: readonly LocalEventSource[],
  schedules: readonly LocalSchedule[],
): Record<string, FunctionDescription> {
  const described: Record<string, FunctionDescription> = {};
  for (const id of Object.keys(functions)) described[id] = {};
  for (const { functionLogicalId: id, routeKey } of routes) {
    described[id] = { ...described[id], routes: [...(described[id]?.routes ?? []), routeKey] };
  }
  for (const { functionLogicalId: id, sourceLogicalId } of eventSources) {
    const all = [...(described[id]?.eventSources ?? []), sourceLogicalId];
    described[id] = { ...described[id], eventSource: all[0], ...(all.length > 1 ? { eventSources: all } : {}) };
  }
  for (const { functionLogicalId: id, expression } of schedules)
    described[id] = { ...described[id], schedule: expression };
  return described;
}

/**
 * Runs the synthesized stack locally: DynamoDB Local with the template's tables, fauxqs with its queues and
 * redrive policies, redis-server behind an Upstash REST bridge (Redis mode), each function's bundle in its own
 * worker with its template environment, the HTTP API routes, the SQS and DynamoDB stream event source mappings,
 * an EventBridge PutEvents stand-in for the template's buses and the schedules.
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
  // An assembly synthesized elsewhere runs in the mode it was synthesized for, with the secret name it reads.
  const synthesized = options.skipSynth
    ? admissionModeOf(selectInstance(loadStack(cdkOut, options.stackName), options.construct).stack)
    : undefined;
  if (synthesized && options.admissionMode && synthesized.mode !== options.admissionMode) {
    throw new Error(`${cdkOut} was synthesized for ${synthesized.mode} admission, not ${options.admissionMode}`);
  }
  const requested = options.admissionMode ?? synthesized?.mode;
  // Asked for by name: running DynamoDB mode instead would pass off one mode's results as the other's.
  if (requested === 'redis' && !redisServer) throw new Error(REDIS_SERVER_NEEDED);
  const mode: AdmissionMode = requested ?? (redisServer ? 'redis' : 'dynamodb');
  if (!requested && !redisServer) log('redis-server is not on PATH: running DynamoDB admission mode');
  log(`admission mode: ${mode}${requested ? '' : ' (set ADMISSION_MODE=dynamodb|redis to choose)'}`);
  const upstashSecretId = synthesized?.upstashSecretId ?? LOCAL_UPSTASH_SECRET;

  if (!options.skipSynth) {
    log(`synthesizing the CDK app into ${path.relative(projectRoot, cdkOut) || cdkOut} ...`);
    synthesize(cdkOut, mode, options.context);
  }
  const selected = selectInstance(loadStack(cdkOut, options.stackName), options.construct);
  const { stack } = selected;
  // Before any emulator starts: a refused LOCAL_CLOUD_CHAOS fails the start with nothing to clean up.
  const chaos = new Chaos(options.chaos ?? {}, Math.random, chaosFunctionsOf(stack));
  if (selected.leftOut.length > 0) {
    log(`running FcfsCoupon ${selected.instance}; left out: ${selected.leftOut.join(', ')} (choose with --construct)`);
  }
  // Each function runs on its runtime's Node.js major; none found fails the start before any emulator starts.
  for (const runtime of nodeRuntimes(stack)) {
    const node = nodeForRuntime(runtime);
    if (node !== process.execPath) {
      log(`functions of ${runtime} run on ${node} (the local cloud itself on Node.js ${process.versions.node})`);
    }
  }
  const skipped = notRunLocally(stack);
  if (skipped.length > 0) log(`not run locally (the rest runs): ${skipped.join(', ')}`);

  const stoppers: (() => Promise<void>)[] = [];
  // In reverse order of starting, each part waited for a while and the whole within a budget
  // (tools/local/lifetime.ts stopInOrder): CI once saw the emulators still running 40 s after SIGINT under load.
  const stopAll = async () => {
    await stopInOrder(stoppers.reverse());
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

    // As with SQS: the functions reach Redis through a bridge where faults are injected, the cloud's own clients
    // (endpoints.json: tests' probes, tools) through one without, so they can read the state during a fault.
    const token = randomBytes(24).toString('base64url');
    const functionBridge = redis ? await startUpstashBridge({ redisPort: redis.port, token, chaos }) : undefined;
    if (functionBridge) stoppers.push(functionBridge.stop);
    const bridge = redis ? await startUpstashBridge({ redisPort: redis.port, token }) : undefined;
    if (bridge) stoppers.push(bridge.stop);
    // The stack's own secrets (the proof-of-work key): a random value each, named by logical id.
    const generatedSecrets = Object.fromEntries(
      resourcesOfType(stack, 'AWS::SecretsManager::Secret').map(([logicalId]) => [
        `local/${logicalId}`,
        randomBytes(48).toString('base64url'),
      ]),
    );
    const secrets = await startLocalSecretsManager({
      ...generatedSecrets,
      ...(functionBridge
        ? { [upstashSecretId]: JSON.stringify({ url: functionBridge.url, token: functionBridge.token }) }
        : {}),
    });
    stoppers.push(secrets.stop);

    // Pre-warming: the admin function's schedules and the applier's provisioned concurrency.
    const scheduler = await startLocalScheduler(log);
    const lambdaApi = await startLocalLambdaApi(log);
    stoppers.push(scheduler.stop, lambdaApi.stop);

    const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
    const dynamoClient = new DynamoDBClient({ endpoint: dynamo.endpoint, region: LOCAL_REGION, credentials });
    const sqsClient = new SQSClient({ endpoint: sqsProxy.endpoint, region: LOCAL_REGION, credentials });
    stoppers.push(async () => {
      dynamoClient.destroy();
      sqsClient.destroy();
    });

    // Each provisioner records what it created in `physical`, which later ones resolve their references against.
    const physical: Record<string, PhysicalResource> = {};
    for (const name of Object.keys(generatedSecrets)) {
      physical[name.slice('local/'.length)] = { ref: name, attributes: {} };
    }
    const tables = await provisionTables(stack, dynamoClient, physical);
    // The domain events' bus: the publisher reaches it through a chaos proxy, as the other services.
    const { buses, rules } = provisionEventBuses(stack, physical);
    const eventBus = await startLocalEventBus({ buses, rules, log });
    stoppers.push(eventBus.stop);
    const functionEvents = await startServiceProxy({
      target: eventBus.endpoint,
      chaos: { chaos, service: 'eventbridge' },
    });
    stoppers.push(functionEvents.stop);
    const queues = await provisionQueues(stack, sqsClient, physical, {
      setupEndpoint: sqsProxy.endpoint,
      functionEndpoint: functionSqs.endpoint,
      visibilityTimeoutS: options.queueVisibilityTimeoutS,
    });
    registerStandIns(stack, physical);
    const functions = provisionFunctions(stack, physical, {
      cdkOut,
      logDir,
      concurrency: options.functionConcurrency,
      credentials,
      endpoints: {
        dynamodb: functionDynamo.endpoint,
        sqs: functionSqs.endpoint,
        secretsManager: secrets.endpoint,
        scheduler: scheduler.endpoint,
        lambda: lambdaApi.endpoint,
        eventBridge: functionEvents.endpoint,
      },
      chaos,
    });
    scheduler.bind(functions);
    lambdaApi.bind(functions);
    // The functions' workers stop side by side: one part, not one per function.
    stoppers.push(async () => {
      await Promise.all(Object.values(functions).map((fn) => fn.stop()));
    });
    const { routes, issuer, adminCredentials, checkoutCredentials, authorize } = await provisionRoutes(stack, physical);
    const streamsClient = new DynamoDBStreamsClient({ endpoint: dynamo.endpoint, region: LOCAL_REGION, credentials });
    stoppers.push(async () => streamsClient.destroy());
    const eventSources = provisionEventSources(
      stack,
      { sqs: sqsClient, streams: streamsClient },
      functions,
      physical,
      queues,
    );
    const pollers = eventSources.map((source) => source.poller);
    const schedules = readSchedules(stack, functions, log);

    // The console and the drop page, on the API's port (same origin: no CORS).
    const webPages = await startLocalWebPages({
      region: LOCAL_REGION,
      localIssuer: issuer !== undefined,
      adminCredentials,
    });
    const control = localControl({ functions, issuer, chaos, pollers, log, scheduler, lambdaApi, eventBus });

    const apiLog = createWriteStream(path.join(logDir, 'http-api.log'), { flags: 'a' });
    stoppers.push(async () => {
      apiLog.end();
    });
    const api = await startHttpApi({
      port: options.port ?? 3000,
      routes,
      functions,
      authorize,
      onInvokeError: (id, error) =>
        apiLog.write(
          `${JSON.stringify({ level: 'ERROR', function: id, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) })}\n`,
        ),
      control: async (req, body, res) => (await webPages(req, body, res)) || control(req, body, res),
    });
    stoppers.push(api.stop);

    for (const poller of pollers) poller.start();
    stoppers.push(async () => {
      await Promise.all(pollers.map((p) => p.stop()));
    });
    stoppers.push(startSchedules(schedules, functions));

    const endpoints: LocalEndpoints = {
      apiUrl: api.url,
      region: LOCAL_REGION,
      dynamodbEndpoint: dynamo.endpoint,
      sqsEndpoint: sqsProxy.endpoint,
      eventBridgeEndpoint: eventBus.endpoint,
      redisRestUrl: bridge?.url ?? null,
      redisRestToken: bridge?.token ?? null,
      admissionMode: mode,
      tables,
      queues,
      functions: describeFunctions(functions, routes, eventSources, schedules),
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
      checkoutCredentials,
    };
    const endpointsFile = path.join(stateDir, 'endpoints.json');
    // Holds the admin's and the checkout's secret keys: readable by this user only.
    writeFileSync(endpointsFile, `${JSON.stringify(endpoints, null, 2)}\n`, { mode: 0o600 });
    return { endpoints, endpointsFile, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
