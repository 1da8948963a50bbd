#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import {
  type BotControlInspectionLevel,
  type BotDefenseAction,
  FcfsCouponStack,
  nagChecks,
  userAuthFromContext,
} from '../src';

const app = new App();
const context = (key: string): string | undefined => app.node.tryGetContext(key) ?? undefined;
const number = (key: string) => (context(key) === undefined ? undefined : Number(context(key)));
/** A yes/no context key: `-c key=true` on the command line, or `"key": true` in cdk.json. */
const flag = (key: string): boolean | undefined => {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined) return undefined;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new Error(`context ${key} must be true or false, not ${JSON.stringify(value)}`);
};

const auth = userAuthFromContext(context);
if (auth.userAuth === 'none') {
  // Loud on purpose: an open deployment lets anyone claim coupons as anyone.
  console.warn(
    `\n${'!'.repeat(100)}\n!! auth=none: the user routes are OPEN. Any caller can act as any userId.\n${'!'.repeat(100)}\n`,
  );
}

new FcfsCouponStack(app, context('stackName') ?? 'FcfsCoupon', {
  ...auth,
  upstashSecretName: context('upstashSecretName'),
  throttleRateLimit: number('throttleRateLimit'),
  throttleBurstLimit: number('throttleBurstLimit'),
  consumerMaxConcurrency: number('consumerMaxConcurrency'),
  reconcileGraceSeconds: number('reconcileGraceSeconds'),
  corsAllowOrigins: context('corsAllowOrigins')?.split(',').filter(Boolean),
  wafRateLimit: number('wafRateLimit'),
  // Bot defense of the issue route at the edge (us-east-1): `-c botDefense=challenge|captcha`; the construct
  // refuses any other value, naming the key.
  botDefense: context('botDefense') as BotDefenseAction | undefined,
  botControlInspectionLevel: context('botControlInspectionLevel') as BotControlInspectionLevel | undefined,
  botTokenImmunitySeconds: number('botTokenImmunitySeconds'),
  issueRateLimitPerIp: number('issueRateLimitPerIp'),
  issueRateLimitPerJa4: number('issueRateLimitPerJa4'),
  alarmEmail: context('alarmEmail'),
  edge: flag('edge'),
  console: flag('console'),
  // The operators' app client of `npm run token` (smoke and load tests against this deployment).
  operatorTokenClient: flag('operatorTokenClient'),
  issueReservedConcurrency: number('issueReservedConcurrency'),
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});

// cdk-nag (AwsSolutions and Serverless packs): a finding that is neither fixed nor acknowledged with a reason fails
// the synth. `-c nag=false` skips it (the local cloud does; test/infra/nag.test.ts checks every mode).
if (context('nag') !== 'false') {
  Validations.of(app).addPlugins(...nagChecks(app));
}
