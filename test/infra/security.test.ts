import { App } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { routeThrottles } from '../../src/construct/api';
import { FcfsCouponStack, type FcfsCouponStackProps } from '../../src/construct/fcfs-coupon-stack';
import { userAuthFromContext } from '../../src/construct/user-auth';
import { checkCorsOrigins } from '../../src/construct/validate';
import { localId } from '../support/template';

// Identity, least privilege and closed doors, read off the synthesized template (bundling skipped).

const stackOf = (props: FcfsCouponStackProps = {}) => new FcfsCouponStack(new App(), 'Test', props);
const cognito = Template.fromStack(stackOf());
const redis = Template.fromStack(stackOf({ upstashSecretName: 'prod/upstash' }));
const openStack = stackOf({ userAuth: 'none' });
const open = Template.fromStack(openStack);

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

const USER_ROUTES = [
  'POST /v1/campaigns/{campaignId}/issue',
  'GET /v1/campaigns/{campaignId}/users/{userId}/coupon',
  'GET /v1/users/me/coupons',
];

/** `AuthorizationType` of every route, by route key. */
function authorizationByRoute(template: Template): Record<string, string> {
  return Object.fromEntries(
    Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((r) => [
      r.Properties.RouteKey as string,
      (r.Properties.AuthorizationType as string | undefined) ?? 'NONE',
    ]),
  );
}

/** Logical id prefix of a resource (`CouponTable5CC7F15E` -> `CouponTable`), from the ids the template uses. */
function resourcePrefixes(template: Template): Map<string, string> {
  const known = [
    'CampaignTable',
    'AdmissionTable',
    'CouponTable',
    'VendorTable',
    'FailedEventTable',
    'IssueDeadLetterQueue',
    'IssueQueue',
    'Schedules',
    'SchedulerRole',
    'ApplyPrewarmFunction',
    'IssueAlias',
    'ProofOfWorkKey',
    'EventBus',
  ];
  const map = new Map<string, string>();
  for (const logicalId of Object.keys(template.toJSON().Resources)) {
    const id = localId(logicalId);
    const prefix = known.find((k) => id.startsWith(k) && !id.startsWith(`${k}Policy`));
    if (prefix) map.set(logicalId, prefix);
    const logs = /^(\w+Function)Logs[0-9A-F]{8}$/.exec(id);
    if (logs) map.set(logicalId, `${logs[1]}Logs`);
  }
  return map;
}

/** What each function's role may do, as `{function: {resource: access}}`: read/write, send/consume, secret, logs. */
function accessMatrix(template: Template): Record<string, Record<string, string>> {
  const prefixes = resourcePrefixes(template);
  const matrix: Record<string, Record<string, string>> = {};
  for (const [id, policy] of Object.entries(template.findResources('AWS::IAM::Policy'))) {
    const fn = localId(id).replace(/Role.*$/, '');
    const rights = matrix[fn] ?? {};
    matrix[fn] = rights;
    for (const st of policy.Properties.PolicyDocument.Statement as Statement[]) {
      const actions = [st.Action].flat();
      expect(st.Effect).toBe('Allow');
      // Lambda's DynamoDB event sources list the streams of the account: ListStreams takes no resource.
      if (actions.every((a) => a === 'dynamodb:ListStreams')) {
        expect(st.Resource).toBe('*');
        continue;
      }
      if (actions.every((a) => a.startsWith('xray:'))) {
        expect(st.Resource).toBe('*');
        continue;
      }
      // No action wildcard beyond a service's read-only Get*/Describe* families; no resource wildcard.
      expect(actions.filter((a) => a.endsWith(':*'))).toEqual([]);
      expect(JSON.stringify(st.Resource)).not.toBe('"*"');
      const targets = new Set<string>();
      const json = JSON.stringify(st.Resource);
      for (const [logicalId, prefix] of prefixes) if (json.includes(`"${logicalId}"`)) targets.add(prefix);
      if (json.includes('prod/upstash')) targets.add('UpstashSecret');
      expect(targets.size).toBeGreaterThan(0);
      let access: string;
      if (actions.some((a) => a.startsWith('secretsmanager:'))) access = 'secret';
      else if (actions.some((a) => a.startsWith('logs:'))) access = 'logs';
      else if (actions.includes('sqs:SendMessage')) access = 'send';
      else if (actions.includes('sqs:ReceiveMessage')) access = 'consume';
      else if (actions.some((a) => /dynamodb:(PutItem|UpdateItem|DeleteItem|BatchWriteItem)/.test(a))) access = 'write';
      else if (actions.every((a) => a.startsWith('dynamodb:'))) access = 'read';
      else if (actions.every((a) => a.startsWith('scheduler:'))) access = 'schedule';
      else if (actions.every((a) => a === 'events:PutEvents')) access = 'publish';
      else if (actions.every((a) => a === 'iam:PassRole')) access = 'passRole';
      else if (actions.every((a) => a === 'lambda:InvokeFunction')) access = 'invoke';
      else if (actions.every((a) => /^lambda:\w+ProvisionedConcurrencyConfig$/.test(a))) access = 'provision';
      else throw new Error(`unclassified actions ${actions.join(',')} in ${id}`);
      for (const target of targets) {
        // write implies read; keep the strongest.
        if (rights[target] !== 'write') rights[target] = access;
      }
    }
  }
  return matrix;
}

