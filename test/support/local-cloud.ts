import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import type { LocalEndpoints } from '../../local/cloud';

const root = path.resolve(__dirname, '..', '..');

/** A local cloud started the way `npm start` starts it, in its own process. */
export interface RunningCloud {
  readonly endpoints: LocalEndpoints;
  /** Where the cloud writes its logs (`<stateDir>/logs`). */
  readonly logDir: string;
  stop(): Promise<void>;
}

/** Options of {@link startCloudProcess}. */
export interface CloudProcessOptions {
  /** Names the state directory and cdk.out (`.local/test-<tag>`, `cdk.out.test-<tag>`). @default the mode */
  readonly tag?: string;
  /** Every queue's visibility timeout, s, so failing messages reach the DLQ in seconds (LOCAL_CLOUD_VISIBILITY_TIMEOUT). */
  readonly visibilityTimeoutS?: number;
  /** The stack's reconciliation grace period, s (CDK context `reconcileGraceSeconds` via LOCAL_CLOUD_CONTEXT). */
  readonly reconcileGraceS?: number;
  /** @default 240 s */
  readonly timeoutMs?: number;
}

/**
 * Starts `tsx local/main.ts` with its own cdk.out and state directory and waits for its endpoints.json.
 * @throws Error (with the process output) when it exits or does not become ready within `timeoutMs`.
 */
export async function startCloudProcess(
  mode: 'redis' | 'dynamodb',
  options: CloudProcessOptions = {},
): Promise<RunningCloud> {
  const tag = options.tag ?? mode;
  const timeoutMs = options.timeoutMs ?? 240_000;
  const stateDir = path.join(root, '.local', `test-${tag}`);
  rmSync(stateDir, { recursive: true, force: true });
  mkdirSync(stateDir, { recursive: true });
  const endpointsFile = path.join(stateDir, 'endpoints.json');
  const child: ChildProcess = spawn(
    process.execPath,
    [path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'local/main.ts'],
    {
      cwd: root,
      env: {
        ...process.env,
        PORT: '0',
        ADMISSION_MODE: mode,
        LOCAL_CLOUD_STATE_DIR: stateDir,
        LOCAL_CLOUD_CDK_OUT: path.join(root, `cdk.out.test-${tag}`),
        ...(options.visibilityTimeoutS === undefined
          ? {}
          : { LOCAL_CLOUD_VISIBILITY_TIMEOUT: String(options.visibilityTimeoutS) }),
        ...(options.reconcileGraceS === undefined
          ? {}
          : { LOCAL_CLOUD_CONTEXT: JSON.stringify({ reconcileGraceSeconds: String(options.reconcileGraceS) }) }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (c: Buffer) => {
    output += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    output += c.toString();
  });
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(endpointsFile)) {
    if (child.exitCode !== null) throw new Error(`local cloud exited (${child.exitCode}):\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`local cloud not ready after ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const endpoints = JSON.parse(readFileSync(endpointsFile, 'utf8')) as LocalEndpoints;
  const vendor = await call(`${endpoints.apiUrl}/v1/admin/vendors`, { body: TEST_VENDOR });
  if (vendor.status !== 201)
    throw new Error(`test vendor not created: ${vendor.status} ${JSON.stringify(vendor.body)}`);
  return {
    endpoints,
    logDir: path.join(stateDir, 'logs'),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/**
 * An `Etc/GMT±N` zone where it is now around midday, so a test's issue day cannot roll over at midnight while it
 * runs, whatever the wall clock.
 */
export function middayZone(now = new Date()): string {
  let offset = 12 - now.getUTCHours(); // hours east of UTC
  if (offset > 12) offset -= 24;
  if (offset < -11) offset += 24;
  if (offset === 0) return 'UTC';
  // Etc/GMT names invert the sign: Etc/GMT-5 is UTC+5.
  return `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
}

/** The vendor every test cloud starts with; {@link openCampaign} belongs to it. */
export const TEST_VENDOR = { vendorId: 'test-vendor', name: 'Test vendor', currency: 'KRW' } as const;

/** A campaign definition open all day today in `timezone`, of {@link TEST_VENDOR}. */
export function openCampaign(campaignId: string, dailyQuota: number, timezone = middayZone()) {
  const today = new Date().toISOString().slice(0, 10);
  const shift = (days: number) => new Date(Date.parse(today) + days * 86_400_000).toISOString().slice(0, 10);
  return {
    campaignId,
    vendorId: TEST_VENDOR.vendorId,
    name: `Test ${campaignId}`,
    timezone,
    startDate: shift(-1),
    endDate: shift(1),
    dailyWindow: { open: '00:00', close: '24:00' },
    dailyQuota,
    perUserDailyLimit: 1,
    couponValidityDays: 30,
    discount: { type: 'PERCENT', value: 50 },
  };
}

/** POST/GET JSON helper returning status and parsed body. */
export async function call(
  url: string,
  init: { method?: string; body?: unknown; raw?: string } = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, {
    method: init.method ?? (init.body !== undefined || init.raw !== undefined ? 'POST' : 'GET'),
    headers: { 'content-type': 'application/json' },
    body: init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
  });
  const text = await response.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { raw: text };
  }
  return { status: response.status, body };
}
