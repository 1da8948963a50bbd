import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
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
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct, type IConstruct } from 'constructs';
import type { WebConfig } from '../web/config';
import { WEB_PAGES, type WebPage } from '../web/pages';
import { acknowledge } from './acknowledge';
import { builtPages, contentSecurityPolicy, VIEWER_REQUEST_CODE } from './console-pages';

/** How long CloudFront keeps a page's `index.html` and `config.json`, s: a change shows within a minute anyway. */
export const PAGE_CACHE_SECONDS = 60;

/**
 * How long CloudFront keeps the pages' scripts and styles, s. Their names carry no content hash (`main.js`), so
 * every deployment invalidates the distribution (`/*`) and browsers revalidate them (`Cache-Control: no-cache`).
 */
export const ASSET_CACHE_SECONDS = 86_400;

/** Path patterns of the pages' bundles (esbuild writes `main.js`, and `main.css` when a page imports CSS). */
const ASSET_PATH_PATTERNS = ['*.js', '*.css'];

/** Props of {@link CouponConsole}. */
export interface CouponConsoleProps {
  /**
   * Sources (`https://host`, wildcards allowed) the pages may call besides their own origin: the API, the edge
   * distribution and Cognito. They make the Content-Security-Policy's `connect-src` (`connectSources` in
   * console-pages.ts builds them).
   */
  readonly connectSources: readonly string[];
  /**
   * Sources (`https://host`, wildcards allowed) the pages may load scripts from and call besides their own origin:
   * WAF's JavaScript integration with botDefense (`WAF_INTEGRATION_SOURCE` in console-pages.ts).
   * @default - scripts from the pages' origin only
   */
  readonly scriptSources?: readonly string[];
  /**
   * Sources (`https://host`, wildcards allowed) WAF's CAPTCHA puzzle may load images, audio, styles and frames
   * from, with botDefense `captcha` (`WAF_INTEGRATION_SOURCE` in console-pages.ts).
   * @default - no puzzle sources
   */
  readonly puzzleSources?: readonly string[];
}

/**
 * The operator console (`/console/`) and the example drop page (`/drop/`) on AWS: a private S3 bucket (public
 * access blocked, TLS only, S3-managed encryption, no website hosting) read by a CloudFront distribution through
 * origin access control only; HTTPS (HTTP redirects), security headers with a strict CSP, pages and `config.json`
 * cached `PAGE_CACHE_SECONDS` s and bundles `ASSET_CACHE_SECONDS` s at the edge, invalidated on every
 * deployment.
 *
 * Built in two steps so the API can allow this origin by CORS before the pages' `config.json` names the API:
 * construct it (the bucket and distribution; {@link origin} is known), build the API, then {@link publish}.
 */
export class CouponConsole extends Construct {
  /** Holds the built pages and their `config.json`; CloudFront is its only reader. */
  readonly bucket: Bucket;
  /** Serves the bucket over HTTPS with the security headers; its domain is the pages' origin. */
  readonly distribution: Distribution;
  private published?: BucketDeployment;

  /** Uploads the pages and configs, then invalidates the distribution; undefined before {@link publish}. */
  get deployment(): BucketDeployment | undefined {
    return this.published;
  }

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
        contentSecurityPolicy: {
          contentSecurityPolicy: contentSecurityPolicy(props.connectSources, props.scriptSources, props.puzzleSources),
          override: true,
        },
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
   * Uploads the built pages (`builtPages`) and each page's `config.json` (`<page>/config.json`, tokens
   * resolved at deploy), deletes what the build no longer has, and invalidates the distribution.
   * @throws Error when called twice.
   */
  publish(configs: Readonly<Record<WebPage, WebConfig>>): BucketDeployment {
    if (this.published) throw new Error('CouponConsole.publish: the pages are already published');
    const deployment = new BucketDeployment(this, 'Pages', {
      destinationBucket: this.bucket,
      sources: [builtPages(), ...WEB_PAGES.map((page) => Source.jsonData(`${page}/config.json`, configs[page]))],
      distribution: this.distribution,
      distributionPaths: ['/*'],
      memoryLimit: 256,
    });
    // The deployment's handler is a singleton of the stack (its role's scope), written and updated by aws-cdk-lib.
    const handler = deployment.handlerRole.node.scope as IConstruct;
    const cdkManaged = 'CDK BucketDeployment handler: aws-cdk-lib picks and updates its runtime with each release.';
    acknowledge(handler, 'AwsSolutions', {
      'AwsSolutions-L1': cdkManaged,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]':
        'The deployment handler writes its own logs only: the AWS managed basic execution policy is that grant.',
      ...Object.fromEntries(
        this.deploymentWildcards(deployment).map((finding) => [
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
    this.published = deployment;
    return deployment;
  }

  /** The wildcard findings (cdk-nag's rendering) of the grants BucketDeployment gives its handler. */
  private deploymentWildcards(deployment: BucketDeployment): string[] {
    const stack = Stack.of(this);
    // cdk-nag renders `${AWS::AccountId}` in an ARN as `<AWS::AccountId>`, and a resource's Arn as `<LogicalId.Arn>`.
    const render = (value: unknown): string => {
      const resolved = stack.resolve(value) as string | { 'Fn::Sub': string };
      return (typeof resolved === 'string' ? resolved : resolved['Fn::Sub']).replace(/\$\{([^}]+)\}/g, '<$1>');
    };
    const asset = deployment.node.findAll().find((c): c is Asset => c instanceof Asset);
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
