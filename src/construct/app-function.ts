import { type Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  Architecture,
  Code,
  Function as LambdaFunction,
  Runtime,
  RuntimeFamily,
  Tracing,
} from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { HandlerName } from '../contract/names';
import { FUNCTION_NODE_MAJOR } from '../functions/bundling/bundles';
import { acknowledge } from './acknowledge';
import { functionAssetDir } from './assets';

/** Props of {@link AppFunction}. */
export interface AppFunctionProps {
  /** Handler file name under `src/functions/handlers/`, without extension, e.g. `issue-coupon`: its prebuilt bundle is the code. */
  readonly handler: HandlerName;
  /** Hard limit of one invocation. */
  readonly timeout: Duration;
  /** Memory, MB. @default 512 */
  readonly memorySize?: number;
  /** Environment variables; merged with the defaults, never replacing them. @default {} */
  readonly environment?: Record<string, string>;
  /** Log retention. @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /** Concurrency reserved for this function. @default - none: the account's unreserved pool */
  readonly reservedConcurrentExecutions?: number;
}

/**
 * A Lambda function with the project's defaults: Node.js 24 (FUNCTION_NODE_MAJOR) on arm64, its code the handler's bundle prebuilt at
 * package build time (src/construct/assets.ts; tools/build/functions.ts has the esbuild settings, so what runs
 * locally from cdk.out is what deploys), a log group with explicit retention, and the Powertools service name set
 * to the handler name.
 * X-Ray tracing is off (no TracingConfig, so no X-Ray permissions on the role): active tracing without the
 * Powertools Tracer records only Lambda's own segments, paid per trace, and the Tracer (aws-xray-sdk-core) would put
 * every function's bundle over the 450,000-byte goal of test/infra/bundle-size.test.ts (README "Operating a drop",
 * Tracing, has the measured sizes). Logs (request id, cold start) and the EMF metrics are what the dashboard and alarms read.
 * Its role starts empty but for writing its own log group (not the AWSLambdaBasicExecutionRole managed policy,
 * which reaches every log group of the account); callers grant the rest.
 * @throws Error when the handler's bundle has not been built (`npm run build:assets` in a checkout).
 */
export class AppFunction extends LambdaFunction {
  constructor(scope: Construct, id: string, props: AppFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new Role(scope, `${id}Role`, { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    logGroup.grantWrite(role);
    super(scope, id, {
      role,
      code: Code.fromAsset(functionAssetDir(props.handler)),
      handler: 'index.handler',
      runtime: new Runtime(`nodejs${FUNCTION_NODE_MAJOR}.x`, RuntimeFamily.NODEJS, { supportsInlineCode: true }),
      architecture: Architecture.ARM_64,
      timeout: props.timeout,
      memorySize: props.memorySize ?? 512,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      tracing: Tracing.DISABLED,
      logGroup,
      environment: {
        POWERTOOLS_SERVICE_NAME: props.handler,
        ...props.environment,
      },
    });
    const runtimeReason = `Node.js ${FUNCTION_NODE_MAJOR} is the runtime this project targets and tests (FUNCTION_NODE_MAJOR; tools/build/functions.ts builds the bundles for it), pinned so that what is tested is what deploys.`;
    acknowledge(this, 'AwsSolutions', { 'AwsSolutions-L1': runtimeReason });
    acknowledge(this, 'Serverless', {
      'Serverless-LambdaLatestVersion': runtimeReason,
      'Serverless-LambdaTracing':
        'X-Ray is off on purpose: without the Powertools Tracer, active tracing pays per trace for Lambda segments ' +
        'only, and the Tracer would put the bundles over their 450,000-byte goal (README, Tracing); logs and EMF ' +
        'metrics carry the dashboard and the alarms.',
    });
  }
}
