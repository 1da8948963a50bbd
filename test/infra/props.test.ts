import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { UserPool, UserPoolClient } from 'aws-cdk-lib/aws-cognito';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { IConstruct } from 'constructs';
import { FcfsCoupon, type FcfsCouponProps } from '../../src';
import { ENV, HANDLERS } from '../../src/contract/names';

// Every prop of FcfsCoupon, each with at least one template assertion of its effect (as aws-solutions-constructs
// test each prop): the table below is keyed by FcfsCouponProps, so `tsc` refuses a prop without a case. Each
// assertion fails on the default template (checked below), so a prop the construct ignored would fail its case.

jest.setTimeout(180_000);

/** One FcfsCoupon in its own stack, `region` pinned when given (WAF needs us-east-1). */
interface Synth {
  readonly stack: Stack;
  readonly coupons: FcfsCoupon;
  readonly template: Template;
  /** The logical id of a construct's CloudFormation resource. */
  readonly id: (c: IConstruct) => string;
}

function synth(props: FcfsCouponProps = {}, region?: string, extra?: (stack: Stack) => FcfsCouponProps): Synth {
  const stack = new Stack(new App(), 'Shop', region ? { env: { account: '111111111111', region } } : {});
  const coupons = new FcfsCoupon(stack, 'Coupons', { ...props, ...extra?.(stack) });
  const id = (c: IConstruct) => stack.getLogicalId((c.node.defaultChild ?? c) as never);
  return { stack, coupons, template: Template.fromStack(stack), id };
}

/** The properties of the function of `role`. */
function fn(
  s: Synth,
  role: keyof typeof HANDLERS,
): Record<string, unknown> & {
  Environment: { Variables: Record<string, unknown> };
} {
  const resource = s.template.findResources('AWS::Lambda::Function')[s.id(s.coupons.functions[role])];
  if (!resource) throw new Error(`no function ${role}`);
  return resource.Properties;
}

function resources(s: Synth, type: string) {
  return Object.values(s.template.findResources(type));
}

/** A prop's case: the props to set, and what must then hold in the template (and fails on the default one). */
interface Case {
  readonly name: string;
  readonly props: FcfsCouponProps;
  readonly region?: string;
  /** Props built in the construct's stack (a pool, a topic). */
  readonly extra?: (stack: Stack) => FcfsCouponProps;
  readonly check: (s: Synth) => void;
  /** The case sets the prop to its default, so the default template holds it too. */
  readonly isDefault?: boolean;
}

/** The WAF statement matching `POST /v1/campaigns/{campaignId}/issue` (src/construct/bot-defense.ts). */
const ISSUE_ROUTE = {
  AndStatement: {
    Statements: [
      { ByteMatchStatement: Match.objectLike({ FieldToMatch: { Method: {} }, SearchString: 'POST' }) },
      {
        RegexMatchStatement: Match.objectLike({
          FieldToMatch: { UriPath: {} },
          RegexString: '^/v1/campaigns/[^/]+/issue$',
        }),
      },
    ],
  },
};

const ISSUE_FUNCTION = { Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: HANDLERS.issue }) } };

