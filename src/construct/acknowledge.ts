import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** The cdk-nag packs the stack is checked against (test/infra/nag.test.ts and `cdk synth`). */
export type NagPack = 'AwsSolutions' | 'Serverless';

/**
 * Acknowledges cdk-nag findings on `scope` and everything under it, each with the reason it is acceptable here.
 * `rule` is the rule id with an optional finding, e.g. `AwsSolutions-IAM5[Resource::*]`; the pack prefix
 * (`AwsSolutions::`) that CDK's validation report expects is added.
 */
export function acknowledge(scope: IConstruct, pack: NagPack, findings: Record<string, string>): void {
  Validations.of(scope).acknowledge(
    ...Object.entries(findings).map(([rule, reason]) => ({ id: `${pack}::${rule}`, reason })),
  );
}
