import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import type { AdmissionMode } from '../../src/contract/names';
import { projectRoot } from './emulators';

/** Name of the Upstash secret the local synth points the stack at (served by the local Secrets Manager). */
export const LOCAL_UPSTASH_SECRET = 'fcfs-local/upstash';

/**
 * Synthesizes the CDK app into `cdkOut` (the construct loads the prebuilt bundles of `npm run build:assets`, as a deploy does), in Redis mode
 * pointing the stack at the local Upstash secret; `context` adds CDK context values (`key=value`).
 * @throws Error when `cdk synth` fails.
 */
export function synthesize(cdkOut: string, mode: AdmissionMode, context: Record<string, string> = {}): void {
  // cdk-nag runs in test/infra/nag.test.ts; skipping it here saves seconds at every start and changes no resource.
  const args = ['synth', '--quiet', '--output', cdkOut, '--context', 'nag=false'];
  if (mode === 'redis') args.push('--context', `upstashSecretName=${LOCAL_UPSTASH_SECRET}`);
  for (const [key, value] of Object.entries(context)) args.push('--context', `${key}=${value}`);
  const result = spawnSync(path.join(projectRoot, 'node_modules', '.bin', 'cdk'), args, {
    cwd: projectRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`cdk synth failed:\n${result.stderr}\n${result.stdout}`);
}
