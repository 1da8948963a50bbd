import { Duration } from 'aws-cdk-lib';
import type { FcfsCouponStackProps } from '../../src/construct/fcfs-coupon-stack';

/**
 * Every shape of the stack the infra tests synthesize for whole-template checks (cdk-nag, cfn-lint): each mode of
 * admission, user authorization (and the operators' token client), edge, WAF and bot defense, alarm actions and
 * thresholds, and the console at least once.
 */
export const STACK_SHAPES: [string, FcfsCouponStackProps][] = [
  ['Cognito, DynamoDB mode', {}],
  [
    "Cognito, Redis mode, operators' token client",
    { upstashSecretName: 'prod/upstash', corsAllowOrigins: ['https://shop.example.com'], operatorTokenClient: true },
  ],
  ['OIDC issuer', { userAuth: 'oidc', oidcIssuer: 'https://login.example.com/', oidcAudience: ['coupon-api'] }],
  ['auth=none (open mode)', { userAuth: 'none' }],
  ['WAF in front', { wafRateLimit: 2000, env: { account: '111111111111', region: 'us-east-1' } }],
  [
    'bot defense at the edge (challenge, TARGETED Bot Control), console and drop page',
    {
      botDefense: 'challenge',
      botControlInspectionLevel: 'TARGETED',
      botTokenImmunitySeconds: 600,
      console: true,
      env: { account: '111111111111', region: 'us-east-1' },
    },
  ],
  [
    "bot defense at the edge (captcha: the drop page's CAPTCHA API key), console and drop page",
    { botDefense: 'captcha', console: true, env: { account: '111111111111', region: 'us-east-1' } },
  ],
  [
    'Alarm e-mail topic, thresholds set',
    { alarmEmail: 'oncall@example.com', alarmThresholds: { api5xxRatePercent: 2.5, deadLetterAge: Duration.hours(1) } },
  ],
  [
    'edge in front, reserved issue concurrency',
    { edge: true, issueReservedConcurrency: 500, env: { account: '111111111111', region: 'eu-west-1' } },
  ],
  [
    'console and drop page (S3 + CloudFront), edge in front',
    { console: true, edge: true, corsAllowOrigins: ['https://shop.example.com'] },
  ],
];
