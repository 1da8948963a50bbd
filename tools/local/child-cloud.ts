import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import type { AdmissionMode } from '../../src/contract/names';
import { LocalApiClient, type RequestBody } from './api-client';
import type { LocalEndpoints } from './cloud';
import { projectRoot as root } from './emulators';

/** A local cloud started the way `npm start` starts it, in its own process. */
export interface RunningCloud {
  readonly endpoints: LocalEndpoints;
  /** Mints user tokens and signs admin calls for this cloud ({@link call} uses it by the URL's origin). */
  readonly client: LocalApiClient;
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
  /** Execution environments per function (LOCAL_LAMBDA_CONCURRENCY). @default the local cloud's default */
  readonly functionConcurrency?: number;
  /**
   * Check every API response against the OpenAPI document (LocalApiClientOptions): on for tests, off for
   * benchmarks whose timings it would skew.
   * @default true
   */
  readonly checkResponses?: boolean;
}

/**
 * Starts `tsx tools/local/main.ts` with its own cdk.out and state directory, waits for its endpoints.json, and creates
 * {@link TEST_VENDOR}. Used by the end-to-end tests and the end-to-end benchmark.
 * @throws Error (with the process output) when it exits or does not become ready within `timeoutMs`, or when the
 *   vendor is not created.
 */
export async function startCloudProcess(mode: AdmissionMode, options: CloudProcessOptions = {}): Promise<RunningCloud> {
  const tag = options.tag ?? mode;
  const timeoutMs = options.timeoutMs ?? 240_000;
  const stateDir = path.join(root, '.local', `test-${tag}`);
  rmSync(stateDir, { recursive: true, force: true });
  mkdirSync(stateDir, { recursive: true });
  const endpointsFile = path.join(stateDir, 'endpoints.json');
  const child: ChildProcess = spawn(
    process.execPath,
    [path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'tools/local/main.ts'],
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
        ...(options.functionConcurrency === undefined
          ? {}
          : { LOCAL_LAMBDA_CONCURRENCY: String(options.functionConcurrency) }),
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
  const client = new LocalApiClient(endpoints, { checkResponses: options.checkResponses ?? true });
  clients.set(new URL(endpoints.apiUrl).origin, client);
  const vendor = await client.admin.POST('/v1/admin/vendors', { body: TEST_VENDOR });
  if (vendor.response.status !== 201) {
    throw new Error(`test vendor not created: ${vendor.response.status} ${JSON.stringify(vendor.error)}`);
  }
  return {
    endpoints,
    client,
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

/** The vendor every cloud of {@link startCloudProcess} starts with (tests, benchmarks); {@link openCampaign} belongs to it. */
export const TEST_VENDOR = { vendorId: 'test-vendor', name: 'Test vendor', currency: 'KRW' } as const;

/** A campaign definition open all day today in `timezone`, of {@link TEST_VENDOR}. */
export function openCampaign(
  campaignId: string,
  dailyQuota: number,
  timezone = middayZone(),
): RequestBody<'createCampaign'> {
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

/** The client of each running cloud, by its API origin. */
const clients = new Map<string, LocalApiClient>();

/** Options of {@link call}. */
export interface CallOptions {
  /** @default POST with a body, GET without */
  readonly method?: string;
  /** Sent as JSON. */
  readonly body?: unknown;
  /** Sent as is (malformed bodies). */
  readonly raw?: string;
  /** Act as this user: a bearer token minted for it by the cloud's local issuer. */
  readonly as?: string;
  /** Send this bearer token (forged, expired...) instead. */
  readonly token?: string;
  /** Admin paths (`/v1/admin/...`) are SigV4-signed as the local admin unless this is false. */
  readonly sign?: boolean;
  readonly headers?: Record<string, string>;
}

/**
 * JSON request to a local cloud's API, authenticated as a real client would be ({@link CallOptions}); returns the
 * status and the parsed body (`{raw}` when not JSON) and headers. Goes through the cloud's LocalApiClient, so its
 * response is checked against the OpenAPI document like the typed client's (throws ContractViolationError).
 */
export async function call(
  url: string,
  init: CallOptions = {},
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const client = clients.get(new URL(url).origin);
  const body = init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body));
  const options = { method: init.method, body, as: init.as, token: init.token, sign: init.sign, headers: init.headers };
  const response = client
    ? await client.fetch(url, options)
    : await fetch(url, {
        method: init.method ?? (body !== undefined ? 'POST' : 'GET'),
        headers: { 'content-type': 'application/json', ...init.headers },
        body,
      });
  const text = await response.text();
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = { raw: text };
  }
  return { status: response.status, body: parsed, headers: response.headers };
}
