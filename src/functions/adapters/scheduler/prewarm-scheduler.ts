import { AwsClient } from 'aws4fetch';
import type { PrewarmScheduler } from '../../domain/drop-plan/ports';
import type { PrewarmSchedule } from '../../domain/drop-plan/prewarm';

/** Where the schedules live and what they invoke. */
export interface PrewarmSchedulerTarget {
  /** The schedule group (the construct's, so that its IAM policy covers only these schedules). */
  readonly groupName: string;
  /** ARN of the applier function (src/functions/handlers/apply-prewarm.ts). */
  readonly functionArn: string;
  /** Role EventBridge Scheduler assumes to invoke it. */
  readonly roleArn: string;
  readonly region: string;
  /** The Scheduler endpoint. @default `AWS_ENDPOINT_URL_SCHEDULER`, else `https://scheduler.<region>.amazonaws.com` */
  readonly endpoint?: string;
}

/** A Scheduler API error: its `x-amzn-errortype` (e.g. `ConflictException`) and HTTP status. */
class SchedulerApiError extends Error {
  constructor(
    readonly errorType: string,
    readonly status: number,
    message: string,
  ) {
    super(`${errorType} (${status}): ${message}`);
    this.name = 'SchedulerApiError';
  }
}

/** Retries of a throttled (429) or failed (5xx) call, with jittered exponential backoff (aws4fetch's). */
const RETRIES = 2;
/** Time one call may take, retries included, ms: well inside the admin function's timeout. */
const CALL_TIMEOUT_MS = 5_000;

/**
 * Pre-warm schedules in EventBridge Scheduler (its REST API through aws4fetch, signed with the function's
 * credentials from the environment): each a schedule of `target.groupName` invoking the applier with
 * `{campaignId, action}`, no flexible time window (fires at its time), cron expressions in the campaign's time zone
 * (ScheduleExpressionTimezone); a one-time `at()` schedule deletes itself after it fires.
 * Why not `@aws-sdk/client-scheduler`: its client and the REST protocol code it brings add about 29 KB to the admin
 * function, putting it over the 500 KiB bundle goal (BENCHMARKS.md, "Bundle sizes"); these three calls are small.
 * Throttling (429) and 5xx answers are retried twice with jittered backoff.
 */
export class SchedulerPrewarmScheduler implements PrewarmScheduler {
  private readonly endpoint: string;

  constructor(private readonly target: PrewarmSchedulerTarget) {
    const endpoint =
      target.endpoint ?? process.env.AWS_ENDPOINT_URL_SCHEDULER ?? `https://scheduler.${target.region}.amazonaws.com`;
    this.endpoint = endpoint.replace(/\/$/, '');
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
    const url = new URL(`${this.endpoint}/schedules/${encodeURIComponent(name)}`);
    if (method === 'DELETE') url.searchParams.set('groupName', this.target.groupName);
    // The credentials are read on each call: Lambda sets them in the environment (fromEnv reads them the same way).
    const client = new AwsClient({
      accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? '',
      secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? '',
      sessionToken: process.env.AWS_SESSION_TOKEN,
      service: 'scheduler',
      region: this.target.region,
      retries: RETRIES,
    });
    const response = await client.fetch(url, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
    });
    if (response.ok) {
      await response.arrayBuffer();
      return;
    }
    const answer = (await response.json().catch(() => ({}))) as { message?: string; Message?: string };
    const type = (response.headers.get('x-amzn-errortype') ?? 'UnknownError').split(':')[0] as string;
    throw new SchedulerApiError(type, response.status, answer.message ?? answer.Message ?? response.statusText);
  }
}
