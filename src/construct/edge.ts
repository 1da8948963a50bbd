import { Duration, Stack } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  AllowedMethods,
  type BehaviorOptions,
  CacheCookieBehavior,
  CacheHeaderBehavior,
  CachePolicy,
  CacheQueryStringBehavior,
  Distribution,
  type DistributionProps,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  PriceClass,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { Construct } from 'constructs';
import { ROUTES } from '../contract/routes';
import { acknowledge } from './acknowledge';

/**
 * How long the edge keeps a count or a campaign's public view, s: the whole crowd polling every second reaches the
 * API once per edge location per second.
 */
export const COUNT_CACHE_SECONDS = 1;

/** A route's path as a CloudFront path pattern: each `{parameter}` becomes `*`. */
const pathPatternOf = (operation: string): string =>
  (ROUTES.find((r) => r.operation === operation)?.path ?? '').replace(/\{[^}]+\}/g, '*');

/** CloudFront path pattern of the count route (`GET /v1/campaigns/{campaignId}/count`, src/contract/routes.ts). */
export const COUNT_PATH_PATTERN = pathPatternOf('getCount');

/**
 * CloudFront path pattern of a campaign's public view (`GET /v1/campaigns/{campaignId}`, src/contract/routes.ts),
 * `/v1/campaigns/*`. CloudFront's `*` also matches `/`, so this pattern would catch the issue route and a user's
 * coupon too: {@link CAMPAIGN_SUBPATH_PATTERN} precedes it, uncached.
 */
export const PUBLIC_CAMPAIGN_PATH_PATTERN = pathPatternOf('getPublicCampaign');

/** Every path below a campaign (its issue route, a user's coupon): the view's pattern and `/*`, matched before the view. */
export const CAMPAIGN_SUBPATH_PATTERN = `${PUBLIC_CAMPAIGN_PATH_PATTERN}/*`;

/**
 * The distribution's behaviours in front of the HTTP API: by default nothing cached and every viewer header but
 * Host forwarded (the Authorization header of user routes included, which CloudFront allows with caching disabled:
 * https://repost.aws/knowledge-center/cloudfront-authorization-header); the count route cached
 * {@link COUNT_CACHE_SECONDS} s with a key of the path and the Origin header (no query string, cookie or other
 * header, so neither a `date` query nor an Authorization header splits or reaches it: the edge serves today's count
 * only). Origin is in the key because the API's CORS answer depends on it: a count cached for one allowed origin
 * (say the console's) must not reach a page on another with the wrong Access-Control-Allow-Origin. A campaign's
 * public view is cached the same way; CloudFront takes the first pattern that matches, in order, so the count
 * comes first, then every other path below a campaign (uncached, as the default), then the view.
 */
export function edgeBehaviors(
  scope: Construct,
  api: HttpApi,
): Pick<DistributionProps, 'defaultBehavior' | 'additionalBehaviors'> {
  const stack = Stack.of(scope);
  const origin = new HttpOrigin(`${api.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`, {
    protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
  });
  const countPolicy = new CachePolicy(scope, 'CountCachePolicy', {
    comment: `A drop page's count and campaign view, ${COUNT_CACHE_SECONDS} s; keyed by path and Origin (CORS)`,
    minTtl: Duration.seconds(0),
    defaultTtl: Duration.seconds(COUNT_CACHE_SECONDS),
    maxTtl: Duration.seconds(COUNT_CACHE_SECONDS),
    queryStringBehavior: CacheQueryStringBehavior.none(),
    headerBehavior: CacheHeaderBehavior.allowList('Origin'),
    cookieBehavior: CacheCookieBehavior.none(),
    enableAcceptEncodingGzip: true,
    enableAcceptEncodingBrotli: true,
  });
  const cached: BehaviorOptions = {
    origin,
    viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
    allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
    cachePolicy: countPolicy,
  };
  const uncached: BehaviorOptions = {
    origin,
    viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
    allowedMethods: AllowedMethods.ALLOW_ALL,
    cachePolicy: CachePolicy.CACHING_DISABLED,
    originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
  };
  return {
    defaultBehavior: uncached,
    // In this order (CloudFront keeps it): the first pattern a path matches decides.
    additionalBehaviors: {
      [COUNT_PATH_PATTERN]: cached,
      [CAMPAIGN_SUBPATH_PATTERN]: uncached,
      [PUBLIC_CAMPAIGN_PATH_PATTERN]: cached,
    },
  };
}

/** Props of {@link CouponEdge}. */
export interface CouponEdgeProps {
  readonly api: HttpApi;
}

/**
 * A CloudFront distribution in front of the HTTP API (any region), caching only the count and a campaign's public view for
 * {@link COUNT_CACHE_SECONDS} s ({@link edgeBehaviors}). With `wafRateLimit` or `botDefense` the construct builds EdgeFirewall
 * instead, whose distribution has the same behaviours behind AWS WAF.
 * Admin calls go to the execute-api URL: CloudFront replaces the Host header that their SigV4 signature covers.
 */
export class CouponEdge extends Construct {
  readonly distribution: Distribution;

  /** The URL clients call, `https://<id>.cloudfront.net`. */
  get url(): string {
    return `https://${this.distribution.distributionDomainName}`;
  }

  constructor(scope: Construct, id: string, props: CouponEdgeProps) {
    super(scope, id);
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'FCFS coupon API; the count and campaign view cached 1 s',
      priceClass: PriceClass.PRICE_CLASS_100,
      minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
      ...edgeBehaviors(this, props.api),
    });
    acknowledge(this.distribution, 'AwsSolutions', {
      'AwsSolutions-CFR1': 'Who may claim a coupon is decided by the campaign, not by country; add geo rules per drop.',
      'AwsSolutions-CFR2':
        'No WAF with the plain edge option; set wafRateLimit for a distribution behind AWS WAF (us-east-1).',
      'AwsSolutions-CFR3': 'Requests are logged by the API stage access log (with the client IP); no S3 log bucket.',
      'AwsSolutions-CFR4':
        'The default *.cloudfront.net certificate cannot pin the TLS floor; use a custom domain to enforce TLS 1.2.',
    });
  }
}
