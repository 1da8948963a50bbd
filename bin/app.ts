#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { FcfsCouponStack } from '../lib/fcfs-coupon-stack';

const app = new App();
const context = (key: string): string | undefined => app.node.tryGetContext(key) ?? undefined;
const number = (key: string) => (context(key) === undefined ? undefined : Number(context(key)));

new FcfsCouponStack(app, context('stackName') ?? 'FcfsCoupon', {
  upstashSecretName: context('upstashSecretName'),
  throttleRateLimit: number('throttleRateLimit'),
  throttleBurstLimit: number('throttleBurstLimit'),
  consumerMaxConcurrency: number('consumerMaxConcurrency'),
  reconcileGraceSeconds: number('reconcileGraceSeconds'),
  corsAllowOrigins: context('corsAllowOrigins')?.split(',').filter(Boolean),
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
