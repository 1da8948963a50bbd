import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { type RunningCloud, startCloudProcess } from '../../tools/local/child-cloud';

// `npm run smoke` against a local cloud, as an operator runs it after a deploy: every step passes and it exits 0;
// against an API that is not there it exits non-zero. `npm run admin` against the same cloud: a signed call with
// several query parameters is accepted (curl 7.88's --aws-sigv4 gets 403 there, curl/curl#9717).

jest.setTimeout(600_000);

const root = path.join(__dirname, '..', '..');
const tsx = path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');

describe('npm run smoke (local cloud, dynamodb admission mode)', () => {
  let cloud: RunningCloud;

  beforeAll(async () => {
    cloud = await startCloudProcess('dynamodb', { tag: 'smoke' });
  });
  afterAll(async () => {
    await cloud?.stop();
  });

  it('creates a vendor and a one-coupon campaign, issues, redeems, reads settlement and winners: every step ok', () => {
    const run = spawnSync(process.execPath, [tsx, 'tools/ops/smoke.ts'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, LOCAL_CLOUD_STATE_DIR: path.dirname(cloud.logDir) },
      timeout: 180_000,
    });
    const output = `${run.stdout}${run.stderr}`;
    expect({ status: run.status, output }).toEqual({ status: 0, output: expect.stringContaining('smoke test passed') });
    for (const step of [
      'create vendor',
      'create one-coupon campaign',
      'issue',
      'coupon written',
      'redeem',
      'vendor settlement',
      'winners',
      'close campaign',
    ]) {
      expect(output).toMatch(new RegExp(`^ok +${step} +\\d{3}`, 'm'));
    }
    expect(output).not.toMatch(/FAIL/);
  });

  it('npm run admin: signs a query of several unsorted parameters that the local cloud accepts; exits 1 on a 404', () => {
    // Prepare
    const endpoints = path.join(path.dirname(cloud.logDir), 'endpoints.json');
    const admin = (...args: string[]) =>
      spawnSync(process.execPath, [tsx, 'tools/ops/admin.ts', '--endpoints', endpoints, ...args], {
        cwd: root,
        encoding: 'utf8',
        timeout: 60_000,
      });

    // Act
    const listed = admin('GET', '/v1/admin/failed-events?status=PARKED&limit=1&campaignId=smoke-none');
    const missing = admin('GET', '/v1/admin/campaigns/smoke-none');

    // Assess
    expect({ status: listed.status, stderr: listed.stderr }).toEqual({ status: 0, stderr: 'HTTP 200 OK\n' });
    expect(JSON.parse(listed.stdout)).toEqual({ items: [] });
    expect({ status: missing.status, stderr: missing.stderr }).toEqual({ status: 1, stderr: 'HTTP 404 Not Found\n' });
  });

  it('exits non-zero when a step fails (an API that answers nothing)', () => {
    const run = spawnSync(process.execPath, [tsx, 'tools/ops/smoke.ts', 'http://127.0.0.1:9', '--open'], {
      cwd: root,
      encoding: 'utf8',
      env: {
        ...process.env,
        AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'secret',
        AWS_REGION: 'us-east-1',
      },
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
  });
});
