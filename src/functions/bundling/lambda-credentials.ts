import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * Stands in for `@aws-sdk/credential-provider-node` in the Lambda bundles (an esbuild alias set by tools/build/functions.ts).
 *
 * Lambda hands every execution environment its role's credentials in `AWS_ACCESS_KEY_ID`,
 * `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN` (Lambda's defined runtime environment variables), and the local
 * cloud does the same (tools/local/cloud.ts), so the SDK's full Node chain (SSO, INI files, STS web identity, process,
 * IMDS) is never used there, and would cost bundle size and module init time on every cold start. Measurements
 * belong in BENCHMARKS.md, not in comments: its size is there ("Bundle sizes").
 * Same signature as the package's `defaultProvider`.
 * @throws CredentialsProviderError (when called) if the variables are missing.
 */
export const defaultProvider = (init: Parameters<typeof fromEnv>[0] = {}) => fromEnv(init);
