import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { UserPool, UserPoolClient } from 'aws-cdk-lib/aws-cognito';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { FcfsCoupon, type FcfsCouponProps } from '../../src';
import { ENV, type FunctionRole, HANDLERS } from '../../src/contract/names';
import { ROUTES } from '../../src/contract/routes';
import { FUNCTION_ENV } from '../../src/functions/runtime/config';

// The construct embedded in someone else's stack (bundling skipped: templates only).

jest.setTimeout(120_000);

const newStack = () => new Stack(new App(), 'Shop');

describe('infra: FcfsCoupon construct', () => {
  it('synthesizes with no props: DynamoDB admission, a Cognito pool, every route, retained tables, no outputs', () => {
    const stack = newStack();
    const coupons = new FcfsCoupon(stack, 'Coupons');
    const template = Template.fromStack(stack);

    expect(coupons.admissionMode).toBe('dynamodb');
    template.resourceCountIs('AWS::Cognito::UserPool', 1);
    template.resourceCountIs('AWS::ApiGatewayV2::Route', ROUTES.length);
    template.resourceCountIs('AWS::Lambda::Function', Object.keys(HANDLERS).length);
    for (const table of Object.values(template.findResources('AWS::DynamoDB::Table'))) {
      expect([table.DeletionPolicy, table.UpdateReplacePolicy]).toEqual(['Retain', 'Retain']);
    }
    expect(template.toJSON().Outputs ?? {}).toEqual({});
  });

  it('exposes its children by role: tables, queues, functions, the API and metrics', () => {
    const stack = newStack();
    const coupons = new FcfsCoupon(stack, 'Coupons');
    const template = Template.fromStack(stack);
    const logicalId = (c: { node: { defaultChild?: unknown } }) => stack.getLogicalId(c.node.defaultChild as never);

    expect(Object.keys(coupons.tables).sort()).toEqual(['admission', 'campaign', 'coupon', 'failedEvent', 'vendor']);
    expect(Object.keys(coupons.functions).sort()).toEqual(Object.keys(HANDLERS).sort());
    for (const [role, fn] of Object.entries(coupons.functions)) {
      template.hasResource('AWS::Lambda::Function', {
        Properties: Match.objectLike({
          Environment: {
            Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: HANDLERS[role as keyof typeof HANDLERS] }),
          },
        }),
      });
      expect(template.findResources('AWS::Lambda::Function')[logicalId(fn)]).toBeDefined();
    }
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(coupons.deadLetterQueue as never), 'Arn'] } },
    });
    expect(stack.resolve(coupons.metricInvariantViolations())).toMatchObject({
      namespace: 'FcfsCoupon',
      metricName: 'InvariantViolations',
      dimensions: { service: 'replay-and-reconcile', instance: 'Shop/Coupons' },
    });
    for (const metric of [
      coupons.metricAdmitted(),
      coupons.metricPersisted(),
      coupons.metricParkedAdmissions(),
      coupons.metricDeadLetterDepth(),
    ]) {
      expect(metric.toMetricConfig().metricStat?.metricName).toMatch(
        /^(Admitted|Persisted|ParkedAdmissions|ApproximateNumberOfMessagesVisible)$/,
      );
    }
  });

  it.each([
    ['DynamoDB', {}],
    ['Redis', { upstashSecretName: 'prod/upstash' }],
  ])('gives each function exactly the variables its configuration reads (%s mode)', (mode, props) => {
    const stack = newStack();
    const coupons = new FcfsCoupon(stack, 'Coupons', props);
    const functions = Template.fromStack(stack).findResources('AWS::Lambda::Function');
    for (const [role, fn] of Object.entries(coupons.functions)) {
      const resource = functions[stack.getLogicalId(fn.node.defaultChild as never)];
      const set = Object.keys(resource?.Properties.Environment.Variables ?? {}).filter(
        (name) => name !== 'POWERTOOLS_SERVICE_NAME',
      );
      // The secret's id is set only in Redis mode, the issue function's reserved concurrency and the edge flag only
      // with their props (test/infra/drop-day.test.ts); the config reads them optionally.
      const read = FUNCTION_ENV[role as FunctionRole].filter(
        (name: string) =>
          (mode === 'Redis' || name !== ENV.UPSTASH_SECRET_ID) &&
          name !== ENV.ISSUE_RESERVED_CONCURRENCY &&
          name !== ENV.EDGE,
      );
      expect([role, set.sort()]).toEqual([role, [...read].sort()]);
    }
  });

  it('embeds two instances in one stack without id or output collisions', () => {
    const stack = newStack();
    new FcfsCoupon(stack, 'Spring');
    new FcfsCoupon(stack, 'Autumn', { upstashSecretName: 'prod/upstash', userAuth: 'none' });
    const template = Template.fromStack(stack);

    template.resourceCountIs('AWS::ApiGatewayV2::Api', 2);
    template.resourceCountIs('AWS::DynamoDB::Table', 10);
    template.resourceCountIs('AWS::Lambda::Function', 2 * Object.keys(HANDLERS).length);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 20);
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 2);
    const routeKeys = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map(
      (r) => r.Properties.RouteKey,
    );
    expect(routeKeys).toHaveLength(2 * ROUTES.length);
    // Each API routes to its own functions.
    const functionIds = Object.keys(template.findResources('AWS::Lambda::Function'));
    expect(functionIds.filter((id) => id.startsWith('Spring'))).toHaveLength(Object.keys(HANDLERS).length);
    expect(functionIds.filter((id) => id.startsWith('Autumn'))).toHaveLength(Object.keys(HANDLERS).length);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ ADMISSION_MODE: 'redis', AUTH_MODE: 'none' }) },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ ADMISSION_MODE: 'dynamodb', AUTH_MODE: 'jwt' }) },
    });
    expect(template.toJSON().Outputs ?? {}).toEqual({});
    // Each instance's functions tag their metrics with its path, and its alarms read only those.
    const instances = Object.values(template.findResources('AWS::Lambda::Function')).map(
      (fn) => fn.Properties.Environment.Variables.METRICS_INSTANCE,
    );
    expect(new Set(instances)).toEqual(new Set(['Shop/Spring', 'Shop/Autumn']));
    const invariantAlarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter(
      (a) => a.Properties.MetricName === 'InvariantViolations',
    );
    const instanceOf = (dimensions: { Name: string; Value: string }[]) =>
      dimensions.find((d) => d.Name === 'instance')?.Value;
    expect(invariantAlarms.map((a) => instanceOf(a.Properties.Dimensions)).sort()).toEqual([
      'Shop/Autumn',
      'Shop/Spring',
    ]);
  });

  it('trusts an existing user pool and client, and pages an existing topic from every alarm', () => {
    const stack = newStack();
    const pool = new UserPool(stack, 'ShopUsers');
    const client = new UserPoolClient(stack, 'ShopApp', { userPool: pool });
    const topic = new Topic(stack, 'OnCall');
    const coupons = new FcfsCoupon(stack, 'Coupons', {
      userPool: pool,
      userPoolClient: client,
      alarmTopic: topic,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const template = Template.fromStack(stack);
    const id = (c: { node: { defaultChild?: unknown } }) => stack.getLogicalId(c.node.defaultChild as never);

    template.resourceCountIs('AWS::Cognito::UserPool', 1);
    template.resourceCountIs('AWS::Cognito::UserPoolClient', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      JwtConfiguration: {
        Audience: [{ Ref: id(client) }],
        Issuer: { 'Fn::Join': ['', Match.arrayWith([{ Ref: id(pool) }])] },
      },
    });
    expect(coupons.userAuth.userPool).toBe(pool);
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(10);
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: id(topic) }]);
      expect(alarm.Properties.OKActions).toEqual([{ Ref: id(topic) }]);
    }
    for (const table of Object.values(template.findResources('AWS::DynamoDB::Table'))) {
      expect(table.DeletionPolicy).toBe('Delete');
    }
  });

  it.each<[string, FcfsCouponProps, RegExp]>([
    ['a user pool without its client', { userPoolClient: undefined, userPool: {} as never }, /userPoolClient/],
    [
      'a user pool outside cognito mode',
      { userAuth: 'none', userPool: {} as never, userPoolClient: {} as never },
      /cognito/,
    ],
    ['oidc without an issuer', { userAuth: 'oidc', oidcAudience: ['a'] }, /oidcIssuer/],
    ['oidc without an audience', { userAuth: 'oidc', oidcIssuer: 'https://id.example/' }, /oidcAudience/],
    ['oidc settings in cognito mode', { oidcIssuer: 'https://id.example/' }, /oidc/],
    ['a fractional throttle', { throttleRateLimit: 1.5 }, /throttleRateLimit must be an integer/],
    [
      'a consumer concurrency of 1',
      { consumerMaxConcurrency: 1 },
      /consumerMaxConcurrency must be an integer from 2 to 1000/,
    ],
    ['a negative reconcile grace', { reconcileGraceSeconds: -1 }, /reconcileGraceSeconds/],
    ['an empty secret name', { upstashSecretName: ' ' }, /upstashSecretName/],
    ['CORS for any origin', { corsAllowOrigins: ['*'] }, /\* is refused/],
    ['an operator token client in open mode', { userAuth: 'none', operatorTokenClient: true }, /operatorTokenClient/],
    [
      'an operator token client in oidc mode',
      { userAuth: 'oidc', oidcIssuer: 'https://id.example/', oidcAudience: ['a'], operatorTokenClient: true },
      /operatorTokenClient applies to the user pool the construct creates/,
    ],
    [
      'an operator token client for a given pool',
      { userPool: {} as never, userPoolClient: {} as never, operatorTokenClient: true },
      /operatorTokenClient .* not to a given userPool/,
    ],
    [
      'a context string for a flag',
      { operatorTokenClient: 'true' as never },
      /operatorTokenClient must be true or false/,
    ],
    ['a context string for edge', { edge: 'true' as never }, /edge must be true or false/],
    ['a bad alarm threshold', { alarmThresholds: { deadLetterMessages: -1 } }, /alarmThresholds\.deadLetterMessages/],
    ['an unknown bot defense', { botDefense: 'block' as never }, /botDefense must be one of challenge, captcha/],
    [
      'an unknown Bot Control level',
      { botDefense: 'challenge', botControlInspectionLevel: 'common' as never },
      /botControlInspectionLevel must be one of COMMON, TARGETED/,
    ],
    [
      'a token immunity under a minute',
      { botDefense: 'challenge', botTokenImmunitySeconds: 30 },
      /botTokenImmunitySeconds must be an integer from 60 to 259200 s/,
    ],
    [
      'a token immunity over three days',
      { botDefense: 'captcha', botTokenImmunitySeconds: 259_201 },
      /botTokenImmunitySeconds/,
    ],
    [
      'an issue rate limit per IP under WAF minimum',
      { botDefense: 'challenge', issueRateLimitPerIp: 5 },
      /issueRateLimitPerIp must be an integer from 10/,
    ],
    [
      'a fractional issue rate limit per JA4',
      { botDefense: 'challenge', issueRateLimitPerJa4: 100.5 },
      /issueRateLimitPerJa4 must be an integer/,
    ],
    ['a bot setting without botDefense', { issueRateLimitPerJa4: 1000 }, /issueRateLimitPerJa4 needs botDefense/],
    ['a token immunity without botDefense', { botTokenImmunitySeconds: 600 }, /botTokenImmunitySeconds needs/],
  ])('refuses %s with an error naming the prop', (_, props, message) => {
    expect(() => new FcfsCoupon(newStack(), 'Coupons', props)).toThrow(message);
  });
});
