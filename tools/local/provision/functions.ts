import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import type { Chaos } from '../chaos';
import { LocalFunction, type LocalFunctionSpec } from '../lambda-runtime';
import { nodeForRuntime } from '../node-runtime';
import {
  isNodeFunction,
  LOCAL_ACCOUNT,
  LOCAL_REGION,
  type PhysicalResource,
  type Resource,
  resolveIntrinsics,
  resourcesOfType,
  type SynthesizedStack,
} from '../template';

/**
 * Execution environments per function when neither the template nor the caller says: two per core, at least 4
 * and at most 16. On AWS each environment brings its own CPU; here they share the machine's cores, and each one
 * beyond what the cores can run only adds a cold start and context switches, and spreads the requests so thin
 * that no environment's code gets warm: function CPU per request grows with the count (figures in BENCHMARKS.md,
 * "End to end").
 */
export const DEFAULT_FUNCTION_CONCURRENCY = Math.min(16, Math.max(4, 2 * availableParallelism()));

/** Options of {@link provisionFunctions}. */
export interface FunctionOptions {
  /** The cloud assembly the bundles are read from. */
  readonly cdkOut: string;
  /** Each function logs to `<logDir>/<logical id>.log`. */
  readonly logDir: string;
  /** Execution environments per function unless the template reserves fewer. @default DEFAULT_FUNCTION_CONCURRENCY */
  readonly concurrency?: number;
  /** Static credentials every function uses (the emulators accept any). */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Where the functions reach the backends (`AWS_ENDPOINT_URL_*`): the chaos proxies and the local stand-ins. */
  readonly endpoints: {
    readonly dynamodb: string;
    readonly sqs: string;
    readonly secretsManager: string;
    /** The local Scheduler (tools/local/scheduler.ts), for the admin function's pre-warm schedules. */
    readonly scheduler?: string;
    /** The local Lambda API (tools/local/lambda-api.ts), for the pre-warm applier. */
    readonly lambda?: string;
    /** The local event bus (tools/local/event-bus.ts) behind its chaos proxy, for the events publisher. */
    readonly eventBridge?: string;
  };
  /** Faults injected into the execution environments. */
  readonly chaos: Chaos;
}

/**
 * The folder of `fn`'s code in `cdkOut`: the `aws:asset:path` metadata `cdk synth` writes, else (an app run
 * without the CLI, which writes no asset metadata) the staged asset its `Code.S3Key` (`<hash>.zip`) names.
 */
function assetPathOf(fn: Resource, cdkOut: string): string | undefined {
  const fromMetadata = fn.Metadata?.['aws:asset:path'];
  if (typeof fromMetadata === 'string') return fromMetadata;
  const key = (fn.Properties?.Code as { S3Key?: unknown } | undefined)?.S3Key;
  const staged = typeof key === 'string' ? `asset.${key.replace(/\.zip$/, '')}` : undefined;
  return staged && existsSync(path.join(cdkOut, staged)) ? staged : undefined;
}

/**
 * Records every AWS::Lambda::Function's name and ARN in `physical`, then builds each one's local runtime: its
 * bundle from cdkOut, handler, Runtime (run on a Node.js binary of its major: tools/local/node-runtime.ts), Timeout
 * (s, default 3), MemorySize (MB, default 128), reserved concurrency, and its
 * template environment with intrinsics resolved against `physical`, plus the variables Lambda sets and the local
 * endpoints. No environment starts until the first invocation.
 * @returns the functions by logical id.
 * @throws Error when a function has no bundled asset, no Node.js of its runtime's major is found
 *   (tools/local/node-runtime.ts), or an environment variable references an unknown resource.
 */
export function provisionFunctions(
  stack: SynthesizedStack,
  physical: Record<string, PhysicalResource>,
  options: FunctionOptions,
): Record<string, LocalFunction> {
  // Node.js functions only: the others (CDK's Python custom resources) are reported by notRunLocally.
  const functionDefs = resourcesOfType(stack, 'AWS::Lambda::Function').filter(([, fn]) => isNodeFunction(fn));
  for (const [id, fn] of functionDefs) {
    const name = (fn.Properties?.FunctionName as string | undefined) ?? id;
    physical[id] = {
      ref: name,
      attributes: { Arn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${name}` },
    };
  }
  // Every spec is resolved before any runtime exists: a bad one fails the start with nothing to clean up.
  const specs = functionDefs.map(([id, fn]): LocalFunctionSpec => {
    const p = fn.Properties ?? {};
    const assetPath = assetPathOf(fn, options.cdkOut);
    if (!assetPath) throw new Error(`function ${id} has no bundled asset in ${options.cdkOut}`);
    const variables = resolveIntrinsics(
      (p.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {},
      physical,
    ) as Record<string, unknown>;
    const name = physical[id]?.ref as string;
    const memory = Number(p.MemorySize ?? 128);
    const runtime = String(p.Runtime);
    return {
      logicalId: id,
      functionName: name,
      arn: physical[id]?.attributes.Arn as string,
      codeDir: path.join(options.cdkOut, assetPath),
      handler: String(p.Handler ?? 'index.handler'),
      node: nodeForRuntime(runtime),
      timeoutS: Number(p.Timeout ?? 3),
      memoryMb: memory,
      logFile: path.join(options.logDir, `${id}.log`),
      maxConcurrency: Number(
        (p.ReservedConcurrentExecutions as number | undefined) ?? options.concurrency ?? DEFAULT_FUNCTION_CONCURRENCY,
      ),
      environment: {
        ...Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, String(v)])),
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        TZ: 'UTC',
        AWS_REGION: LOCAL_REGION,
        AWS_DEFAULT_REGION: LOCAL_REGION,
        AWS_ACCESS_KEY_ID: options.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: options.credentials.secretAccessKey,
        AWS_ENDPOINT_URL_DYNAMODB: options.endpoints.dynamodb,
        AWS_ENDPOINT_URL_SQS: options.endpoints.sqs,
        AWS_ENDPOINT_URL_SECRETS_MANAGER: options.endpoints.secretsManager,
        ...(options.endpoints.scheduler ? { AWS_ENDPOINT_URL_SCHEDULER: options.endpoints.scheduler } : {}),
        ...(options.endpoints.lambda ? { AWS_ENDPOINT_URL_LAMBDA: options.endpoints.lambda } : {}),
        ...(options.endpoints.eventBridge ? { AWS_ENDPOINT_URL_EVENTBRIDGE: options.endpoints.eventBridge } : {}),
        AWS_LAMBDA_FUNCTION_NAME: name,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memory),
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_EXECUTION_ENV: `AWS_Lambda_${runtime}`,
        AWS_SDK_JS_SUPPRESS_NODEJS_VERSION_WARNING: '1',
      },
    };
  });
  return Object.fromEntries(specs.map((spec) => [spec.logicalId, new LocalFunction(spec, options.chaos)]));
}