describe('infra: identity and access', () => {
  it('puts user routes behind a Cognito JWT authorizer by default, admin and checkout routes behind IAM, and leaves only the count and the public view public', () => {
    cognito.resourceCountIs('AWS::Cognito::UserPool', 1);
    cognito.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      ExplicitAuthFlows: Match.arrayWith(['ALLOW_USER_SRP_AUTH']),
      PreventUserExistenceErrors: 'ENABLED',
    });
    const pool = Object.keys(cognito.findResources('AWS::Cognito::UserPool'))[0] as string;
    const clients = cognito.findResources('AWS::Cognito::UserPoolClient');
    // One client by default: the public app client, which signs in by SRP only.
    expect(Object.keys(clients)).toHaveLength(1);
    const client = Object.keys(clients).find((id) => id.includes('AppClient')) as string;
    expect(clients[client]?.Properties.ExplicitAuthFlows).toEqual(['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']);
    cognito.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Audience: [{ Ref: client }],
        Issuer: {
          'Fn::Join': ['', Match.arrayWith(['https://cognito-idp.', { Ref: pool }])],
        },
      },
    });
    const byRoute = authorizationByRoute(cognito);
    for (const route of USER_ROUTES) expect([route, byRoute[route]]).toEqual([route, 'JWT']);
    for (const [route, type] of Object.entries(byRoute)) {
      if (route.includes('/v1/admin/') || route.includes('/v1/checkout/'))
        expect([route, type]).toEqual([route, 'AWS_IAM']);
    }
    expect(Object.keys(byRoute).filter((r) => r.includes('/v1/checkout/'))).toHaveLength(3);
    expect(byRoute['GET /v1/campaigns/{campaignId}/count']).toBe('NONE');
    expect(byRoute['GET /v1/campaigns/{campaignId}']).toBe('NONE');
    expect(Object.values(byRoute).filter((t) => t === 'NONE')).toHaveLength(2);
  });

  it("adds the operators' client (AdminInitiateAuth only, IAM) to the audience only with operatorTokenClient", () => {
    const withOperator = Template.fromStack(stackOf({ operatorTokenClient: true }));
    const clients = withOperator.findResources('AWS::Cognito::UserPoolClient');
    const client = Object.keys(clients).find((id) => id.includes('AppClient')) as string;
    const operator = Object.keys(clients).find((id) => id.includes('OperatorClient')) as string;
    expect(clients[client]?.Properties.ExplicitAuthFlows).toEqual(['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']);
    expect(clients[operator]?.Properties).toMatchObject({
      ExplicitAuthFlows: ['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      GenerateSecret: false,
      PreventUserExistenceErrors: 'ENABLED',
    });
    withOperator.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      JwtConfiguration: Match.objectLike({ Audience: [{ Ref: client }, { Ref: operator }] }),
    });
  });

  it('tells the user-facing functions to take the caller from the token, and no function from the request', () => {
    const functions = Object.entries(cognito.findResources('AWS::Lambda::Function'));
    const modes = Object.fromEntries(
      functions.map(([id, fn]) => [
        localId(id).replace(/[0-9A-F]{8}$/, ''),
        fn.Properties.Environment?.Variables?.AUTH_MODE,
      ]),
    );
    expect(modes).toEqual({
      IssueCouponFunction: 'jwt',
      QueryIssuanceFunction: 'jwt',
      UserCouponsFunction: 'jwt',
      CheckoutFunction: undefined,
      AdminCampaignsFunction: undefined,
      AdminVendorsFunction: undefined,
      ConsumeAdmissionsFunction: undefined,
      ReplayAndReconcileFunction: undefined,
    });
  });

  it('trusts any OIDC issuer and audience from context, with no user pool', () => {
    const oidc = Template.fromStack(
      stackOf({ userAuth: 'oidc', oidcIssuer: 'https://login.example.com/', oidcAudience: ['coupon-api', 'app'] }),
    );
    oidc.resourceCountIs('AWS::Cognito::UserPool', 0);
    oidc.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      JwtConfiguration: { Issuer: 'https://login.example.com/', Audience: ['coupon-api', 'app'] },
    });
    const ctx = (values: Record<string, string>) => (key: string) => values[key];
    expect(userAuthFromContext(ctx({}))).toEqual({ userAuth: 'cognito' });
    expect(userAuthFromContext(ctx({ auth: 'oidc', oidcIssuer: 'https://id.example/', oidcAudience: 'a, b' }))).toEqual(
      { userAuth: 'oidc', oidcIssuer: 'https://id.example/', oidcAudience: ['a', 'b'] },
    );
    expect(() =>
      userAuthFromContext(ctx({ auth: 'oidc', oidcIssuer: 'http://id.example/', oidcAudience: 'a' })),
    ).toThrow(/https/);
    expect(() => userAuthFromContext(ctx({ auth: 'oidc', oidcIssuer: 'https://id.example/' }))).toThrow(/oidcAudience/);
    expect(() => userAuthFromContext(ctx({ auth: 'jwt' }))).toThrow(/cognito, oidc or none/);
  });

  it('in auth=none opens only the user routes, says so loudly at synth, and keeps admin routes on IAM', () => {
    open.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 0);
    open.resourceCountIs('AWS::Cognito::UserPool', 0);
    const byRoute = authorizationByRoute(open);
    for (const route of USER_ROUTES) expect(byRoute[route]).toBe('NONE');
    for (const [route, type] of Object.entries(byRoute)) {
      if (route.includes('/v1/admin/') || route.includes('/v1/checkout/')) expect(type).toBe('AWS_IAM');
    }
    Annotations.fromStack(openStack).hasWarning('*', Match.stringLikeRegexp('AUTH IS OFF \\(auth=none\\)'));
    open.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ AUTH_MODE: 'none', POWERTOOLS_SERVICE_NAME: 'issue-coupon' }) },
    });
  });

  it('reaches from each function only its own resources, with the least access it needs', () => {
    const own = (fn: string) => ({ [`${fn}Logs`]: 'logs' });
    expect(accessMatrix(cognito)).toEqual({
      IssueCouponFunction: {
        ...own('IssueCouponFunction'),
        CampaignTable: 'read',
        AdmissionTable: 'write',
        IssueQueue: 'send',
        // The proof-of-work signing key, read once per instance.
        ProofOfWorkKey: 'secret',
      },
      QueryIssuanceFunction: {
        ...own('QueryIssuanceFunction'),
        CampaignTable: 'read',
        AdmissionTable: 'read',
        CouponTable: 'read',
        // The public view names the campaign's vendor.
        VendorTable: 'read',
      },
      AdminCampaignsFunction: {
        ...own('AdminCampaignsFunction'),
        CampaignTable: 'write',
        AdmissionTable: 'write',
        VendorTable: 'read',
        CouponTable: 'read',
        FailedEventTable: 'read',
        // Its campaigns' pre-warm schedules, in the construct's group, run as the scheduler role.
        Schedules: 'schedule',
        SchedulerRole: 'passRole',
      },
      // A redrive asks the admission ledger whether it still holds the admission (and the campaign's time zone).
      AdminFailedEventsFunction: {
        ...own('AdminFailedEventsFunction'),
        CampaignTable: 'read',
        AdmissionTable: 'read',
        FailedEventTable: 'write',
        IssueQueue: 'send',
      },
      // Only the applier changes provisioned concurrency, and only on the issue function's alias.
      ApplyPrewarmFunction: { ...own('ApplyPrewarmFunction'), CampaignTable: 'read', IssueAlias: 'provision' },
      Scheduler: { ApplyPrewarmFunction: 'invoke' },
      AdminVendorsFunction: { ...own('AdminVendorsFunction'), VendorTable: 'write' },
      // A holder lists its coupons; only the checkout redeems and refunds.
      UserCouponsFunction: { ...own('UserCouponsFunction'), CouponTable: 'read', AdmissionTable: 'read' },
      CheckoutFunction: {
        ...own('CheckoutFunction'),
        CouponTable: 'write',
        VendorTable: 'write',
        AdmissionTable: 'write',
      },
      ConsumeAdmissionsFunction: {
        ...own('ConsumeAdmissionsFunction'),
        CampaignTable: 'read',
        CouponTable: 'write',
        AdmissionTable: 'write',
        IssueQueue: 'consume',
      },
      ReplayAndReconcileFunction: {
        ...own('ReplayAndReconcileFunction'),
        CampaignTable: 'read',
        CouponTable: 'write',
        AdmissionTable: 'write',
        FailedEventTable: 'write',
        IssueDeadLetterQueue: 'consume',
        IssueQueue: 'send',
      },
      // The four tables' streams (read), the campaign table for a day's quota, and its bus.
      PublishEventsFunction: {
        ...own('PublishEventsFunction'),
        CampaignTable: 'read',
        CouponTable: 'read',
        VendorTable: 'read',
        AdmissionTable: 'read',
        FailedEventTable: 'read',
        EventBus: 'publish',
      },
    });
    // Redis mode: the admission ledger is in Redis, so the issue and admin functions only read the table there,
    // and the six ledger readers (the consumer claims admissions in it, the admin redrive checks it) read the secret.
    const redisMatrix = accessMatrix(redis);
    expect(redisMatrix.IssueCouponFunction).toMatchObject({ AdmissionTable: 'read', UpstashSecret: 'secret' });
    const secretReaders = Object.entries(redisMatrix)
      .filter(([, rights]) => rights.UpstashSecret === 'secret')
      .map(([fn]) => fn);
    expect(secretReaders.sort()).toEqual([
      'AdminCampaignsFunction',
      'AdminFailedEventsFunction',
      'ConsumeAdmissionsFunction',
      'IssueCouponFunction',
      'QueryIssuanceFunction',
      'ReplayAndReconcileFunction',
    ]);
    // No function role carries a managed policy (AWSLambdaBasicExecutionRole reaches every log group).
    for (const role of Object.values(cognito.findResources('AWS::IAM::Role'))) {
      expect(role.Properties.ManagedPolicyArns ?? []).toEqual([]);
    }
  });

  it('encrypts every table and queue at rest, refuses plain-HTTP queue access, and keeps secrets out of the environment', () => {
    for (const table of Object.values(cognito.findResources('AWS::DynamoDB::Table'))) {
      expect(table.Properties.SSESpecification).toEqual({ SSEEnabled: true });
    }
    for (const queue of Object.values(cognito.findResources('AWS::SQS::Queue'))) {
      expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
    }
    const queuePolicies = Object.values(cognito.findResources('AWS::SQS::QueuePolicy'));
    expect(queuePolicies).toHaveLength(2);
    for (const policy of queuePolicies) {
      expect(JSON.stringify(policy)).toContain('"aws:SecureTransport":"false"');
    }
    for (const template of [cognito, redis]) {
      for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) {
        for (const [name, value] of Object.entries(fn.Properties.Environment?.Variables ?? {})) {
          expect(name).not.toMatch(/TOKEN|PASSWORD|SECRET_VALUE|PRIVATE/);
          if (typeof value === 'string') expect(value).not.toMatch(/^[A-Za-z0-9+/=_-]{32,}$/);
        }
      }
    }
  });

  it('throttles every route (issue at the stage default, admin least) and logs every request', () => {
    const stage = Object.values(cognito.findResources('AWS::ApiGatewayV2::Stage'))[0];
    expect(stage?.Properties.DefaultRouteSettings).toEqual({ ThrottlingRateLimit: 5000, ThrottlingBurstLimit: 5000 });
    const settings = stage?.Properties.RouteSettings as Record<string, Record<string, number>>;
    const routes = Object.keys(authorizationByRoute(cognito));
    // Every throttled key is a real route, and every route but issue has its own throttle.
    expect(Object.keys(settings).filter((k) => !routes.includes(k))).toEqual([]);
    expect(routes.filter((r) => !settings[r])).toEqual(['POST /v1/campaigns/{campaignId}/issue']);
    for (const [route, t] of Object.entries(routeThrottles())) {
      expect(settings[route]).toEqual({ ThrottlingRateLimit: t.rateLimit, ThrottlingBurstLimit: t.burstLimit });
      if (route.includes('/v1/admin/')) expect(t.rateLimit).toBeLessThanOrEqual(50);
    }
    // The stage is created after the routes its RouteSettings name (CloudFormation refuses unknown route keys).
    const routeIds = Object.keys(cognito.findResources('AWS::ApiGatewayV2::Route'));
    expect(routeIds.filter((id) => !((stage?.DependsOn ?? []) as string[]).includes(id))).toEqual([]);
    expect(stage?.Properties.AccessLogSettings.Format).toContain('$context.identity.sourceIp');
    expect(stage?.Properties.AccessLogSettings.Format).toContain('$context.authorizer.error');
  });

  it('allows CORS only from the configured origins, never *', () => {
    expect(
      cognito.findResources('AWS::ApiGatewayV2::Api', { Properties: { CorsConfiguration: Match.anyValue() } }),
    ).toEqual({});
    const origins = ['https://shop.example.com', 'http://localhost:5173'];
    const cors = Template.fromStack(stackOf({ corsAllowOrigins: origins }));
    cors.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({
        AllowOrigins: origins,
        // A user's bearer token, and an admin's SigV4 signature with temporary credentials (the console).
        AllowHeaders: [
          'content-type',
          'authorization',
          'x-amz-date',
          'x-amz-security-token',
          'x-amz-content-sha256',
          'x-aws-waf-token',
          'x-proof-of-work',
        ],
        AllowMethods: ['GET', 'POST', 'PATCH'],
        // The winners CSV's figures and next-page cursor (src/contract/api-contract.ts), and its file name.
        ExposeHeaders: ['content-disposition', 'x-quota', 'x-admitted', 'x-persisted', 'x-next-cursor'],
      }),
    });
    for (const bad of ['*', 'https://*.example.com', 'http://shop.example.com', 'shop.example.com', 'https://a.com/']) {
      expect(() => checkCorsOrigins([bad])).toThrow(/corsAllowOrigins/);
    }
    expect(() => stackOf({ corsAllowOrigins: ['*'] })).toThrow(/\* is refused/);
  });

  it('puts an optional WAF rate limit per client IP in front of the API (CloudFront, us-east-1)', () => {
    cognito.resourceCountIs('AWS::WAFv2::WebACL', 0);
    const waf = Template.fromStack(
      stackOf({ wafRateLimit: 1000, env: { account: '111111111111', region: 'us-east-1' } }),
    );
    waf.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'CLOUDFRONT',
      Rules: Match.arrayWith([
        Match.objectLike({
          Action: { Block: {} },
          Statement: { RateBasedStatement: { Limit: 1000, AggregateKeyType: 'IP' } },
        }),
      ]),
    });
    waf.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({ WebACLId: Match.anyValue() }),
    });
    expect(() => stackOf({ wafRateLimit: 1000, env: { account: '111111111111', region: 'eu-west-1' } })).toThrow(
      /us-east-1/,
    );
    expect(() => stackOf({ wafRateLimit: 5, env: { account: '111111111111', region: 'us-east-1' } })).toThrow(/>= 10/);
    // The bot defense lives in the same web ACL, so it needs the same region.
    expect(() => stackOf({ botDefense: 'challenge', env: { account: '111111111111', region: 'eu-west-1' } })).toThrow(
      /\(wafRateLimit, botDefense\) need the stack in us-east-1/,
    );
  });

  it("with botDefense 'captcha' and the console, lets the API key's custom resource create and delete API keys only", () => {
    const bots = Template.fromStack(
      stackOf({ botDefense: 'captcha', console: true, env: { account: '111111111111', region: 'us-east-1' } }),
    );
    // WAF's API key actions take no resource ARN (IAM service authorization reference), hence '*'.
    bots.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          { Action: 'wafv2:CreateAPIKey', Effect: 'Allow', Resource: '*' },
          { Action: 'wafv2:DeleteAPIKey', Effect: 'Allow', Resource: '*' },
        ],
      },
    });
  });

  it("with botDefense, lets the integration URL's custom resource read only its own web ACL", () => {
    const bots = Template.fromStack(
      stackOf({ botDefense: 'captcha', env: { account: '111111111111', region: 'us-east-1' } }),
    );
    const [webAcl] = Object.keys(bots.findResources('AWS::WAFv2::WebACL'));
    bots.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [{ Action: 'wafv2:GetWebACL', Effect: 'Allow', Resource: { 'Fn::GetAtt': [webAcl, 'Arn'] } }],
      },
    });
  });
});
