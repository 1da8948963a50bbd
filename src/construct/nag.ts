import type { IPolicyValidationPlugin } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * The cdk-nag rule packs this construct is checked against (AwsSolutions and Serverless), as policy validation
 * plugins: `Validations.of(app).addPlugins(...nagChecks(app))` fails the synth on a finding that is neither fixed
 * nor acknowledged with a reason (every acknowledgement of this construct sits next to what it acknowledges).
 * cdk-nag is an optional peer dependency: install it (`npm install cdk-nag`) to use this.
 * @throws Error when cdk-nag is not installed.
 */
export function nagChecks(scope: IConstruct): IPolicyValidationPlugin[] {
  let nag: typeof import('cdk-nag');
  try {
    nag = require('cdk-nag') as typeof import('cdk-nag');
  } catch (cause) {
    throw new Error('fcfs-coupon: nagChecks needs cdk-nag, an optional peer dependency: npm install cdk-nag', {
      cause,
    });
  }
  return [new nag.AwsSolutionsChecks(scope), new nag.ServerlessChecks(scope)];
}
