import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { FcfsCoupon, type FcfsCouponProps } from './fcfs-coupon';

/** Props of {@link FcfsCouponStack}: the construct's props and the stack's own. */
export interface FcfsCouponStackProps extends FcfsCouponProps, StackProps {}

/**
 * The product deployed on its own: one {@link FcfsCoupon} (construct id `Coupons`) and the outputs an operator and
 * the local cloud read: ApiUrl, AdmissionMode, AuthMode, and UserPoolId / UserPoolClientId (cognito),
 * OperatorClientId (with `operatorTokenClient`, for `npm run token`) or ProtectedApiUrl (WAF); for operating a
 * drop, DashboardUrl, AdminApiArn (the `execute-api:Invoke` resource of the admin routes, for the operators' IAM
 * policy), DeadLetterQueueName, FailedEventTableName and, with alarm actions, AlarmTopicArn; with the `console`
 * option, ConsoleUrl and DropPageUrl.
 */
export class FcfsCouponStack extends Stack {
  /** The stack's one FcfsCoupon (construct id `Coupons`). */
  readonly coupons: FcfsCoupon;

  constructor(scope: Construct, id: string, props: FcfsCouponStackProps = {}) {
    super(scope, id, props);
    this.coupons = new FcfsCoupon(this, 'Coupons', props);
    const { api, admissionMode, userAuth, edgeFirewall } = this.coupons;
    new CfnOutput(this, 'ApiUrl', { value: api.url });
    new CfnOutput(this, 'AdmissionMode', { value: admissionMode });
    new CfnOutput(this, 'AuthMode', { value: userAuth.description });
    if (userAuth.userPool && userAuth.userPoolClient) {
      new CfnOutput(this, 'UserPoolId', { value: userAuth.userPool.userPoolId });
      new CfnOutput(this, 'UserPoolClientId', { value: userAuth.userPoolClient.userPoolClientId });
    }
    if (userAuth.operatorClient) {
      new CfnOutput(this, 'OperatorClientId', {
        value: userAuth.operatorClient.userPoolClientId,
        description: 'App client of npm run token (admin-initiated sign-in of test users)',
      });
    }
    if (edgeFirewall) new CfnOutput(this, 'ProtectedApiUrl', { value: edgeFirewall.url });
    const { dashboard, deadLetterQueue, tables, alarmTopic } = this.coupons;
    new CfnOutput(this, 'DashboardUrl', { value: dashboard.url });
    new CfnOutput(this, 'AdminApiArn', {
      value: api.httpApi.arnForExecuteApi('*', '/v1/admin/*'),
      description: 'execute-api:Invoke resource of every admin route, for the operators IAM policy',
    });
    new CfnOutput(this, 'DeadLetterQueueName', { value: deadLetterQueue.queueName });
    new CfnOutput(this, 'FailedEventTableName', { value: tables.failedEvent.tableName });
    if (alarmTopic) new CfnOutput(this, 'AlarmTopicArn', { value: alarmTopic.topicArn });
    if (this.coupons.edge) new CfnOutput(this, 'EdgeApiUrl', { value: this.coupons.edge.url });
    if (this.coupons.console) {
      new CfnOutput(this, 'ConsoleUrl', {
        value: this.coupons.console.pageUrl('console'),
        description: 'Operator console; paste credentials of a role allowed execute-api:Invoke on AdminApiArn',
      });
      new CfnOutput(this, 'DropPageUrl', {
        value: this.coupons.console.pageUrl('drop'),
        description: 'Example drop page for integrators (?campaign=<campaignId>)',
      });
    }
  }
}
