import { Duration, Fn, Stack, Token } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Distribution, PriceClass, SecurityPolicyProtocol } from 'aws-cdk-lib/aws-cloudfront';
import { Metric, type MetricOptions } from 'aws-cdk-lib/aws-cloudwatch';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import {
  AwsCustomResource,
  AwsCustomResourcePolicy,
  PhysicalResourceId,
  PhysicalResourceIdReference,
} from 'aws-cdk-lib/custom-resources';
import { Construct, type IConstruct } from 'constructs';
import { acknowledge } from './acknowledge';
import { type BotDefenseAction, type BotDefenseSettings, botDefenseRules, tokenImmunity } from './bot-defense';
import { edgeBehaviors } from './edge';

/** The web ACL's CloudWatch metric name: its `WebACL` dimension in the `AWS/WAFV2` namespace. */
export const WEB_ACL_METRIC_NAME = 'FcfsCouponWebAcl';

/** The WAF request counts per rule that the dashboard shows (`AWS/WAFV2`, Sum per minute). */
export type WafRequestMetric = 'AllowedRequests' | 'BlockedRequests' | 'ChallengeRequests' | 'CaptchaRequests';

/** Props of {@link EdgeFirewall}. */
export interface EdgeFirewallProps {
  readonly api: HttpApi;
  /**
   * Requests one client IP may send in any 5-minute window before WAF blocks it (AWS WAF rate-based rule; AWS
   * minimum 10).
   * @default - no rate limit over all routes
   */
  readonly rateLimitPerIp?: number;
  /**
   * The issue route's bot defense (src/construct/bot-defense.ts): Bot Control, a Challenge or CAPTCHA, and rate
   * limits per IP and per JA4 fingerprint on `POST /v1/campaigns/{campaignId}/issue`.
   * @default - none
   */
  readonly botDefense?: BotDefenseSettings & { readonly botDefense: BotDefenseAction };
  /**
   * Domains whose WAF tokens the web ACL accepts besides the distribution's own (the drop page's, which acquires
   * its token on its own origin).
   * @default - the distribution's domain only
   */
  readonly tokenDomains?: readonly string[];
}

/**
 * A CloudFront distribution in front of the HTTP API with an AWS WAF web ACL: a rate-based rule per client IP
 * (`rateLimitPerIp`), the AWS managed known-bad-inputs rule group and, with `botDefense`, the issue route's bot
 * defense (Bot Control, a Challenge or CAPTCHA, rate limits per IP and per JA4 fingerprint; bot-defense.ts) and
 * the web ACL's integration URL for the drop page (and, with `captcha` and token domains, a CAPTCHA API key for
 * them). AWS WAF cannot be attached to an HTTP API stage (only to REST APIs,
 * CloudFront, ALB, AppSync, Cognito), hence CloudFront; its web ACLs have CLOUDFRONT scope and must live in
 * us-east-1, so the stack must be deployed there.
 * Clients must call the distribution URL: the execute-api endpoint stays reachable directly (with the stage and
 * route throttles, but without WAF). Admin calls go to the execute-api URL: CloudFront replaces the Host header
 * that their SigV4 signature covers.
 * @throws Error at synth when the stack's region is known and is not us-east-1.
 */
export class EdgeFirewall extends Construct {
  readonly distribution: Distribution;
  /** The web ACL (CLOUDFRONT scope) in front of the distribution. */
  readonly webAcl: CfnWebACL;
  /** The web ACL's rules by name, in evaluation order; each name is also its metrics' `Rule` dimension. */
  readonly ruleNames: readonly string[];
  /**
   * The web ACL's application integration URL (GetWebACL `ApplicationIntegrationURL`, read at deploy by a custom
   * resource: CloudFormation has no attribute for it), from which a page loads `challenge.js`; with `botDefense`.
   */
  readonly integrationUrl?: string;
  /**
   * The AWS WAF CAPTCHA JavaScript API key for `tokenDomains` (CreateAPIKey, CLOUDFRONT scope, created at deploy
   * by a custom resource: CloudFormation has no resource for it), with `botDefense: 'captcha'` and token domains.
   * Not a secret: AWS designs it to be embedded in public pages (it only lets a page on one of its domains render
   * the puzzle); https://docs.aws.amazon.com/waf/latest/developerguide/waf-js-captcha-api-key.html
   */
  readonly captchaApiKey?: string;

