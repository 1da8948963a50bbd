import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { LocalApiClient } from '../local/api-client';
import type { LocalEndpoints } from '../local/cloud';
import { adminCredentialsFromEnv } from '../local/sigv4';
import { fargateArgs, workerEnvironment } from './distributed';

// `npm run loadtest -- [apiUrl] [quota]`: creates a vendor and a campaign open all day (as an admin, SigV4-signed),
// runs tools/loadtest/flash-sale.yml with Artillery against it, then prints the campaign's counts.
// - No apiUrl: the running local cloud (.local/endpoints.json): its admin credentials, tokens from its issuer.
// - A deployed API: admin calls are signed with the AWS credentials in the environment (AWS_ACCESS_KEY_ID,
//   AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION); users send the tokens of LOADTEST_TOKENS_FILE (a JSON
//   array of ID or access tokens of your user pool), or nothing but a userId against a stack deployed with
//   -c auth=none (LOADTEST_AUTH=none).
// - LOADTEST_WORKERS=<n> (a deployed API only): the same scenario on Artillery's distributed engine, n Fargate tasks
//   in LOADTEST_REGION (default us-east-1) running flash-sale.yml's `distributed` phases (tools/loadtest/distributed.ts).
async function main() {
  const root = path.resolve(__dirname, '..', '..');
  const target = process.argv[2];
  let client: LocalApiClient;
  let auth: 'local' | 'file' | 'none';
  if (!target) {
    const endpoints = JSON.parse(readFileSync(path.join(root, '.local', 'endpoints.json'), 'utf8')) as LocalEndpoints;
    client = new LocalApiClient(endpoints);
    auth = endpoints.auth.mode === 'jwt' ? 'local' : 'none';
  } else {
    const adminCredentials = adminCredentialsFromEnv();
    auth = process.env.LOADTEST_AUTH === 'none' ? 'none' : 'file';
    if (auth === 'file' && !process.env.LOADTEST_TOKENS_FILE) {
      throw new Error('set LOADTEST_TOKENS_FILE (a JSON array of bearer tokens) or LOADTEST_AUTH=none');
    }
    client = new LocalApiClient({
      apiUrl: target.replace(/\/$/, ''),
      adminCredentials,
      auth: { mode: auth === 'none' ? 'none' : 'jwt' },
    });
  }
  const apiUrl = client.access.apiUrl;
  const quota = Number(process.argv[3] ?? 100);
  const campaignId = `load-${Date.now()}`;
  const today = new Date().toISOString().slice(0, 10);
  const vendor = await client.admin.POST('/v1/admin/vendors', {
    body: { vendorId: 'load-test', name: 'Load test vendor', currency: 'USD' },
  });
  if (vendor.response.status !== 201 && vendor.response.status !== 409) {
    throw new Error(`vendor not created: ${vendor.response.status} ${JSON.stringify(vendor.error)}`);
  }
  const created = await client.admin.POST('/v1/admin/campaigns', {
    body: {
      campaignId,
      vendorId: 'load-test',
      name: 'Load test',
      timezone: 'UTC',
      startDate: today,
      endDate: today,
      dailyWindow: { open: '00:00', close: '24:00' },
      dailyQuota: quota,
      perUserDailyLimit: 1,
      couponValidityDays: 1,
      discount: { type: 'PERCENT', value: 10 },
    },
  });
  if (created.response.status !== 201) {
    throw new Error(`campaign not created: ${created.response.status} ${JSON.stringify(created.error)}`);
  }
  console.log(`campaign ${campaignId}, quota ${quota}, target ${apiUrl}, users authenticate by ${auth}`);
  const script = path.join(__dirname, 'flash-sale.yml');
  // flash-sale.yml's includeFiles ships this file to Fargate workers; a local run reads LOADTEST_TOKENS_FILE itself.
  const tokens = path.join(__dirname, 'tokens.json');
  const tokensFile = process.env.LOADTEST_TOKENS_FILE;
  if (auth === 'file' && tokensFile) copyFileSync(path.resolve(tokensFile), tokens);
  else writeFileSync(tokens, '[]');
  const workers = Number(process.env.LOADTEST_WORKERS ?? 0);
  let args: string[];
  if (workers > 0) {
    if (auth === 'local')
      throw new Error('LOADTEST_WORKERS needs a deployed API (the local cloud is not reachable from Fargate)');
    const users =
      auth === 'file'
        ? (JSON.parse(readFileSync(tokens, 'utf8')) as unknown[]).length
        : Number(process.env.LOADTEST_USERS ?? 100_000);
    const dotenvPath = path.join(__dirname, '.distributed.env');
    writeFileSync(dotenvPath, workerEnvironment({ campaignId, auth, users }));
    args = fargateArgs({
      workers,
      region: process.env.LOADTEST_REGION ?? 'us-east-1',
      apiUrl,
      dotenvPath,
      script,
      spot: process.env.LOADTEST_SPOT === 'true',
    });
  } else {
    args = ['run', '--target', apiUrl, script];
  }
  const run = spawnSync(path.join(root, 'node_modules', '.bin', 'artillery'), args, {
    stdio: 'inherit',
    env: {
      ...process.env,
      LOADTEST_CAMPAIGN_ID: campaignId,
      LOADTEST_TARGET: apiUrl,
      LOADTEST_AUTH: auth,
      ...(tokensFile ? { LOADTEST_TOKENS_FILE: path.resolve(tokensFile) } : {}),
      ARTILLERY_DISABLE_TELEMETRY: 'true',
    },
  });
  for (let i = 0; i < 40; i++) {
    const count = (await (await fetch(`${apiUrl}/v1/campaigns/${campaignId}/count`)).json()) as Record<string, number>;
    if (count.persisted === count.admitted || i === 39) {
      console.log('counts after the run:', JSON.stringify(count));
      break;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  process.exit(run.status ?? 1);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
