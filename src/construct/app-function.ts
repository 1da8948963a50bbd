import * as path from 'node:path';
import { type Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { ESM_REQUIRE_BANNER } from '../functions/bundling/esm-banner';
import { acknowledge } from './acknowledge';

/**
 * Replaces the SDK's default Node credential chain in every bundle: Lambda provides credentials in environment
 * variables only (see lambdas/bundling/lambda-credentials.ts).
 */
const LAMBDA_CREDENTIALS = path.join(__dirname, '..', 'functions', 'bundling', 'lambda-credentials.ts');

/** Props of {@link AppFunction}. */
export interface AppFunctionProps {
  /** Handler file name under `lambdas/handlers/`, without extension, e.g. `issue-coupon`. */
  readonly handler: string;
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
  /**
   * Bundle the SDK's event-stream serde (`@smithy/core/event-streams`, about 20 KB), for a client that loads it at
   * init: the Lambda client does, for its response-streaming operations.
   * @default false - left out: the other clients load it only for an operation that streams events, none of which
   * this project calls
   */
  readonly bundleEventStreams?: boolean;
  /**
   * Build an ES module from `lambdas/handlers/<handler>.entry.mjs` (`index.mjs`), whose top-level `await` of the
   * handler's `init()` Lambda's Node.js runtime awaits during INIT: how a provisioned environment finishes its
   * warm-up before it counts as ready
   * (https://aws.amazon.com/blogs/compute/using-node-js-es-modules-and-top-level-await-in-aws-lambda/).
   * A `createRequire` banner lets the bundled CommonJS dependencies `require` Node's built-ins.
   * @default false - CommonJS from `lambdas/handlers/<handler>.ts` (`index.js`); INIT does module code only
   */
  readonly awaitInit?: boolean;
}

/**
 * A Lambda function with the project's defaults: Node.js 22 on arm64, bundled by esbuild (minified, with source
 * maps and the AWS SDK bundled in, so what runs locally from cdk.out is what deploys; ES module builds and an
 * environment-only credential provider keep every bundle under the size limit of test/infra/bundle-size.test.ts), X-Ray tracing, a log
 * group with explicit retention, and the Powertools service name set to the handler name.
 * Its role starts empty but for writing its own log group (not the AWSLambdaBasicExecutionRole managed policy,
 * which reaches every log group of the account); callers grant the rest.
 */
export class AppFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: AppFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new Role(scope, `${id}Role`, { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    logGroup.grantWrite(role);
    super(scope, id, {
      role,
      entry: path.join(
        __dirname,
        '..',
        'functions',
        'handlers',
        props.awaitInit ? `${props.handler}.entry.mjs` : `${props.handler}.ts`,
      ),
      handler: 'handler',
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      timeout: props.timeout,
      memorySize: props.memorySize ?? 512,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      tracing: Tracing.ACTIVE,
      logGroup,
      // No NODE_OPTIONS=--enable-source-maps: Node would parse the whole map at module load, lengthening every cold
      // start (BENCHMARKS.md, "Cold start"). The maps are still deployed next to each bundle,
      // to decode a stack trace offline or to switch them on while debugging.
      environment: {
        POWERTOOLS_SERVICE_NAME: props.handler,
        ...props.environment,
      },
      bundling: {
        minify: true,
        sourceMap: true,
        target: 'node22',
        format: props.awaitInit ? OutputFormat.ESM : OutputFormat.CJS,
        ...(props.awaitInit ? { banner: ESM_REQUIRE_BANNER } : {}),
        // Everything is bundled but the SDK's event-stream serde (about 20 KB): HttpProtocol loads it with import()
        // only for an operation that streams events, which none of DynamoDB, SQS or Secrets Manager's calls here
        // does. Left out, that import() is a require() never reached; were it reached on Lambda, it would be
        // resolved from the runtime's own SDK, of another version. A client that loads it at init (Lambda's)
        // needs `bundleEventStreams` (test/infra/bundle-size.test.ts loads every bundle without node_modules).
        externalModules: props.bundleEventStreams ? [] : ['@smithy/core/event-streams'],
        // ES module builds first: the AWS SDK's CommonJS builds require whole barrels that esbuild cannot
        // tree-shake (BENCHMARKS.md has the sizes either way).
        mainFields: ['module', 'main'],
        esbuildArgs: {
          '--alias:@aws-sdk/credential-provider-node': LAMBDA_CREDENTIALS,
          // The ES builds load node:http lazily with import(); as require() the bundle is plain CommonJS, which
          // the local runtime's V8 code cache (vm.Script) can run.
          '--supported:dynamic-import': 'false',
        },
      },
    });
    const runtimeReason = 'Node.js 22 is the runtime this project targets and tests (bundles are built for node22).';
    acknowledge(this, 'AwsSolutions', { 'AwsSolutions-L1': runtimeReason });
    acknowledge(this, 'Serverless', { 'Serverless-LambdaLatestVersion': runtimeReason });
    acknowledge(role, 'AwsSolutions', {
      'AwsSolutions-IAM5[Resource::*]':
        'X-Ray PutTraceSegments and PutTelemetryRecords support no resource-level permissions (tracing is active).',
    });
  }
}