  /** The URL clients call, `https://<id>.cloudfront.net`. */
  get url(): string {
    return `https://${this.distribution.distributionDomainName}`;
  }

  constructor(scope: Construct, id: string, props: EdgeFirewallProps) {
    super(scope, id);
    const region = Stack.of(this).region;
    if (!Token.isUnresolved(region) && region !== 'us-east-1') {
      throw new Error(
        `the WAF options (wafRateLimit, botDefense) need the stack in us-east-1 (CLOUDFRONT scope), not ${region}`,
      );
    }
    const { rateLimitPerIp, botDefense } = props;
    if (rateLimitPerIp !== undefined && (!Number.isInteger(rateLimitPerIp) || rateLimitPerIp < 10)) {
      throw new Error(`wafRateLimit must be an integer >= 10 requests per 5 minutes, not ${rateLimitPerIp}`);
    }
    const visibility = (metricName: string) => ({
      cloudWatchMetricsEnabled: true,
      metricName,
      sampledRequestsEnabled: true,
    });
    const rules: CfnWebACL.RuleProperty[] = [
      // Priorities are kept as they were before the bot defense: 0 and 1.
      ...(rateLimitPerIp === undefined
        ? []
        : [
            {
              name: 'RateLimitPerIp',
              priority: 0,
              action: { block: {} },
              statement: { rateBasedStatement: { limit: rateLimitPerIp, aggregateKeyType: 'IP' } },
              visibilityConfig: visibility('RateLimitPerIp'),
            },
          ]),
      {
        name: 'KnownBadInputs',
        priority: 1,
        overrideAction: { none: {} },
        statement: {
          managedRuleGroupStatement: { vendorName: 'AWS', name: 'AWSManagedRulesKnownBadInputsRuleSet' },
        },
        visibilityConfig: visibility('KnownBadInputs'),
      },
      ...(botDefense ? botDefenseRules(botDefense, 2) : []),
    ];
    this.ruleNames = rules.map((r) => r.name);
    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(WEB_ACL_METRIC_NAME),
      rules,
      ...(botDefense ? tokenImmunity(botDefense) : {}),
      ...(props.tokenDomains?.length ? { tokenDomains: [...props.tokenDomains] } : {}),
    });
    const webAcl = this.webAcl;
    if (botDefense) this.integrationUrl = this.readIntegrationUrl(webAcl);
    if (botDefense?.botDefense === 'captcha' && props.tokenDomains?.length) {
      this.captchaApiKey = this.createCaptchaApiKey(props.tokenDomains);
    }
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

  /**
   * A WAF request count (`AWS/WAFV2`, dimensions `WebACL` and `Rule`; CloudFront web ACLs report in us-east-1), Sum
   * per minute: of one rule by its name (its metric name), or of the whole web ACL with `rule` `ALL`.
   */
  metricRequests(metricName: WafRequestMetric, rule: string, options?: MetricOptions): Metric {
    return new Metric({
      namespace: 'AWS/WAFV2',
      metricName,
      dimensionsMap: { WebACL: WEB_ACL_METRIC_NAME, Rule: rule },
      region: 'us-east-1',
      statistic: 'Sum',
      period: Duration.minutes(1),
      ...options,
    });
  }

  /** Requests the web ACL blocked (every rule), Sum per minute. */
  metricBlockedRequests(options?: MetricOptions): Metric {
    return this.metricRequests('BlockedRequests', 'ALL', options);
  }

  /**
   * GetWebACL's `ApplicationIntegrationURL` at deploy (an AwsCustomResource in us-east-1, allowed
   * `wafv2:GetWebACL` on this web ACL only), read again on every update.
   */
  private readIntegrationUrl(webAcl: CfnWebACL): string {
    // Ref of a web ACL is `name|id|scope`.
    const call = {
      service: 'WAFV2',
      action: 'getWebACL',
      region: 'us-east-1',
      parameters: { Name: Fn.select(0, Fn.split('|', webAcl.ref)), Id: webAcl.attrId, Scope: 'CLOUDFRONT' },
      physicalResourceId: PhysicalResourceId.of(webAcl.attrId),
      outputPaths: ['ApplicationIntegrationURL'],
    };
    const reader = new AwsCustomResource(this, 'IntegrationUrl', {
      onCreate: call,
      onUpdate: call,
      policy: AwsCustomResourcePolicy.fromSdkCalls({ resources: [webAcl.attrArn] }),
      installLatestAwsSdk: false,
      // One WAF read per deployment: the SDK's client fits well within it.
      memorySize: 256,
    });
    acknowledgeCustomResourceHandler(reader);
    return reader.getResponseField('ApplicationIntegrationURL');
  }

  /**
   * CreateAPIKey at deploy (an AwsCustomResource in us-east-1, CLOUDFRONT scope): a new key when the token domains
   * change (the update creates one, and CloudFormation deletes the old one as the physical id changes), deleted
   * with DeleteAPIKey on removal. WAF's key actions take no resource ARN, hence `*`.
   * @throws Error when there are more than {@link CAPTCHA_API_KEY_MAX_DOMAINS} domains.
   */
  private createCaptchaApiKey(domains: readonly string[]): string {
    if (domains.length > CAPTCHA_API_KEY_MAX_DOMAINS) {
      throw new Error(
        `a CAPTCHA API key takes at most ${CAPTCHA_API_KEY_MAX_DOMAINS} token domains, not ${domains.length}`,
      );
    }
    const create = {
      service: 'WAFV2',
      action: 'createAPIKey',
      region: 'us-east-1',
      parameters: { Scope: 'CLOUDFRONT', TokenDomains: [...domains] },
      physicalResourceId: PhysicalResourceId.fromResponse('APIKey'),
      outputPaths: ['APIKey'],
    };
    const key = new AwsCustomResource(this, 'CaptchaApiKey', {
      onCreate: create,
      onUpdate: create,
      onDelete: {
        service: 'WAFV2',
        action: 'deleteAPIKey',
        region: 'us-east-1',
        parameters: { Scope: 'CLOUDFRONT', APIKey: new PhysicalResourceIdReference() },
        // Already deleted by hand: nothing left to do.
        ignoreErrorCodesMatching: 'WAFNonexistentItemException',
      },
      policy: AwsCustomResourcePolicy.fromSdkCalls({ resources: AwsCustomResourcePolicy.ANY_RESOURCE }),
      installLatestAwsSdk: false,
      memorySize: 256,
    });
    acknowledge(key, 'AwsSolutions', {
      'AwsSolutions-IAM5[Resource::*]':
        'wafv2:CreateAPIKey and wafv2:DeleteAPIKey take no resource ARN (IAM service authorization reference).',
    });
    acknowledgeCustomResourceHandler(key);
    return key.getResponseField('APIKey');
  }
}

