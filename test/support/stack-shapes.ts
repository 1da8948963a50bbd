import type { FcfsCouponStackProps } from '../../src/construct/fcfs-coupon-stack';

/**
 * Every shape of the stack the infra tests synthesize for whole-template checks (cdk-nag, cfn-lint): each mode of
 * admission, user authorization, edge, alarm actions and the console at least once.
 */
export const STACK_SHAPES: [string, FcfsCouponStackProps][] = [
  ['Cognito, DynamoDB mode', {}],
  ['Cognito, Redis mode', { upstashSecretName: 'prod/upstash', corsAllowOrigins: ['https://shop.example.com'] }],
  ['OIDC issuer', { userAuth: 'oidc', oidcIssuer: 'https://login.example.com/', oidcAudience: ['coupon-api'] }],
  ['auth=none (open mode)', { userAuth: 'none' }],
  ['WAF in front', { wafRateLimit: 2000, env: { account: '111111111111', region: 'us-east-1' } }],
  ['Alarm e-mail topic', { alarmEmail: 'oncall@example.com' }],
  [
    'edge in front, reserved issue concurrency',
    { edge: true, issueReservedConcurrency: 500, env: { account: '111111111111', region: 'eu-west-1' } },
  ],
  [
    'console and drop page (S3 + CloudFront), edge in front',
    { console: true, edge: true, corsAllowOrigins: ['https://shop.example.com'] },
  ],
];