const CASES: Record<keyof FcfsCouponProps, Case[]> = {
  upstashSecretName: [
    {
      name: 'runs Redis admission and names the secret to the ledger readers, who may read it',
      props: { upstashSecretName: 'prod/upstash' },
      check: (s) => {
        expect(fn(s, 'issue').Environment.Variables).toMatchObject({
          [ENV.ADMISSION_MODE]: 'redis',
          [ENV.UPSTASH_SECRET_ID]: 'prod/upstash',
        });
        expect(JSON.stringify(resources(s, 'AWS::IAM::Policy'))).toContain('secretsmanager:GetSecretValue');
      },
    },
  ],
  throttleRateLimit: [
    {
      name: "sets the stage's default rate, the issue route's",
      props: { throttleRateLimit: 800 },
      check: (s) =>
        s.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
          DefaultRouteSettings: Match.objectLike({ ThrottlingRateLimit: 800 }),
        }),
    },
  ],
  throttleBurstLimit: [
    {
      name: "sets the stage's default burst",
      props: { throttleBurstLimit: 400 },
      check: (s) =>
        s.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
          DefaultRouteSettings: Match.objectLike({ ThrottlingBurstLimit: 400 }),
        }),
    },
  ],
  consumerMaxConcurrency: [
    {
      name: "caps the event source mapping's concurrency",
      props: { consumerMaxConcurrency: 50 },
      check: (s) =>
        s.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
          ScalingConfig: { MaximumConcurrency: 50 },
        }),
    },
  ],
  reconcileGraceSeconds: [
    {
      name: "reaches the replay function's reconciliation",
      props: { reconcileGraceSeconds: 120 },
      check: (s) => expect(fn(s, 'replayAndReconcile').Environment.Variables[ENV.RECONCILE_GRACE_SECONDS]).toBe('120'),
    },
  ],
  consumerBatchSize: [
    {
      name: 'sets the batch size',
      props: { consumerBatchSize: 100 },
      check: (s) =>
        s.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
          FunctionName: { Ref: s.id(s.coupons.functions.consumer) },
          BatchSize: 100,
        }),
    },
  ],
  consumerMaxBatchingWindow: [
    {
      name: 'sets the batching window',
      props: { consumerMaxBatchingWindow: Duration.seconds(5) },
      check: (s) =>
        s.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { MaximumBatchingWindowInSeconds: 5 }),
    },
  ],
  maxReceiveCount: [
    {
      name: "sets the issue queue's redrive policy",
      props: { maxReceiveCount: 8 },
      check: (s) =>
        s.template.hasResourceProperties('AWS::SQS::Queue', {
          RedrivePolicy: Match.objectLike({ maxReceiveCount: 8 }),
        }),
    },
  ],
  issueMemorySize: [
    {
      name: "sets the issue function's memory",
      props: { issueMemorySize: 1769 },
      check: (s) => expect(fn(s, 'issue').MemorySize).toBe(1769),
    },
  ],
  logRetention: [
    {
      name: 'sets every log group',
      props: { logRetention: RetentionDays.ONE_WEEK },
      check: (s) => {
        for (const group of resources(s, 'AWS::Logs::LogGroup')) expect(group.Properties.RetentionInDays).toBe(7);
      },
    },
  ],
  corsAllowOrigins: [
    {
      name: 'allows exactly the given origins',
      props: { corsAllowOrigins: ['https://shop.example.com'] },
      check: (s) =>
        s.template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
          CorsConfiguration: Match.objectLike({ AllowOrigins: ['https://shop.example.com'] }),
        }),
    },
  ],
  userAuth: [
    {
      name: "'none' removes the authorizer and the pool, and the user functions take the userId from the request",
      props: { userAuth: 'none' },
      check: (s) => {
        s.template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 0);
        s.template.resourceCountIs('AWS::Cognito::UserPool', 0);
        expect(fn(s, 'issue').Environment.Variables[ENV.AUTH_MODE]).toBe('none');
      },
    },
    {
      name: "'oidc' trusts the issuer with no pool",
      props: { userAuth: 'oidc', oidcIssuer: 'https://login.example.com/', oidcAudience: ['coupon-api'] },
      check: (s) => {
        s.template.resourceCountIs('AWS::Cognito::UserPool', 0);
        s.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
          JwtConfiguration: { Issuer: 'https://login.example.com/', Audience: ['coupon-api'] },
        });
      },
    },
    {
      name: "'cognito' creates a retained pool with one public SRP client as the audience",
      props: { userAuth: 'cognito' },
      isDefault: true,
      check: (s) => {
        const pool = s.template.findResources('AWS::Cognito::UserPool');
        expect(Object.values(pool).map((p) => p.DeletionPolicy)).toEqual(['Retain']);
        s.template.resourceCountIs('AWS::Cognito::UserPoolClient', 1);
        s.template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
          ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
          GenerateSecret: false,
        });
        const client = s.id(s.coupons.userAuth.userPoolClient as UserPoolClient);
        s.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
          JwtConfiguration: Match.objectLike({ Audience: [{ Ref: client }] }),
        });
      },
    },
  ],
  userPool: [
    {
      name: "with userPoolClient, trusts the given pool's tokens and creates none",
      props: {},
      extra: (stack) => {
        const pool = new UserPool(stack, 'ShopUsers');
        return { userPool: pool, userPoolClient: pool.addClient('ShopWeb') };
      },
      check: (s) => {
        s.template.resourceCountIs('AWS::Cognito::UserPool', 1);
        const pool = s.id(s.stack.node.findChild('ShopUsers'));
        s.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
          JwtConfiguration: Match.objectLike({ Issuer: { 'Fn::Join': ['', Match.arrayWith([{ Ref: pool }])] } }),
        });
      },
    },
  ],
  userPoolClient: [
    {
      name: 'is the one audience the API accepts',
      props: {},
      extra: (stack) => {
        const pool = new UserPool(stack, 'ShopUsers');
        return { userPool: pool, userPoolClient: new UserPoolClient(stack, 'ShopWeb', { userPool: pool }) };
      },
      check: (s) => {
        s.template.resourceCountIs('AWS::Cognito::UserPoolClient', 1);
        s.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
          JwtConfiguration: Match.objectLike({ Audience: [{ Ref: s.id(s.stack.node.findChild('ShopWeb')) }] }),
        });
      },
    },
  ],
  operatorTokenClient: [
    {
      name: "adds the operators' admin-initiated client to the created pool, accepted as audience",
      props: { operatorTokenClient: true },
      check: (s) => {
        s.template.resourceCountIs('AWS::Cognito::UserPoolClient', 2);
        const operator = s.id(s.coupons.userAuth.operatorClient as UserPoolClient);
        s.template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
          ExplicitAuthFlows: ['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
        });
        s.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
          JwtConfiguration: Match.objectLike({ Audience: Match.arrayWith([{ Ref: operator }]) }),
        });
      },
    },
  ],
  oidcIssuer: [
    {
      name: "is the JWT authorizer's issuer",
      props: { userAuth: 'oidc', oidcIssuer: 'https://id.example.org/tenant/', oidcAudience: ['a'] },
      check: (s) =>
        s.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
          JwtConfiguration: Match.objectLike({ Issuer: 'https://id.example.org/tenant/' }),
        }),
    },
  ],
  oidcAudience: [
    {
      name: "are the JWT authorizer's audiences",
      props: { userAuth: 'oidc', oidcIssuer: 'https://id.example.org/', oidcAudience: ['coupon-api', 'mobile'] },
      check: (s) =>
        s.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
          JwtConfiguration: Match.objectLike({ Audience: ['coupon-api', 'mobile'] }),
        }),
    },
  ],
  wafRateLimit: [
    {
      name: 'puts CloudFront with a WAF rate-based block per client IP in front',
      props: { wafRateLimit: 1000 },
      region: 'us-east-1',
      check: (s) => {
        s.template.hasResourceProperties('AWS::WAFv2::WebACL', {
          Scope: 'CLOUDFRONT',
          Rules: Match.arrayWith([
            Match.objectLike({ Statement: { RateBasedStatement: { Limit: 1000, AggregateKeyType: 'IP' } } }),
          ]),
        });
        s.template.hasResourceProperties('AWS::CloudFront::Distribution', {
          DistributionConfig: Match.objectLike({ WebACLId: Match.anyValue() }),
        });
      },
    },
  ],
  botDefense: [
    {
      name: "'challenge' challenges the issue route behind Bot Control and reads the web ACL's integration URL",
      props: { botDefense: 'challenge' },
      region: 'us-east-1',
      check: (s) => {
        s.template.hasResourceProperties('AWS::WAFv2::WebACL', {
          Scope: 'CLOUDFRONT',
          Rules: Match.arrayWith([
            Match.objectLike({
              Name: 'BotControl',
              Statement: {
                ManagedRuleGroupStatement: Match.objectLike({
                  Name: 'AWSManagedRulesBotControlRuleSet',
                  ManagedRuleGroupConfigs: [{ AWSManagedRulesBotControlRuleSet: { InspectionLevel: 'COMMON' } }],
                  ScopeDownStatement: ISSUE_ROUTE,
                }),
              },
            }),
            Match.objectLike({ Name: 'IssueChallenge', Action: { Challenge: {} }, Statement: ISSUE_ROUTE }),
          ]),
          ChallengeConfig: { ImmunityTimeProperty: { ImmunityTime: 300 } },
        });
        s.template.hasResourceProperties('AWS::CloudFront::Distribution', {
          DistributionConfig: Match.objectLike({ WebACLId: Match.anyValue() }),
        });
        // The integration URL has no CloudFormation attribute: a custom resource reads it with GetWebACL.
        const reader = JSON.stringify(resources(s, 'Custom::AWS'));
        for (const word of ['\\"service\\":\\"WAFV2\\"', 'getWebACL', 'ApplicationIntegrationURL']) {
          expect(reader).toContain(word);
        }
      },
    },
    {
      name: "'captcha' sends a CAPTCHA on the issue route instead",
      props: { botDefense: 'captcha' },
      region: 'us-east-1',
      check: (s) =>
        s.template.hasResourceProperties('AWS::WAFv2::WebACL', {
          Rules: Match.arrayWith([
            Match.objectLike({ Name: 'IssueChallenge', Action: { Captcha: {} }, Statement: ISSUE_ROUTE }),
          ]),
          CaptchaConfig: { ImmunityTimeProperty: { ImmunityTime: 300 } },
        }),
    },
  ],
  botControlInspectionLevel: [
    {
      name: "sets Bot Control's inspection level",
      props: { botDefense: 'challenge', botControlInspectionLevel: 'TARGETED' },
      region: 'us-east-1',
      check: (s) =>
        s.template.hasResourceProperties('AWS::WAFv2::WebACL', {
          Rules: Match.arrayWith([
            Match.objectLike({
              Statement: {
                ManagedRuleGroupStatement: Match.objectLike({
                  ManagedRuleGroupConfigs: [{ AWSManagedRulesBotControlRuleSet: { InspectionLevel: 'TARGETED' } }],
                }),
              },
            }),
          ]),
        }),
    },
  ],
  botTokenImmunitySeconds: [
    {
      name: "sets the web ACL's challenge and CAPTCHA immunity time",
      props: { botDefense: 'challenge', botTokenImmunitySeconds: 900 },
      region: 'us-east-1',
      check: (s) =>
        s.template.hasResourceProperties('AWS::WAFv2::WebACL', {
          ChallengeConfig: { ImmunityTimeProperty: { ImmunityTime: 900 } },
          CaptchaConfig: { ImmunityTimeProperty: { ImmunityTime: 900 } },
        }),
    },
  ],
  issueRateLimitPerIp: [
    {
      name: 'blocks a client IP above it on the issue route',
      props: { botDefense: 'challenge', issueRateLimitPerIp: 50 },
      region: 'us-east-1',
      check: (s) =>
        s.template.hasResourceProperties('AWS::WAFv2::WebACL', {
          Rules: Match.arrayWith([
            Match.objectLike({
              Name: 'IssueRatePerIp',
              Action: { Block: {} },
              Statement: {
                RateBasedStatement: Match.objectLike({
                  Limit: 50,
                  AggregateKeyType: 'IP',
                  EvaluationWindowSec: 300,
                  ScopeDownStatement: ISSUE_ROUTE,
                }),
              },
            }),
          ]),
        }),
    },
  ],
  issueRateLimitPerJa4: [
    {
      name: 'blocks a TLS fingerprint (JA4) above it on the issue route',
      props: { botDefense: 'challenge', issueRateLimitPerJa4: 5000 },
      region: 'us-east-1',
      check: (s) =>
        s.template.hasResourceProperties('AWS::WAFv2::WebACL', {
          Rules: Match.arrayWith([
            Match.objectLike({
              Name: 'IssueRatePerJa4',
              Action: { Block: {} },
              Statement: {
                RateBasedStatement: Match.objectLike({
                  Limit: 5000,
                  AggregateKeyType: 'CUSTOM_KEYS',
                  CustomKeys: [{ JA4Fingerprint: { FallbackBehavior: 'NO_MATCH' } }],
                  ScopeDownStatement: ISSUE_ROUTE,
                }),
              },
            }),
          ]),
        }),
    },
  ],
  edge: [
    {
      name: 'puts CloudFront without WAF in front, in any region',
      props: { edge: true },
      region: 'eu-west-1',
      check: (s) => {
        s.template.resourceCountIs('AWS::CloudFront::Distribution', 1);
        s.template.resourceCountIs('AWS::WAFv2::WebACL', 0);
      },
    },
  ],
  issueReservedConcurrency: [
    {
      name: 'reserves concurrency for the issue function and tells the dry run',
      props: { issueReservedConcurrency: 300 },
      check: (s) => {
        s.template.hasResourceProperties('AWS::Lambda::Function', {
          ...ISSUE_FUNCTION,
          ReservedConcurrentExecutions: 300,
        });
        expect(fn(s, 'adminCampaigns').Environment.Variables[ENV.ISSUE_RESERVED_CONCURRENCY]).toBe('300');
      },
    },
  ],
  removalPolicy: [
    {
      name: 'applies to the five tables',
      props: { removalPolicy: RemovalPolicy.DESTROY },
      check: (s) => {
        const tables = Object.values(s.template.findResources('AWS::DynamoDB::Table'));
        expect(tables.map((t) => [t.DeletionPolicy, t.UpdateReplacePolicy])).toEqual(
          Array(5).fill(['Delete', 'Delete']),
        );
      },
    },
  ],
  eventBus: [
    {
      name: 'receives the domain events instead of a bus of its own',
      props: {},
      extra: (stack) => ({ eventBus: new EventBus(stack, 'Integrations', { eventBusName: 'integrations' }) }),
      check: (s) => {
        expect(resources(s, 'AWS::Events::EventBus').map((b) => b.Properties.Name)).toEqual(['integrations']);
        expect(fn(s, 'publishEvents').Environment.Variables[ENV.EVENT_BUS_NAME]).toEqual({
          Ref: s.stack.getLogicalId(s.stack.node.findChild('Integrations').node.defaultChild as never),
        });
      },
    },
  ],
  alarmTopic: [
    {
      name: 'receives every alarm and its recovery',
      props: {},
      extra: (stack) => ({ alarmTopic: new Topic(stack, 'OnCall') }),
      check: (s) => {
        const topic = { Ref: s.id(s.stack.node.findChild('OnCall')) };
        const alarms = resources(s, 'AWS::CloudWatch::Alarm');
        expect(alarms).toHaveLength(10);
        for (const alarm of alarms)
          expect(alarm.Properties).toMatchObject({ AlarmActions: [topic], OKActions: [topic] });
      },
    },
  ],
  alarmEmail: [
    {
      name: 'creates a topic with the e-mail subscription that every alarm notifies',
      props: { alarmEmail: 'oncall@example.com' },
      check: (s) => {
        s.template.hasResourceProperties('AWS::SNS::Subscription', {
          Protocol: 'email',
          Endpoint: 'oncall@example.com',
        });
        const [topic] = Object.keys(s.template.findResources('AWS::SNS::Topic'));
        for (const alarm of resources(s, 'AWS::CloudWatch::Alarm')) {
          expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topic }]);
        }
      },
    },
  ],
  alarmThresholds: [
    {
      name: "sets the alarms' thresholds (each field: test/infra/monitoring.test.ts)",
      props: { alarmThresholds: { api5xxRatePercent: 5, deadLetterAge: Duration.minutes(30) } },
      check: (s) => {
        s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Threshold: 5,
          Metrics: Match.arrayWith([Match.objectLike({ Expression: Match.stringLikeRegexp('errors') })]),
        });
        s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          MetricName: 'ApproximateAgeOfOldestMessage',
          Threshold: 1800,
        });
      },
    },
  ],
  console: [
    {
      name: "deploys the pages to a private bucket behind CloudFront, and the API's CORS allows it",
      props: { console: true },
      check: (s) => {
        s.template.resourceCountIs('AWS::S3::Bucket', 1);
        s.template.hasResourceProperties('AWS::S3::Bucket', {
          PublicAccessBlockConfiguration: Match.objectLike({ BlockPublicAcls: true, RestrictPublicBuckets: true }),
        });
        s.template.resourceCountIs('AWS::CloudFront::Distribution', 1);
        s.template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
          CorsConfiguration: Match.objectLike({ AllowOrigins: [Match.anyValue()] }),
        });
      },
    },
  ],
};

const cases = Object.entries(CASES).flatMap(([prop, list]) => list.map((c) => [prop, c.name, c] as const));

describe('infra: every FcfsCoupon prop, in the template', () => {
  it.each(cases)('%s: %s', (_, __, c) => {
    c.check(synth(c.props, c.region, c.extra));
  });

  // A check that also held without its prop would not guard it: each fails on the default template (with what a
  // case builds in the stack, a pool or a topic, built there but not passed). userAuth 'cognito' is the default.
  const defaults = new Map<string | undefined, Synth>();
  it.each(cases.filter(([, , c]) => !c.isDefault))('%s: "%s" does not hold without the prop', (_, __, c) => {
    let baseline = defaults.get(c.region);
    if (c.extra) {
      baseline = synth({}, c.region, (stack) => {
        c.extra?.(stack);
        return {};
      });
    } else if (!baseline) {
      baseline = synth({}, c.region);
      defaults.set(c.region, baseline);
    }
    expect(() => c.check(baseline)).toThrow();
  });
});
