import { Stack, Token } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Distribution, PriceClass, SecurityPolicyProtocol } from 'aws-cdk-lib/aws-cloudfront';
import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { acknowledge } from './acknowledge';
import { edgeBehaviors } from './edge';

/** Props of {@link EdgeFirewall}. */
export interface EdgeFirewallProps {
  readonly api: HttpApi;
  /**
   * Requests one client IP may send in any 5-minute window before WAF blocks it (AWS WAF rate-based rule; AWS
   * minimum 10).
   */
  readonly rateLimitPerIp: number;
}

/**
 * A CloudFront distribution in front of the HTTP API with an AWS WAF web ACL: a rate-based rule per client IP and
 * the AWS managed known-bad-inputs rule group. AWS WAF cannot be attached to an HTTP API stage (only to REST APIs,
 * CloudFront, ALB, AppSync, Cognito), hence CloudFront; its web ACLs have CLOUDFRONT scope and must live in
 * us-east-1, so the stack must be deployed there.
 * Clients must call the distribution URL: the execute-api endpoint stays reachable directly (with the stage and
 * route throttles, but without WAF). Admin calls go to the execute-api URL: CloudFront replaces the Host header
 * that their SigV4 signature covers.
 * @throws Error at synth when the stack's region is known and is not us-east-1.
 */
export class EdgeFirewall extends Construct {
  readonly distribution: Distribution;

  /** The URL clients call, `https://<id>.cloudfront.net`. */
  get url(): string {
    return `https://${this.distribution.distributionDomainName}`;
  }

  constructor(scope: Construct, id: string, props: EdgeFirewallProps) {
    super(scope, id);
    const region = Stack.of(this).region;
    if (!Token.isUnresolved(region) && region !== 'us-east-1') {
      throw new Error(`the WAF option (wafRateLimit) needs the stack in us-east-1 (CLOUDFRONT scope), not ${region}`);
    }
    if (!Number.isInteger(props.rateLimitPerIp) || props.rateLimitPerIp < 10) {
      throw new Error(`wafRateLimit must be an integer >= 10 requests per 5 minutes, not ${props.rateLimitPerIp}`);
    }
    const visibility = (metricName: string) => ({
      cloudWatchMetricsEnabled: true,
      metricName,
      sampledRequestsEnabled: true,
    });
    const webAcl = new CfnWebACL(this, 'WebAcl', {
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('FcfsCouponWebAcl'),
      rules: [
        {
          name: 'RateLimitPerIp',
          priority: 0,
          action: { block: {} },
          statement: { rateBasedStatement: { limit: props.rateLimitPerIp, aggregateKeyType: 'IP' } },
          visibilityConfig: visibility('RateLimitPerIp'),
        },
        {
          name: 'KnownBadInputs',
          priority: 1,
          overrideAction: { none: {} },
          statement: {
            managedRuleGroupStatement: { vendorName: 'AWS', name: 'AWSManagedRulesKnownBadInputsRuleSet' },
          },
          visibilityConfig: visibility('KnownBadInputs'),
        },
      ],
    });
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'FCFS coupon API behind AWS WAF',
      webAclId: webAcl.attrArn,
      priceClass: PriceClass.PRICE_CLASS_100,
      minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
      // The edge option's behaviours: nothing cached but the count and a campaign's public view, 1 s (src/construct/edge.ts).
      ...edgeBehaviors(this, props.api),
    });
    acknowledge(this.distribution, 'AwsSolutions', {
      'AwsSolutions-CFR1': 'Who may claim a coupon is decided by the campaign, not by country; add geo rules per drop.',
      'AwsSolutions-CFR3':
        'Requests are logged by the API stage access log (with the client IP) and WAF sampling; no S3 log bucket.',
      'AwsSolutions-CFR4':
        'The default *.cloudfront.net certificate cannot pin the TLS floor; use a custom domain to enforce TLS 1.2.',
    });
  }
}
