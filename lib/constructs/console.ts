import * as path from 'node:path';
import { AssetHashType, DockerImage, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  CacheCookieBehavior,
  CacheHeaderBehavior,
  CachePolicy,
  CacheQueryStringBehavior,
  Distribution,
  Function as EdgeFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption, type CfnBucket, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { BucketDeployment, type ISource, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct, type IConstruct } from 'constructs';
import { buildWebPagesSync, WEB_PAGES, type WebPage } from '../../web/build';
import type { WebConfig, WebUserAuth } from '../../web/config';
import { acknowledge } from './acknowledge';

/** How long CloudFront keeps a page's `index.html` and `config.json`, s: a change shows within a minute anyway. */
export const PAGE_CACHE_SECONDS = 60;

/**
 * How long CloudFront keeps the pages' scripts and styles, s. Their names carry no content hash (`main.js`), so
 * every deployment invalidates the distribution (`/*`) and browsers revalidate them (`Cache-Control: no-cache`).
 */
export const ASSET_CACHE_SECONDS = 86_400;

/** Path patterns of the pages' bundles (esbuild writes `main.js`, and `main.css` when a page imports CSS). */
const ASSET_PATH_PATTERNS = ['*.js', '*.css'];

/**
 * The viewer-request CloudFront Function (cloudfront-js-2.0) of the pages' default behaviour: `/` redirects (302)
 * to `/console/`, `/console` and `/drop` (301) to their folder so that the pages' relative URLs (`./main.js`,
 * `./config.json`) resolve, each keeping its query string (`/drop?campaign=...`); a path ending in `/` is served
 * its `index.html` (the bucket is no website endpoint, so S3 resolves no index document).
 */
export const VIEWER_REQUEST_CODE = `function handler(event) {
  var request = event.request;
  var uri = request.uri;
  var pages = ${JSON.stringify(WEB_PAGES.map((p) => `/${p}`))};
  if (uri === '/' || pages.indexOf(uri) !== -1) {
    var qs = request.querystring;
    var pairs = [];
    Object.keys(qs).forEach(function (name) {
      var values = qs[name].multiValue ? qs[name].multiValue : [qs[name]];
      values.forEach(function (v) { pairs.push(v.value === '' ? name : name + '=' + v.value); });
    });
    var location = (uri === '/' ? '/console/' : uri + '/') + (pairs.length ? '?' + pairs.join('&') : '');
    return {
      statusCode: uri === '/' ? 302 : 301,
      statusDescription: uri === '/' ? 'Found' : 'Moved Permanently',
      headers: { location: { value: location } },
    };
  }
  if (uri.charAt(uri.length - 1) === '/') request.uri = uri + 'index.html';
  return request;
}`;

/** Where the pages find the stack's API and sign-in, for {@link pageConfigs}. */
export interface PageEndpoints {
  /** The HTTP API's execute-api URL: the console signs admin calls for its Host. */
  readonly apiUrl: string;
  /** The WAF distribution's URL (wafRateLimit), which visitors must call. @default - visitors call `apiUrl` */
  readonly protectedApiUrl?: string;
  /** The distribution caching the count (edge or WAF). @default - the count is read from `apiUrl` */
  readonly countUrl?: string;
  /** The API's region, for SigV4. */
  readonly region: string;
  readonly userAuth: WebUserAuth;
}

/**
 * Each page's `config.json` (web/config.ts): the console calls the execute-api URL (a SigV4 signature covers the
 * Host header, which CloudFront replaces); the drop page calls the WAF distribution when there is one; both read
 * the count from the caching distribution when there is one. Never admin credentials: the operator pastes them.
 */
export function pageConfigs(endpoints: PageEndpoints): Record<WebPage, WebConfig> {
  const { apiUrl, region, userAuth } = endpoints;
  const countUrl = endpoints.countUrl ?? apiUrl;
  return {
    console: { apiUrl, countUrl, region, userAuth },
    drop: { apiUrl: endpoints.protectedApiUrl ?? apiUrl, countUrl, region, userAuth },
  };
}

/** Props of {@link CouponConsole}. */
export interface CouponConsoleProps {
  /**
   * Sources (`https://host`, wildcards allowed) the pages may call besides their own origin: the API, the edge
   * distribution and Cognito. They make the Content-Security-Policy's `connect-src`; see {@link connectSources}.
   */
  readonly connectSources: readonly string[];
}

/**
 * The sources the pages call, for the CSP's `connect-src`: any execute-api endpoint and Cognito user pool API of
 * `region`, and any CloudFront distribution (the edge option's count). Wildcards, not the API's own host: the
 * API's CORS names this distribution's domain, so a policy naming the API's id would make CloudFormation's
 * dependency graph a cycle (API -> distribution -> response headers policy -> API).
 * @param cognitoRegion the user pool's region (`cognito-idp.<region>`), when user auth is Cognito.
 */
export function connectSources(scope: IConstruct, cognitoRegion?: string): string[] {
  const { region, urlSuffix } = Stack.of(scope);
  return [
    `https://*.execute-api.${region}.${urlSuffix}`,
    'https://*.cloudfront.net',
    ...(cognitoRegion === undefined ? [] : [`https://cognito-idp.${cognitoRegion}.${urlSuffix}`]),
  ];
}

/**
 * The pages' Content-Security-Policy: scripts from this origin only (the pages are ES modules without inline
 * script), styles from this origin or inline (a page's `<style>`; style cannot run code), calls to this origin
 * and `connect`, no framing, no plugins, no `<base>`.
 */
export function contentSecurityPolicy(connect: readonly string[]): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self' ${connect.join(' ')}`,
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

/**
 * The built pages as a deployment source: `web/build.ts` bundles them with esbuild at synth (no Docker), into
 * `<asset>/console/` and `<asset>/drop/`. The asset is hashed on that output, so a change to any file a page
 * bundles (under `web/` or imported from elsewhere) is a new asset and a new deployment. Stacks whose bundling
 * is skipped (`aws:cdk:bundling-stacks`, as the infra tests set) do not build.
 * @param build writes the pages into the directory it is given; tests replace it.
 */
export function builtPages(build: (outDir: string) => void = buildWebPagesSync): ISource {
  return Source.asset(path.join(__dirname, '..', '..', 'web'), {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      local: {
        tryBundle(outputDir: string): boolean {
          // Throws with esbuild's messages when a page does not compile: a broken page fails the synth.
          build(outputDir);
          return true;
        },
      },
      // Required by the type, never pulled: local bundling above always builds or throws.
      image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:22-slim'),
    },
  });
}

