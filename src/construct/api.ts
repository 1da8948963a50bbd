import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  type CfnStage,
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpStage,
  type IHttpRouteAuthorizer,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type HandlerName, PROOF_OF_WORK_HEADER, WINNERS_CSV_HEADERS } from '../contract/names';
import { IAM_AUTHORIZATIONS, ROUTES, type Route, routeKey, THROTTLE_TIERS, type Throttle } from '../contract/routes';
import { acknowledge } from './acknowledge';
import { OPEN_MODE_WARNING } from './user-auth';

/** The stage's default throttle when the construct's props set none: 5,000 requests/s, burst 5,000. */
export const DEFAULT_STAGE_THROTTLE: Throttle = { rateLimit: 5000, burstLimit: 5000 };

/** Props of {@link CouponApi}. */
export interface CouponApiProps {
  /** The function of each handler (HANDLERS); the routes take those their table entries name. */
  readonly functions: Readonly<Record<HandlerName, IFunction>>;
  /** The JWT authorizer of `user` routes; undefined leaves them open (auth=none). */
  readonly userAuthorizer?: IHttpRouteAuthorizer;
  /** Steady-state request rate of the stage (the issue route's limit), requests/s. @default 5000 */
  readonly throttleRateLimit?: number;
  /** Burst capacity of the stage, requests. @default 5000 */
  readonly throttleBurstLimit?: number;
  /** Origins allowed by CORS (checked by the construct's props validation). @default - no CORS */
  readonly corsAllowOrigins?: readonly string[];
  /** The access logs' retention. @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
}

/**
 * Request headers a browser page on an allowed origin may send: a JSON body, a user's bearer token, an admin's
 * SigV4 signature (authorization, x-amz-date, x-amz-security-token for temporary credentials, x-amz-content-sha256:
 * what aws4fetch and the AWS SDK signers set), the AWS WAF token (`x-aws-waf-token`) the drop page sends to the
 * WAF distribution with botDefense (its token cookie belongs to the page's own origin), and a solved proof of work
 * (src/contract/proof-of-work.ts).
 */
export const CORS_ALLOW_HEADERS = [
  'content-type',
  'authorization',
  'x-amz-date',
  'x-amz-security-token',
  'x-amz-content-sha256',
  'x-aws-waf-token',
  PROOF_OF_WORK_HEADER,
] as const;

/**
 * Response headers a page on an allowed origin may read beyond the CORS-safelisted ones: the winners CSV's quota,
 * counts and next-page cursor ({@link WINNERS_CSV_HEADERS}; test/unit/contract/cors-headers.test.ts checks that they
 * are every header the API contract declares) and the CSV's file name (`content-disposition`).
 */
export function corsExposeHeaders(): string[] {
  return ['content-disposition', ...WINNERS_CSV_HEADERS];
}

/** CORS methods: those of the route table. */
const corsMethods = (routes: readonly Route[]) => [...new Set(routes.map((r) => CorsHttpMethod[r.method]))];

/**
 * Per-route throttles of the HTTP API stage by route key (`METHOD /path`), requests/s and burst, from the route
 * table's tiers (src/contract/routes.ts); routes on the `stage` tier take the stage default and are absent.
 */
export function routeThrottles(routes: readonly Route[] = ROUTES): Record<string, Throttle> {
  return Object.fromEntries(
    routes.flatMap((r) => (r.throttle === 'stage' ? [] : [[routeKey(r), THROTTLE_TIERS[r.throttle]]])),
  );
}

const pascal = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

/**
 * The HTTP API: one `$default` stage with throttling (stage default plus per-route tiers) and a JSON access log
 * (client IP, route, status, latency, authorizer error, IAM principal), and every route of the route table
 * (src/contract/routes.ts) with its Lambda integration and authorization: `user` routes behind the JWT
 * authorizer, `admin` and `checkout` routes behind IAM (SigV4), `public` routes open.
 */
export class CouponApi extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  /** The stage's access log. */
  readonly accessLogs: LogGroup;

  constructor(scope: Construct, id: string, props: CouponApiProps) {
    super(scope, id);
    const cors = props.corsAllowOrigins ?? [];
    this.httpApi = new HttpApi(this, 'HttpApi', {
      createDefaultStage: false,
      corsPreflight: cors.length
        ? {
            allowOrigins: [...cors],
            allowMethods: corsMethods(ROUTES),
            allowHeaders: [...CORS_ALLOW_HEADERS],
            exposeHeaders: corsExposeHeaders(),
            maxAge: Duration.hours(1),
          }
        : undefined,
    });
    this.accessLogs = new LogGroup(this, 'ApiAccessLogs', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      autoDeploy: true,
      throttle: {
        rateLimit: props.throttleRateLimit ?? DEFAULT_STAGE_THROTTLE.rateLimit,
        burstLimit: props.throttleBurstLimit ?? DEFAULT_STAGE_THROTTLE.burstLimit,
      },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLength: '$context.responseLength',
            integrationLatency: '$context.integrationLatency',
            authorizerError: '$context.authorizer.error',
            principal: '$context.identity.userArn',
          }),
        ),
      },
    });
    (this.stage.node.defaultChild as CfnStage).routeSettings = Object.fromEntries(
      Object.entries(routeThrottles()).map(([key, t]) => [
        key,
        // RouteSettings is untyped JSON in the L1: CloudFormation's own (Pascal case) names.
        { ThrottlingRateLimit: t.rateLimit, ThrottlingBurstLimit: t.burstLimit },
      ]),
    );
    // IAM authorizes who signed; which IAM routes a signer may call is its policy's (grantAdminInvoke, grantCheckout).
    const iam = new HttpIamAuthorizer();
    for (const route of ROUTES) {
      const authorizer = IAM_AUTHORIZATIONS.includes(route.authorization)
        ? iam
        : route.authorization === 'user'
          ? props.userAuthorizer
          : undefined;
      this.addRoute(route, props.functions[route.handler], authorizer);
    }
  }

  /** The API's invoke URL, `https://{apiId}.execute-api.{region}.amazonaws.com`. */
  get url(): string {
    return this.httpApi.apiEndpoint;
  }

  private addRoute(route: Route, fn: IFunction, authorizer: IHttpRouteAuthorizer | undefined): void {
    const added = this.httpApi.addRoutes({
      path: route.path,
      methods: [HttpMethod[route.method]],
      integration: new HttpLambdaIntegration(`${pascal(route.operation)}Integration`, fn),
      authorizer,
    });
    for (const r of added) {
      // CloudFormation refuses RouteSettings that name a route not created yet ("Unable to find Route by key").
      this.stage.node.addDependency(r);
      if (route.authorization === 'public') {
        acknowledge(r, 'AwsSolutions', { 'AwsSolutions-APIG4': `Public by design: ${route.summary} Route-throttled.` });
      } else if (route.authorization === 'user' && !authorizer) {
        acknowledge(r, 'AwsSolutions', { 'AwsSolutions-APIG4': OPEN_MODE_WARNING });
      }
    }
  }
}
