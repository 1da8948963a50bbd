import {
  LOCAL_ACCOUNT,
  LOCAL_REGION,
  type PhysicalResource,
  resourcesOfType,
  type SynthesizedStack,
} from '../template';

/**
 * Records in `physical` the resources the local cloud references but does not run, so that references to them
 * resolve: the Cognito user pool and its client (the local issuer signs tokens with the pool's issuer URL, see
 * tools/local/authorizers.ts), the log groups, IAM roles (the scheduler's role, which the admin function passes on) and
 * schedule groups (whose schedules the local Scheduler holds, tools/local/scheduler.ts).
 */
export function registerStandIns(stack: SynthesizedStack, physical: Record<string, PhysicalResource>): void {
  for (const [id] of resourcesOfType(stack, 'AWS::Cognito::UserPool')) {
    const poolId = `${LOCAL_REGION}_local${id.slice(0, 8)}`;
    physical[id] = {
      ref: poolId,
      attributes: {
        Arn: `arn:aws:cognito-idp:${LOCAL_REGION}:${LOCAL_ACCOUNT}:userpool/${poolId}`,
        ProviderName: `cognito-idp.${LOCAL_REGION}.amazonaws.com/${poolId}`,
        ProviderURL: `https://cognito-idp.${LOCAL_REGION}.amazonaws.com/${poolId}`,
        UserPoolId: poolId,
      },
    };
  }
  for (const [id] of resourcesOfType(stack, 'AWS::Cognito::UserPoolClient')) {
    const clientId = `local${id.replace(/[^a-zA-Z0-9]/g, '').toLowerCase()}`.slice(0, 26);
    physical[id] = { ref: clientId, attributes: { ClientId: clientId } };
  }
  for (const [id] of resourcesOfType(stack, 'AWS::IAM::Role')) {
    physical[id] = { ref: id, attributes: { Arn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/${id}` } };
  }
  for (const [id] of resourcesOfType(stack, 'AWS::Scheduler::ScheduleGroup')) {
    physical[id] = {
      ref: id,
      attributes: { Arn: `arn:aws:scheduler:${LOCAL_REGION}:${LOCAL_ACCOUNT}:schedule-group/${id}` },
    };
  }
  for (const [id] of resourcesOfType(stack, 'AWS::Logs::LogGroup')) {
    physical[id] = {
      ref: `/local/${id}`,
      attributes: { Arn: `arn:aws:logs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:log-group:${id}` },
    };
  }
}
