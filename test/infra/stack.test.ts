import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { FcfsCouponStack } from '../../src/construct/fcfs-coupon-stack';
import { USER_COUPONS_INDEX, VENDORS_INDEX } from '../../src/contract/names';
import { localId } from '../support/template';

// Templates only: bundling is skipped here (the bench smoke test and every local cloud start bundle the functions).
const synth = (props: ConstructorParameters<typeof FcfsCouponStack>[2] = {}) =>
  Template.fromStack(new FcfsCouponStack(new App(), 'Test', props));
const dynamoMode = synth();
const redisMode = synth({ upstashSecretName: 'prod/upstash' });

jest.setTimeout(120_000);

describe('infra: FcfsCouponStack', () => {
  it('runs every function on Node.js 24 arm64 with an explicit timeout and memory', () => {
    const functions = dynamoMode.findResources('AWS::Lambda::Function');
    expect(Object.keys(functions)).toHaveLength(11);
    for (const fn of Object.values(functions)) {
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'] });
      expect(fn.Properties.Timeout).toBeGreaterThan(0);
      expect(fn.Properties.MemorySize).toBeGreaterThanOrEqual(512);
    }
  });

  it("runs locally on the Node.js it deploys on: the node devDependency's major is every function's runtime", () => {
    const pkg = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
      devDependencies: Record<string, string>;
    };
    const runtime = `nodejs${pkg.devDependencies.node?.split('.')[0]}.x`;
    for (const fn of Object.values(dynamoMode.findResources('AWS::Lambda::Function'))) {
      expect(fn.Properties.Runtime).toBe(runtime);
    }
  });

  it('redrives the issue queue to a dead-letter queue after at least 5 receives', () => {
    dynamoMode.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: Match.anyValue() },
      VisibilityTimeout: 180,
    });
    const queues = Object.values(dynamoMode.findResources('AWS::SQS::Queue'));
    const redrive = queues.find((q) => q.Properties.RedrivePolicy)?.Properties.RedrivePolicy;
    expect(redrive.maxReceiveCount).toBeGreaterThanOrEqual(5);
  });

  it('maps the queue to the consumer with partial batch responses, a batching window and a concurrency cap', () => {
    dynamoMode.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 25,
      MaximumBatchingWindowInSeconds: 1,
      ScalingConfig: { MaximumConcurrency: 10 },
    });
  });

  it('keeps every table on demand with point-in-time recovery, and expires admission state by TTL', () => {
    const tables = Object.values(dynamoMode.findResources('AWS::DynamoDB::Table'));
    expect(tables).toHaveLength(5);
    for (const table of tables) {
      expect(table.Properties).toMatchObject({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      });
    }
    dynamoMode.hasResourceProperties('AWS::DynamoDB::Table', {
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  it("indexes coupons by user and admission instant for a user's coupon list", () => {
    dynamoMode.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: [
        Match.objectLike({
          IndexName: USER_COUPONS_INDEX,
          KeySchema: [
            { AttributeName: 'userId', KeyType: 'HASH' },
            { AttributeName: 'admittedAt', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        }),
      ],
    });
  });

  it('indexes vendor profiles only (a sparse index without the settlement account) for the vendor list', () => {
    dynamoMode.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'vendorId', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: VENDORS_INDEX,
          KeySchema: [
            { AttributeName: 'listing', KeyType: 'HASH' },
            { AttributeName: 'vendorId', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['name', 'currency', 'createdAt'] },
        },
      ],
    });
  });

  it('writes the outputs an operator and the local cloud read, and only the stack writes them', () => {
    expect(Object.keys(dynamoMode.toJSON().Outputs).sort()).toEqual([
      'AdminApiArn',
      'AdmissionMode',
      'ApiUrl',
      'AuthMode',
      'DashboardUrl',
      'DeadLetterQueueName',
      'FailedEventTableName',
      'UserPoolClientId',
      'UserPoolId',
    ]);
    dynamoMode.hasOutput('AdmissionMode', { Value: 'dynamodb' });
    redisMode.hasOutput('AdmissionMode', { Value: 'redis' });
    dynamoMode.hasOutput('AuthMode', { Value: 'jwt (cognito)' });
  });

  it("outputs the operators' app client of npm run token only when operatorTokenClient asks for it", () => {
    const withClient = synth({ operatorTokenClient: true });
    const [operatorClient] = Object.keys(withClient.findResources('AWS::Cognito::UserPoolClient')).filter((id) =>
      localId(id).startsWith('OperatorClient'),
    );
    expect(operatorClient).toBeDefined();
    withClient.hasOutput('OperatorClientId', { Value: { Ref: operatorClient } });
    expect(dynamoMode.findOutputs('OperatorClientId')).toEqual({});
  });

  it('replays the dead-letter queue every minute', () => {
    dynamoMode.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 minute)' });
  });

  it('throttles the HTTP API stage and routes the documented endpoints', () => {
    dynamoMode.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingRateLimit: 5000, ThrottlingBurstLimit: 5000 },
    });
    const routeKeys = Object.values(dynamoMode.findResources('AWS::ApiGatewayV2::Route')).map(
      (r) => r.Properties.RouteKey,
    );
    expect(routeKeys.sort()).toEqual([
      'GET /v1/admin/campaigns',
      'GET /v1/admin/campaigns/{campaignId}',
      'GET /v1/admin/campaigns/{campaignId}/days/{issueDate}/winners',
      'GET /v1/admin/campaigns/{campaignId}/stats',
      'GET /v1/admin/failed-events',
      'GET /v1/admin/vendors',
      'GET /v1/admin/vendors/{vendorId}',
      'GET /v1/campaigns/{campaignId}',
      'GET /v1/campaigns/{campaignId}/count',
      'GET /v1/campaigns/{campaignId}/users/{userId}/coupon',
      'GET /v1/users/me/coupons',
      'PATCH /v1/admin/campaigns/{campaignId}',
      'POST /v1/admin/campaigns',
      'POST /v1/admin/campaigns/{campaignId}/close',
      'POST /v1/admin/failed-events/redrive',
      'POST /v1/admin/failed-events/{failedEventId}/redrive',
      'POST /v1/admin/vendors',
      'POST /v1/campaigns/{campaignId}/issue',
      'POST /v1/checkout/quotes',
      'POST /v1/checkout/redemptions',
      'POST /v1/checkout/redemptions/{redemptionId}/refund',
    ]);
  });

  it('alarms on dead-letter queue depth and on parked failures', () => {
    dynamoMode.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ApproximateNumberOfMessagesVisible' });
    dynamoMode.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Parked', Namespace: 'FcfsCoupon' });
  });

  it('runs DynamoDB admission by default, with no secret and no Redis settings', () => {
    dynamoMode.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ ADMISSION_MODE: 'dynamodb', POWERTOOLS_SERVICE_NAME: 'issue-coupon' }),
      },
    });
    expect(JSON.stringify(dynamoMode.toJSON())).not.toContain('UPSTASH');
  });

  it('in Redis mode names the Upstash secret, never its contents, and lets only the ledger readers read it', () => {
    redisMode.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ ADMISSION_MODE: 'redis', UPSTASH_SECRET_ID: 'prod/upstash' }) },
    });
    const json = JSON.stringify(redisMode.toJSON());
    expect(json).not.toMatch(/UPSTASH_REDIS_REST_(URL|TOKEN)/);
    const policies = Object.values(redisMode.findResources('AWS::IAM::Policy'));
    const readers = policies
      .filter((p) => JSON.stringify(p).includes('secretsmanager:GetSecretValue'))
      .map((p) => localId(String(p.Properties.PolicyName)).replace(/Role.*$/, ''));
    expect(readers.sort()).toEqual([
      'AdminCampaignsFunction',
      'AdminFailedEventsFunction',
      'ConsumeAdmissionsFunction',
      'IssueCouponFunction',
      'QueryIssuanceFunction',
      'ReplayAndReconcileFunction',
    ]);
  });

  it('writes the vendor ledger only from the checkout, and the vendors only from the vendor admin', () => {
    const policies = Object.values(dynamoMode.findResources('AWS::IAM::Policy'));
    const vendorTable = Object.keys(dynamoMode.findResources('AWS::DynamoDB::Table')).find((id) =>
      localId(id).startsWith('VendorTable'),
    );
    const writers = policies
      .filter((p) =>
        (p.Properties.PolicyDocument.Statement as { Action: string[]; Resource: unknown }[]).some(
          (st) =>
            [st.Action].flat().includes('dynamodb:PutItem') && JSON.stringify(st.Resource).includes(`${vendorTable}`),
        ),
      )
      .map((p) => localId(String(p.Properties.PolicyName)).replace(/Role.*$/, ''));
    expect(writers.sort()).toEqual(['AdminVendorsFunction', 'CheckoutFunction']);
  });

  it('lets the replay function (reconciliation) and the admin redrive re-enqueue admissions, and alarms on invariant violations', () => {
    const policies = Object.entries(redisMode.findResources('AWS::IAM::Policy'));
    const senders = policies
      .filter(([, p]) => JSON.stringify(p).includes('sqs:SendMessage'))
      .map(([, p]) => localId(String(p.Properties.PolicyName)).replace(/Role.*$/, ''));
    expect(senders.sort()).toEqual(['AdminFailedEventsFunction', 'IssueCouponFunction', 'ReplayAndReconcileFunction']);
    redisMode.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'InvariantViolations',
      Namespace: 'FcfsCoupon',
      Threshold: 0,
    });
    redisMode.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ RECONCILE_GRACE_SECONDS: '300', ISSUE_QUEUE_URL: Match.anyValue() }),
      },
    });
  });
});