/**
 * The operator console (`/console/`) and the example drop page (`/drop/`) on AWS: a private S3 bucket (public
 * access blocked, TLS only, S3-managed encryption, no website hosting) read by a CloudFront distribution through
 * origin access control only; HTTPS (HTTP redirects), security headers with a strict CSP, pages and `config.json`
 * cached {@link PAGE_CACHE_SECONDS} s and bundles {@link ASSET_CACHE_SECONDS} s at the edge, invalidated on every
 * deployment.
 *
 * Built in two steps so the API can allow this origin by CORS before the pages' `config.json` names the API:
 * construct it (the bucket and distribution; {@link origin} is known), build the API, then {@link publish}.
 */
export class CouponConsole extends Construct {
  /** Holds the built pages and their `config.json`; CloudFront is its only reader. */
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  /** Set by {@link publish}: uploads the pages and configs, then invalidates the distribution. */
  deployment?: BucketDeployment;

  /** The pages' origin, `https://<id>.cloudfront.net`: what the API's CORS allows. */
  get origin(): string {
    return `https://${this.distribution.distributionDomainName}`;
  }

  /** URL of a page, `https://<id>.cloudfront.net/<page>/`. */
  pageUrl(page: WebPage): string {
    return `${this.origin}/${page}/`;
  }

