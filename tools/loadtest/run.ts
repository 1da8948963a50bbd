import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { LocalApiClient } from '../local/api-client';
import type { LocalEndpoints } from '../local/cloud';
import { adminCredentialsFromEnv } from '../local/sigv4';

// `npm run loadtest -- [apiUrl] [quota]`: creates a vendor and a campaign open all day (as an admin, SigV4-signed),
// runs tools/loadtest/flash-sale.yml with Artillery against it, then prints the campaign's counts.
// - No apiUrl: the running local cloud (.local/endpoints.json): its admin credentials, tokens from its issuer.
// - A deployed API: admin calls are signed with the AWS credentials in the environment (AWS_ACCESS_KEY_ID,
//   AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION); users send the tokens of LOADTEST_TOKENS_FILE (a JSON
//   array of ID or access tokens of your user pool), or nothing but a userId against a stack deployed with
//   -c auth=none (LOADTEST_AUTH=none).
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
  const run = spawnSync(
    path.join(root, 'node_modules', '.bin', 'artillery'),
    ['run', '--target', apiUrl, path.join(__dirname, 'flash-sale.yml')],
    {
      stdio: 'inherit',
      env: {
        ...process.env,
        LOADTEST_CAMPAIGN_ID: campaignId,
        LOADTEST_TARGET: apiUrl,
        LOADTEST_AUTH: auth,
        ARTILLERY_DISABLE_TELEMETRY: 'true',
      },
    },
  );
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
