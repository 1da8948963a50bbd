/**
 * Whether this execution environment was started by provisioned concurrency: Lambda's reserved variable
 * `AWS_LAMBDA_INITIALIZATION_TYPE` is `provisioned-concurrency` then (`on-demand` for a cold start, `snap-start`
 * for SnapStart; https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime).
 * The local cloud sets it the same way (tools/local/lambda-runtime.ts).
 */
export function provisionedInit(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.AWS_LAMBDA_INITIALIZATION_TYPE === 'provisioned-concurrency';
}
