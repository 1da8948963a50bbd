import {
  ActionAfterCompletion,
  ConflictException,
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  DeleteScheduleCommand,
  FlexibleTimeWindowMode,
  ResourceNotFoundException,
  type SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
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
}

/**
 * Pre-warm schedules in EventBridge Scheduler: each a schedule of `target.groupName` invoking the applier with
 * `{campaignId, action}`, no flexible time window (fires at its time), cron expressions in the campaign's time zone
 * (ScheduleExpressionTimezone); a one-time `at()` schedule deletes itself after it fires.
 */
export class SchedulerPrewarmScheduler implements PrewarmScheduler {
  constructor(
    private readonly client: SchedulerClient,
    private readonly target: PrewarmSchedulerTarget,
  ) {}

  async put(schedules: readonly PrewarmSchedule[]): Promise<void> {
    for (const schedule of schedules) {
      const input = this.inputOf(schedule);
      try {
        await this.client.send(new CreateScheduleCommand(input));
      } catch (error) {
        if (!(error instanceof ConflictException)) throw error;
        await this.client.send(new UpdateScheduleCommand(input));
      }
    }
  }

  async remove(names: readonly string[]): Promise<void> {
    for (const name of names) {
      try {
        await this.client.send(new DeleteScheduleCommand({ Name: name, GroupName: this.target.groupName }));
      } catch (error) {
        if (!(error instanceof ResourceNotFoundException)) throw error;
      }
    }
  }

  private inputOf(schedule: PrewarmSchedule): CreateScheduleCommandInput {
    const oneTime = schedule.expression.startsWith('at(');
    return {
      Name: schedule.name,
      GroupName: this.target.groupName,
      Description: `Pre-warm ${schedule.action} of campaign ${schedule.campaignId}`,
      ScheduleExpression: schedule.expression,
      ScheduleExpressionTimezone: schedule.timezone,
      StartDate: schedule.startDate === undefined ? undefined : new Date(schedule.startDate),
      EndDate: schedule.endDate === undefined ? undefined : new Date(schedule.endDate),
      FlexibleTimeWindow: { Mode: FlexibleTimeWindowMode.OFF },
      ActionAfterCompletion: oneTime ? ActionAfterCompletion.DELETE : ActionAfterCompletion.NONE,
      Target: {
        Arn: this.target.functionArn,
        RoleArn: this.target.roleArn,
        Input: JSON.stringify({ campaignId: schedule.campaignId, action: schedule.action }),
        RetryPolicy: { MaximumEventAgeInSeconds: 300, MaximumRetryAttempts: 5 },
      },
    };
  }
}
