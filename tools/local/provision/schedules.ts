import { randomBytes } from 'node:crypto';
import type { LocalFunction } from '../lambda-runtime';
import { LOCAL_ACCOUNT, LOCAL_REGION, resourcesOfType, type SynthesizedStack } from '../template';

/** One target of an AWS::Events::Rule schedule. */
export interface LocalSchedule {
  readonly functionLogicalId: string;
  readonly ruleLogicalId: string;
  /** The rule's ScheduleExpression, e.g. `rate(5 minutes)`. */
  readonly expression: string;
  /** Period of a `rate()` expression, ms; undefined for other expressions, which are not emulated. */
  readonly everyMs?: number;
}

/** The period of a `rate(N unit)` expression, ms; undefined for any other expression (`cron(...)`). */
function rateMs(expression: string): number | undefined {
  const m = expression.match(/^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/);
  if (!m) return undefined;
  const unit = {
    minute: 60_000,
    minutes: 60_000,
    hour: 3_600_000,
    hours: 3_600_000,
    day: 86_400_000,
    days: 86_400_000,
  };
  return Number(m[1]) * unit[m[2] as keyof typeof unit];
}

/**
 * The template's scheduled rules whose targets are local functions; `log` says which ones are not emulated (only
 * `rate()` expressions are).
 */
export function readSchedules(
  stack: SynthesizedStack,
  functions: Record<string, LocalFunction>,
  log: (message: string) => void,
): LocalSchedule[] {
  const schedules: LocalSchedule[] = [];
  for (const [ruleId, rule] of resourcesOfType(stack, 'AWS::Events::Rule')) {
    const expression = rule.Properties?.ScheduleExpression as string | undefined;
    if (!expression) continue;
    const everyMs = rateMs(expression);
    for (const target of (rule.Properties?.Targets as { Arn: { 'Fn::GetAtt'?: [string, string] } }[]) ?? []) {
      const functionId = target.Arn['Fn::GetAtt']?.[0];
      if (!functionId || !functions[functionId]) continue;
      if (everyMs === undefined) log(`schedule ${expression} of ${functionId} is not emulated (only rate())`);
      schedules.push({ functionLogicalId: functionId, ruleLogicalId: ruleId, expression, everyMs });
    }
  }
  return schedules;
}

/**
 * Invokes each `rate()` schedule's function every period with an EventBridge `Scheduled Event`. A failed
 * invocation is ignored here: the function's own log (`<logDir>/<logical id>.log`) has its error.
 * @returns a function that stops every timer.
 */
export function startSchedules(
  schedules: readonly LocalSchedule[],
  functions: Record<string, LocalFunction>,
): () => Promise<void> {
  const timers: NodeJS.Timeout[] = [];
  for (const schedule of schedules) {
    if (schedule.everyMs === undefined) continue;
    const fn = functions[schedule.functionLogicalId] as LocalFunction;
    timers.push(
      setInterval(() => {
        fn.invoke({
          version: '0',
          id: randomBytes(16).toString('hex'),
          'detail-type': 'Scheduled Event',
          source: 'aws.events',
          account: LOCAL_ACCOUNT,
          time: new Date().toISOString(),
          region: LOCAL_REGION,
          resources: [`arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT}:rule/${schedule.ruleLogicalId}`],
          detail: {},
        }).catch(() => undefined);
      }, schedule.everyMs),
    );
  }
  return async () => {
    for (const t of timers) clearInterval(t);
  };
}
