import type { RequestBody } from '../local/api-client';
import type { ChaosConfig } from '../local/chaos';
import { call, type RunningCloud } from '../local/child-cloud';

// What the benchmarks that drive a local cloud (tools/bench/why-a-queue.ts, tools/bench/opening-second.ts) do to it, through
// its API and its `/_local/*` control endpoints (tools/local/control.ts).

/** The varying part of request i: its body and extra headers (the caller's bearer token). */
export interface RequestPart {
  readonly body?: string;
  readonly headers?: Record<string, string>;
}

/** The logical id of the function whose id contains `name` (e.g. `IssueCouponFunction`). @throws Error if none. */
export function functionId(cloud: RunningCloud, name: string): string {
  const id = Object.keys(cloud.endpoints.functions).find((k) => k.includes(name));
  if (!id) throw new Error(`the local cloud has no function named like ${name}`);
  return id;
}

/** The physical name of the table whose logical id contains `name` (e.g. `CouponTable`). @throws Error if none. */
export function tableName(cloud: RunningCloud, name: string): string {
  const entry = Object.entries(cloud.endpoints.tables).find(([k]) => k.includes(name));
  if (!entry) throw new Error(`the local cloud has no table named like ${name}`);
  return entry[1];
}

/** Creates a campaign as an admin. @throws Error unless the API answers 201. */
export async function createCampaign(cloud: RunningCloud, body: RequestBody<'createCampaign'>): Promise<void> {
  const created = await cloud.client.admin.POST('/v1/admin/campaigns', { body });
  if (created.response.status !== 201) {
    throw new Error(`creating campaign ${body.campaignId} failed: ${JSON.stringify(created.error)}`);
  }
}

/**
 * Bearer tokens of `count` users `<prefix>0..`, minted before any load as real clients sign in before a drop;
 * request i of a burst goes as user i.
 */
export async function usersOf(
  cloud: RunningCloud,
  prefix: string,
  count: number,
): Promise<(index: number) => RequestPart> {
  const ids = Array.from({ length: count }, (_, i) => `${prefix}${i}`);
  const tokens = await cloud.client.tokensFor(ids);
  return (i) => ({ headers: { authorization: `Bearer ${tokens.get(`${prefix}${i % count}`)}` } });
}

/** Replaces the chaos configuration (`{}` clears it). @throws Error unless the cloud accepts it. */
export async function setChaos(cloud: RunningCloud, config: ChaosConfig): Promise<void> {
  const { status, body } = await call(`${cloud.endpoints.apiUrl}/_local/chaos`, { body: config });
  if (status !== 200) throw new Error(`chaos refused: ${JSON.stringify(body)}`);
}

/**
 * Retires every execution environment of function `id`, optionally running another bundle with added environment
 * variables (`POST /_local/functions/<id>/code`): the next invocations start cold.
 * @throws Error unless the cloud answers 200.
 */
export async function updateCode(
  cloud: RunningCloud,
  id: string,
  update: { codeDir?: string; environment?: Record<string, string> } = {},
): Promise<void> {
  const { status, body } = await call(`${cloud.endpoints.apiUrl}/_local/functions/${id}/code`, { body: update });
  if (status !== 200) throw new Error(`code update of ${id} refused: ${status} ${JSON.stringify(body)}`);
}

/** A function's counters in the local runtime (tools/local/lambda-runtime.ts LocalFunction.stats). */
export interface FunctionStats {
  readonly invocations: number;
  readonly coldStarts: number;
  readonly provisionedStarts: number;
  /** Provisioned environments whose INIT has completed. */
  readonly provisionedReady: number;
}

/** Function `id`'s counters now. */
export async function functionStats(cloud: RunningCloud, id: string): Promise<FunctionStats> {
  const { body } = await call(`${cloud.endpoints.apiUrl}/_local/stats`);
  return (body.functions as Record<string, FunctionStats>)[id] as FunctionStats;
}

/** Requests the functions made to each backend so far (`dynamodb.<Op>`, `sqs.<Op>`, `redis`; `GET /_local/stats`). */
export async function backendCalls(cloud: RunningCloud): Promise<Record<string, number>> {
  const { body } = await call(`${cloud.endpoints.apiUrl}/_local/stats`);
  return body.calls as Record<string, number>;
}

/** The campaign's counts today (`GET /v1/campaigns/{id}/count`). */
export async function countsOf(
  cloud: RunningCloud,
  campaignId: string,
): Promise<{ quota: number; admitted: number; persisted: number }> {
  const { data, error } = await cloud.client.api.GET('/v1/campaigns/{campaignId}/count', {
    params: { path: { campaignId } },
  });
  if (!data) throw new Error(`count of ${campaignId} failed: ${JSON.stringify(error)}`);
  return { quota: data.quota, admitted: data.admitted, persisted: data.persisted };
}

/**
 * Polls `probe` every `everyMs` until it returns a value or `timeoutMs` passes.
 * @returns the value, or undefined on timeout.
 */
export async function poll<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  everyMs = 100,
): Promise<T | undefined> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (performance.now() > deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