  constructor(scope: Construct, id: string, props: CouponConsoleProps) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Only build output: every deployment writes it again.
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });
    acknowledge(this.bucket, 'AwsSolutions', {
      'AwsSolutions-S1':
        'The bucket holds only the built pages, read by CloudFront alone (origin access control); no access log.',
    });
    const origin = S3BucketOrigin.withOriginAccessControl(this.bucket);
    const securityHeaders = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'FCFS coupon console: CSP, HSTS, no framing, no sniffing; browsers revalidate',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: contentSecurityPolicy(props.connectSources), override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(365),
          includeSubdomains: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
        // The legacy XSS auditor is off, as OWASP advises; the CSP protects instead.
        xssProtection: { protection: false, override: true },
      },
      customHeadersBehavior: {
        customHeaders: [
          // Object names carry no content hash: browsers revalidate (a 304 when unchanged).
          { header: 'Cache-Control', value: 'no-cache', override: true },
          { header: 'Cross-Origin-Opener-Policy', value: 'same-origin', override: true },
          { header: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=()', override: true },
        ],
      },
    });
    const cachePolicy = (policyId: string, seconds: number, comment: string) =>
      new CachePolicy(this, policyId, {
        comment,
        minTtl: Duration.seconds(0),
        defaultTtl: Duration.seconds(seconds),
        maxTtl: Duration.seconds(seconds),
        // The drop page reads its campaign from the query string itself: one cached copy per file.
        queryStringBehavior: CacheQueryStringBehavior.none(),
        headerBehavior: CacheHeaderBehavior.none(),
        cookieBehavior: CacheCookieBehavior.none(),
        enableAcceptEncodingGzip: true,
        enableAcceptEncodingBrotli: true,
      });
    const assets = {
      origin,
      viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      cachePolicy: cachePolicy('AssetCachePolicy', ASSET_CACHE_SECONDS, 'Console bundles; invalidated on deploy'),
      responseHeadersPolicy: securityHeaders,
      compress: true,
    };
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'FCFS coupon operator console and drop page',
      priceClass: PriceClass.PRICE_CLASS_100,
      httpVersion: HttpVersion.HTTP2_AND_3,
      defaultBehavior: {
        origin,
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cachePolicy('PageCachePolicy', PAGE_CACHE_SECONDS, 'Console pages and config.json, 60 s'),
        responseHeadersPolicy: securityHeaders,
        compress: true,
        functionAssociations: [
          {
            eventType: FunctionEventType.VIEWER_REQUEST,
            function: new EdgeFunction(this, 'IndexRewrite', {
              comment: 'Folder URLs of the console and drop pages to their index.html',
              runtime: FunctionRuntime.JS_2_0,
              code: FunctionCode.fromInline(VIEWER_REQUEST_CODE),
            }),
          },
        ],
      },
      additionalBehaviors: Object.fromEntries(ASSET_PATH_PATTERNS.map((pattern) => [pattern, assets])),
    });
    acknowledge(this.distribution, 'AwsSolutions', {
      'AwsSolutions-CFR1': 'Static pages for operators and an example for integrators: no country is excluded.',
      'AwsSolutions-CFR2':
        'Static pages only; every admin call they make is SigV4-signed and authorized by IAM at the API, which has ' +
        'its own throttles (and WAF with wafRateLimit).',
      'AwsSolutions-CFR3': 'Static pages: nothing to audit in their downloads; the API logs every call it serves.',
      'AwsSolutions-CFR4':
        'The default *.cloudfront.net certificate has a fixed TLS floor (CDK ignores minimumProtocolVersion without ' +
        'a certificate); the pages hold no secret and a custom domain can enforce TLS 1.2.',
    });
  }

  /**
   * Uploads the built pages ({@link builtPages}) and each page's `config.json` (`<page>/config.json`, tokens
   * resolved at deploy), deletes what the build no longer has, and invalidates the distribution.
   * @throws Error when called twice.
   */
  publish(configs: Readonly<Record<WebPage, WebConfig>>): BucketDeployment {
    if (this.deployment) throw new Error('CouponConsole.publish: the pages are already published');
    this.deployment = new BucketDeployment(this, 'Pages', {
      destinationBucket: this.bucket,
      sources: [builtPages(), ...WEB_PAGES.map((page) => Source.jsonData(`${page}/config.json`, configs[page]))],
      distribution: this.distribution,
      distributionPaths: ['/*'],
      memoryLimit: 256,
    });
    // The deployment's handler is a singleton of the stack (its role's scope), written and updated by aws-cdk-lib.
    const handler = this.deployment.handlerRole.node.scope as IConstruct;
    const cdkManaged = 'CDK BucketDeployment handler: aws-cdk-lib picks and updates its runtime with each release.';
    acknowledge(handler, 'AwsSolutions', {
      'AwsSolutions-L1': cdkManaged,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]':
        'The deployment handler writes its own logs only: the AWS managed basic execution policy is that grant.',
      ...Object.fromEntries(
        this.deploymentWildcards().map((finding) => [
          `AwsSolutions-IAM5[${finding}]`,
          "CDK's grant to the deployment handler: read the pages' asset (s3:GetObject*, GetBucket*, List* on the " +
            "asset bucket), replace the console bucket's objects (DeleteObject*, Abort* on <bucket>/*), invalidate " +
            'the distribution (CloudFront invalidation actions, Resource *).',
        ]),
      ),
    });
    acknowledge(handler, 'Serverless', {
      'Serverless-LambdaLatestVersion': cdkManaged,
      'Serverless-LambdaDLQ':
        'Invoked synchronously by CloudFormation at deploy time: a failure fails the deployment, nothing is lost.',
      'Serverless-LambdaTracing': 'Runs once per deployment, copying files: nothing to trace.',
    });
    return this.deployment;
  }

  /** The wildcard findings (cdk-nag's rendering) of the grants BucketDeployment gives its handler. */
  private deploymentWildcards(): string[] {
    const stack = Stack.of(this);
    // cdk-nag renders `${AWS::AccountId}` in an ARN as `<AWS::AccountId>`, and a resource's Arn as `<LogicalId.Arn>`.
    const render = (value: unknown): string => {
      const resolved = stack.resolve(value) as string | { 'Fn::Sub': string };
      return (typeof resolved === 'string' ? resolved : resolved['Fn::Sub']).replace(/\$\{([^}]+)\}/g, '<$1>');
    };
    const asset = this.deployment?.node.findAll().find((c): c is Asset => c instanceof Asset);
    const bucketId = stack.getLogicalId(this.bucket.node.defaultChild as CfnBucket);
    return [
      'Action::s3:GetObject*',
      'Action::s3:GetBucket*',
      'Action::s3:List*',
      'Action::s3:DeleteObject*',
      'Action::s3:Abort*',
      'Resource::*',
      `Resource::<${bucketId}.Arn>/*`,
      ...(asset ? [`Resource::arn:<AWS::Partition>:s3:::${render(asset.s3BucketName)}/*`] : []),
    ];
  }
}