/**
 * AWS WAF's limit of domains per CAPTCHA API key
 * (https://docs.aws.amazon.com/waf/latest/developerguide/waf-js-captcha-api-key.html).
 */
export const CAPTCHA_API_KEY_MAX_DOMAINS = 5;

/** Acknowledges the findings on the stack's AwsCustomResource handler, a singleton that aws-cdk-lib writes. */
function acknowledgeCustomResourceHandler(reader: IGrantable & IConstruct): void {
  const role = reader.grantPrincipal as unknown as IConstruct;
  const handler = role.node.scope as IConstruct;
  const cdkManaged = 'CDK AwsCustomResource handler: aws-cdk-lib picks and updates its runtime with each release.';
  acknowledge(handler, 'AwsSolutions', {
    'AwsSolutions-L1': cdkManaged,
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]':
      'The custom resource handler writes its own logs only: the AWS managed basic execution policy is that grant.',
  });
  acknowledge(handler, 'Serverless', {
    'Serverless-LambdaLatestVersion': cdkManaged,
    'Serverless-LambdaDLQ':
      'Invoked synchronously by CloudFormation at deploy time: a failure fails the deployment, nothing is lost.',
    'Serverless-LambdaTracing': 'Runs once per deployment, one WAF read: nothing to trace.',
  });
}
