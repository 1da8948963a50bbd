import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

// `npm run loadtest -- <apiUrl> [quota]`: creates a campaign open all day, runs loadtest/flash-sale.yml with
// Artillery against it, then prints the campaign's counts. Defaults to the running local cloud's API URL.
async function main() {
  const root = path.resolve(__dirname, '..');
  let apiUrl = process.argv[2];
  if (!apiUrl) {
    const endpoints = JSON.parse(readFileSync(path.join(root, '.local', 'endpoints.json'), 'utf8')) as {
      apiUrl: string;
    };
    apiUrl = endpoints.apiUrl;
  }
  const quota = Number(process.argv[3] ?? 100);
  const campaignId = `load-${Date.now()}`;
  const today = new Date().toISOString().slice(0, 10);
  const vendor = await fetch(`${apiUrl}/v1/admin/vendors`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ vendorId: 'load-test', name: 'Load test vendor', currency: 'USD' }),
  });
  if (vendor.status !== 201 && vendor.status !== 409) {
    throw new Error(`vendor not created: ${vendor.status} ${await vendor.text()}`);
  }
  const created = await fetch(`${apiUrl}/v1/admin/campaigns`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
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
    }),
  });
  if (created.status !== 201) throw new Error(`campaign not created: ${created.status} ${await created.text()}`);
  console.log(`campaign ${campaignId}, quota ${quota}, target ${apiUrl}`);
  const run = spawnSync(
    path.join(root, 'node_modules', '.bin', 'artillery'),
    ['run', '--target', apiUrl, path.join(__dirname, 'flash-sale.yml')],
    {
      stdio: 'inherit',
      env: { ...process.env, LOADTEST_CAMPAIGN_ID: campaignId, ARTILLERY_DISABLE_TELEMETRY: 'true' },
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
