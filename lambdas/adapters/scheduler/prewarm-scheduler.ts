import { createHash, createHmac } from 'node:crypto';
import { fromEnv } from '@aws-sdk/credential-provider-env';
import { SignatureV4 } from '@smithy/signature-v4';
import type { PrewarmScheduler } from '../../domain/ports';
import type { PrewarmSchedule } from '../../domain/prewarm';

/** Where the schedules live and what they invoke. */
export interface PrewarmSchedulerTarget {
  /** The schedule group (the construct's, so that its IAM policy covers only these schedules). */
  readonly groupName: string;
  /** ARN of the applier function (lambdas/handlers/apply-prewarm.ts). */
  readonly functionArn: string;
  /** Role EventBridge Scheduler assumes to invoke it. */
  readonly roleArn: string;
  readonly region: string;
  /** The Scheduler endpoint. @default `AWS_ENDPOINT_URL_SCHEDULER`, else `https://scheduler.<region>.amazonaws.com` */
  readonly endpoint?: string;
}

type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (data: SourceData): string | Uint8Array =>
  typeof data === 'string'
    ? data
    : ArrayBuffer.isView(data)
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : new Uint8Array(data);

/** SHA-256 and HMAC-SHA-256 as SignatureV4 takes them (a `Checksum` constructor), from node:crypto. */
class Sha256 {
  private readonly hash;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    throw new Error('not supported');
  }
}

/** A Scheduler API error: its `x-amzn-errortype` (e.g. `ConflictException`) and HTTP status. */
export class SchedulerApiError extends Error {
  constructor(
    readonly errorType: string,
    readonly status: number,
    message: string,
  ) {
    super(`${errorType} (${status}): ${message}`);
    this.name = 'SchedulerApiError';
  }
}

const ATTEMPTS = 3;
const retryable = (status: number) => status === 429 || status >= 500;
const backoff = (attempt: number) => new Promise((r) => setTimeout(r, Math.random() * 100 * 2 ** attempt));

/**
 * Pre-warm schedules in EventBridge Scheduler (its REST API, signed with the SDK's SignatureV4 and the function's
 * credentials from the environment): each a schedule of `target.groupName` invoking the applier with
 * `{campaignId, action}`, no flexible time window (fires at its time), cron expressions in the campaign's time zone
 * (ScheduleExpressionTimezone); a one-time `at()` schedule deletes itself after it fires.
 * Why not `@aws-sdk/client-scheduler`: its client and the REST protocol code it brings add about 29 KB to the admin
 * function, putting it over the 500 KiB bundle goal (BENCHMARKS.md, "Bundle sizes"); these three calls are small.
 * Throttling, 5xx and network errors are retried up to 3 attempts with jittered backoff.
 */
export class SchedulerPrewarmScheduler implements PrewarmScheduler {
  private readonly signer: SignatureV4;
  private readonly endpoint: URL;

  constructor(private readonly target: PrewarmSchedulerTarget) {
    this.signer = new SignatureV4({
      service: 'scheduler',
      region: target.region,
      credentials: fromEnv(),
      sha256: Sha256,
    });
    this.endpoint = new URL(
      target.endpoint ?? process.env.AWS_ENDPOINT_URL_SCHEDULER ?? `https://scheduler.${target.region}.amazonaws.com`,
    );
  }

  async put(schedules: readonly PrewarmSchedule[]): Promise<void> {
    for (const schedule of schedules) {
      const body = this.bodyOf(schedule);
      try {
        await this.call('POST', schedule.name, body);
      } catch (error) {
        if (!(error instanceof SchedulerApiError && error.errorType === 'ConflictException')) throw error;
        await this.call('PUT', schedule.name, body);
      }
    }
  }

  async remove(names: readonly string[]): Promise<void> {
    for (const name of names) {
      try {
        await this.call('DELETE', name);
      } catch (error) {
        if (!(error instanceof SchedulerApiError && error.errorType === 'ResourceNotFoundException')) throw error;
      }
    }
  }

  private bodyOf(schedule: PrewarmSchedule): Record<string, unknown> {
    const oneTime = schedule.expression.startsWith('at(');
    const seconds = (iso?: string) => (iso === undefined ? undefined : Date.parse(iso) / 1000);
    return {
      GroupName: this.target.groupName,
      Description: `Pre-warm ${schedule.action} of campaign ${schedule.campaignId}`,
      ScheduleExpression: schedule.expression,
      ScheduleExpressionTimezone: schedule.timezone,
      StartDate: seconds(schedule.startDate),
      EndDate: seconds(schedule.endDate),
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: oneTime ? 'DELETE' : 'NONE',
      Target: {
        Arn: this.target.functionArn,
        RoleArn: this.target.roleArn,
        Input: JSON.stringify({ campaignId: schedule.campaignId, action: schedule.action }),
        RetryPolicy: { MaximumEventAgeInSeconds: 300, MaximumRetryAttempts: 5 },
      },
    };
  }

  /** One signed call to `/schedules/{name}`. @throws SchedulerApiError for an error answer after the retries. */
  private async call(method: 'POST' | 'PUT' | 'DELETE', name: string, body?: Record<string, unknown>) {
    const path = `${this.endpoint.pathname.replace(/\/$/, '')}/schedules/${encodeURIComponent(name)}`;
    const query = method === 'DELETE' ? { groupName: this.target.groupName } : undefined;
    const text = body === undefined ? undefined : JSON.stringify(body);
    for (let attempt = 1; ; attempt++) {
      const signed = await this.signer.sign({
        method,
        protocol: this.endpoint.protocol,
        hostname: this.endpoint.hostname,
        port: this.endpoint.port ? Number(this.endpoint.port) : undefined,
        path,
        query,
        headers: {
          host: this.endpoint.host,
          ...(text === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: text,
      });
      const url = new URL(path, this.endpoint);
      if (query) url.search = new URLSearchParams(query).toString();
      let response: Response;
      try {
        response = await fetch(url, {
          method,
          headers: signed.headers as Record<string, string>,
          body: text,
          signal: AbortSignal.timeout(3_000),
        });
      } catch (error) {
        if (attempt >= ATTEMPTS) throw error;
        await backoff(attempt);
        continue;
      }
      if (response.ok) {
        await response.arrayBuffer();
        return;
      }
      const answer = (await response.json().catch(() => ({}))) as { message?: string; Message?: string };
      const type = (response.headers.get('x-amzn-errortype') ?? 'UnknownError').split(':')[0] as string;
      if (retryable(response.status) && attempt < ATTEMPTS) {
        await backoff(attempt);
        continue;
      }
      throw new SchedulerApiError(type, response.status, answer.message ?? answer.Message ?? response.statusText);
    }
  }
}
