import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { FcfsCoupon, type FcfsCouponProps } from '../../src';
import { ENV } from '../../src/contract/names';

// Drop day in the template: the pre-warm alias and schedules, the capacity settings the dry run reads, the edge.

const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

function synth(props: FcfsCouponProps = {}, region?: string) {
  const app = new App();
  const stack = new Stack(app, 'Test', region ? { env: { region, account: '123456789012' } } : {});
  const coupons = new FcfsCoupon(stack, 'Coupons', props);
  return { stack, coupons, template: Template.fromStack(stack) };
}

describe('infra: drop day', () => {
  it('routes the issue route to the published alias that pre-warming provisions', () => {
    const { stack, coupons, template } = synth();
    const aliasId = stack.getLogicalId(coupons.prewarm.alias.node.defaultChild as never);
    template.hasResourceProperties('AWS::Lambda::Alias', {
      Name: 'live',
      FunctionName: { Ref: stack.getLogicalId(coupons.functions.issue.node.defaultChild as never) },
      FunctionVersion: Match.anyValue(),
    });
    const integrations = Object.values(template.findResources('AWS::ApiGatewayV2::Integration'));
    const toAlias = integrations.filter(
      (i) => JSON.stringify(i.Properties.IntegrationUri) === JSON.stringify({ Ref: aliasId }),
    );
    expect(toAlias).toHaveLength(1);
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { Ref: aliasId },
      Principal: 'apigateway.amazonaws.com',
    });
  });

  it('gives the admin function the schedule group, the applier and the settings the dry run checks', () => {
    const { stack, coupons, template } = synth({
      throttleRateLimit: 800,
      throttleBurstLimit: 400,
      issueReservedConcurrency: 300,
      edge: true,
    });
    template.resourceCountIs('AWS::Scheduler::ScheduleGroup', 1);
    const admin =
      template.findResources('AWS::Lambda::Function')[
        stack.getLogicalId(coupons.functions.adminCampaigns.node.defaultChild as never)
      ];
    expect(admin?.Properties.Environment.Variables).toMatchObject({
      [ENV.STAGE_THROTTLE_RATE_LIMIT]: '800',
      [ENV.STAGE_THROTTLE_BURST_LIMIT]: '400',
      [ENV.ISSUE_RESERVED_CONCURRENCY]: '300',
      [ENV.EDGE]: 'true',
      [ENV.PREWARM_SCHEDULE_GROUP]: { Ref: stack.getLogicalId(coupons.prewarm.scheduleGroup) },
      [ENV.PREWARM_FUNCTION_ARN]: {
        'Fn::GetAtt': [stack.getLogicalId(coupons.functions.prewarm.node.defaultChild as never), 'Arn'],
      },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      ReservedConcurrentExecutions: 300,
      Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'issue-coupon' }) },
    });
    // Scheduler may invoke the applier, nothing else.
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { Service: 'scheduler.amazonaws.com' } })],
      },
    });
  });

  it('without edge or WAF, puts no distribution in front of the API', () => {
    synth().template.resourceCountIs('AWS::CloudFront::Distribution', 0);
  });

  it.each([
    ['edge, any region', { edge: true }, 'eu-west-1'],
    ['WAF, which builds on the same behaviours', { wafRateLimit: 1000 }, 'us-east-1'],
  ])('caches only the count and the public view, 1 s, keyed by path and CORS Origin alone (%s)', (_, props, region) => {
    const { template } = synth(props, region);
    template.resourceCountIs('AWS::CloudFront::Distribution', 1);
    const [distribution] = Object.values(template.findResources('AWS::CloudFront::Distribution'));
    const config = distribution?.Properties.DistributionConfig;
    // Every other path: nothing cached, every viewer header but Host forwarded (Authorization of user routes).
    expect(config.DefaultCacheBehavior).toMatchObject({
      CachePolicyId: CACHING_DISABLED,
      OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST_HEADER,
      AllowedMethods: expect.arrayContaining(['POST', 'PATCH']),
    });
    // CloudFront takes the first pattern that matches: the count, then (uncached) the issue route and a user's
    // coupon below a campaign, then the public view, whose `*` alone would match those too.
    expect(config.CacheBehaviors.map((b: { PathPattern: string }) => b.PathPattern)).toEqual([
      '/v1/campaigns/*/count',
      '/v1/campaigns/*/*',
      '/v1/campaigns/*',
    ]);
    const [count, below, view] = config.CacheBehaviors;
    expect(count).toMatchObject({ AllowedMethods: ['GET', 'HEAD'] });
    expect(count.OriginRequestPolicyId).toBeUndefined();
    expect(view).toMatchObject({ AllowedMethods: ['GET', 'HEAD'], CachePolicyId: count.CachePolicyId });
    expect(below).toMatchObject({
      CachePolicyId: CACHING_DISABLED,
      OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST_HEADER,
      AllowedMethods: expect.arrayContaining(['POST', 'PATCH']),
    });
    const policies = template.findResources('AWS::CloudFront::CachePolicy');
    expect(policies[count.CachePolicyId.Ref]?.Properties.CachePolicyConfig).toMatchObject({
      MinTTL: 0,
      DefaultTTL: 1,
      MaxTTL: 1,
      ParametersInCacheKeyAndForwardedToOrigin: {
        QueryStringsConfig: { QueryStringBehavior: 'none' },
        // Origin: the API's CORS answer differs per allowed origin (the console's, a shop's).
        HeadersConfig: { HeaderBehavior: 'whitelist', Headers: ['Origin'] },
        CookiesConfig: { CookieBehavior: 'none' },
      },
    });
  });
});
