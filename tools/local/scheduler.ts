import { Cron } from 'croner';
import { bufferedServer, listenLocal, sendJson } from './http-server';
import type { LocalFunction } from './lambda-runtime';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './template';

/** A schedule as the local Scheduler holds it (the fields of CreateSchedule the product uses). */
export interface LocalScheduleDefinition {
  readonly name: string;
  readonly groupName: string;
  readonly expression: string;
  readonly timezone: string;
  /** ISO-8601 UTC. */
  readonly startDate?: string;
  readonly endDate?: string;
  readonly actionAfterCompletion: string;
  readonly target: { readonly arn: string; readonly input?: string };
}

/** One firing of a schedule: when, and what the target answered. */
export interface LocalFiring {
  readonly name: string;
  readonly groupName: string;
  /** ISO-8601 UTC. */
  readonly firedAt: string;
  readonly input?: string;
  readonly outcome: 'invoked' | 'failed' | 'no-target';
  readonly error?: string;
}

/** A running Scheduler stand-in. */
export interface LocalScheduler {
  readonly endpoint: string;
  /** Lets schedules reach the local functions (by ARN); set once the functions exist. */
  bind(functions: Record<string, LocalFunction>): void;
  /** The schedules now held. */
  schedules(): LocalScheduleDefinition[];
  /** Every firing so far, oldest first. */
  firings(): readonly LocalFiring[];
  stop(): Promise<void>;
}

/**
 * The croner pattern of an EventBridge Scheduler expression: `cron(min hour dom month dow year)` without its year
 * field (`*` only) and with `?` as `*`; `at(yyyy-mm-ddThh:mm:ss)` as croner's one-time ISO date.
 * @throws Error for `rate()`, a year other than `*`, or a numeric day of week (Scheduler counts SUN=1, croner 0):
 *   not used by the product, so not emulated.
 */
export function cronerPattern(expression: string): string {
  const at = /^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$/.exec(expression);
  if (at?.[1]) return at[1];
  const cron = /^cron\((.+)\)$/.exec(expression);
  const fields = cron?.[1]?.trim().split(/\s+/);
  if (fields?.length !== 6) throw new Error(`expression ${expression} is not emulated (cron() and at() only)`);
  const [minute, hour, dom, month, dow, year] = fields as [string, string, string, string, string, string];
  if (year !== '*') throw new Error(`expression ${expression}: only a year of * is emulated`);
  if (/\d/.test(dow)) throw new Error(`expression ${expression}: a numeric day of week is not emulated`);
  return [minute, hour, dom === '?' ? '*' : dom, month, dow === '?' ? '*' : dow].join(' ');
}

/** A Scheduler error as the SDK reads it (restJson1: the `x-amzn-errortype` header and `message`). */
function error(res: import('node:http').ServerResponse, status: number, type: string, message: string) {
  res.setHeader('x-amzn-errortype', type);
  sendJson(res, status, { __type: type, message });
}

const seconds = (value: unknown) => (typeof value === 'number' ? new Date(value * 1000).toISOString() : undefined);

/**
 * The EventBridge Scheduler API calls the admin function makes (CreateSchedule, UpdateSchedule, DeleteSchedule,
 * GetSchedule; restJson1), holding schedules in memory and firing them with croner in their
 * ScheduleExpressionTimezone between StartDate and EndDate: each firing invokes the target function with the
 * schedule's Input, as Scheduler does. A one-time schedule with ActionAfterCompletion DELETE is deleted after it
 * fires. Local tool only; the cloud's `/_local/schedules` reports schedules and firings.
 */
export async function startLocalScheduler(log: (message: string) => void = () => undefined): Promise<LocalScheduler> {
  const held = new Map<string, { definition: LocalScheduleDefinition; job: Cron }>();
  const fired: LocalFiring[] = [];
  let functions: Record<string, LocalFunction> = {};
  const keyOf = (groupName: string, name: string) => `${groupName}/${name}`;

  const fire = async (definition: LocalScheduleDefinition) => {
    const base = { name: definition.name, groupName: definition.groupName, firedAt: new Date().toISOString() };
    const fn = Object.values(functions).find((f) => f.spec.arn === definition.target.arn);
    if (definition.actionAfterCompletion === 'DELETE' && definition.expression.startsWith('at(')) {
      remove(definition.groupName, definition.name);
    }
    if (!fn) {
      fired.push({ ...base, input: definition.target.input, outcome: 'no-target' });
      return;
    }
    try {
      await fn.invoke(definition.target.input === undefined ? {} : JSON.parse(definition.target.input));
      fired.push({ ...base, input: definition.target.input, outcome: 'invoked' });
    } catch (e) {
      fired.push({ ...base, input: definition.target.input, outcome: 'failed', error: String(e) });
    }
  };

  const put = (definition: LocalScheduleDefinition) => {
    const key = keyOf(definition.groupName, definition.name);
    held.get(key)?.job.stop();
    const job = new Cron(
      cronerPattern(definition.expression),
      {
        timezone: definition.timezone,
        ...(definition.startDate ? { startAt: definition.startDate } : {}),
        ...(definition.endDate ? { stopAt: definition.endDate } : {}),
        // Scheduler does not wait for one invocation before the next firing.
        protect: false,
      },
      () => void fire(definition),
    );
    held.set(key, { definition, job });
    log(`schedule ${key} ${definition.expression} (${definition.timezone}) next ${job.nextRun()?.toISOString()}`);
  };

  function remove(groupName: string, name: string): boolean {
    const key = keyOf(groupName, name);
    const entry = held.get(key);
    entry?.job.stop();
    return held.delete(key);
  }

  const server = bufferedServer((req, body, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const match = /^\/schedules\/([^/]+)$/.exec(url.pathname);
    if (!match?.[1]) return error(res, 400, 'ValidationException', 'only /schedules/{Name} is emulated');
    const name = decodeURIComponent(match[1]);
    const input = body.length > 0 ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {};
    const groupName = String(url.searchParams.get('groupName') ?? input.GroupName ?? 'default');
    const key = keyOf(groupName, name);
    const arn = `arn:aws:scheduler:${LOCAL_REGION}:${LOCAL_ACCOUNT}:schedule/${groupName}/${name}`;
    if (req.method === 'POST' || req.method === 'PUT') {
      if (req.method === 'POST' && held.has(key)) {
        return error(res, 409, 'ConflictException', `Schedule ${name} already exists.`);
      }
      if (req.method === 'PUT' && !held.has(key)) {
        return error(res, 404, 'ResourceNotFoundException', `Schedule ${name} does not exist.`);
      }
      const target = (input.Target ?? {}) as { Arn?: string; Input?: string };
      try {
        put({
          name,
          groupName,
          expression: String(input.ScheduleExpression),
          timezone: String(input.ScheduleExpressionTimezone ?? 'UTC'),
          startDate: seconds(input.StartDate),
          endDate: seconds(input.EndDate),
          actionAfterCompletion: String(input.ActionAfterCompletion ?? 'NONE'),
          target: { arn: String(target.Arn), input: target.Input },
        });
      } catch (e) {
        return error(res, 400, 'ValidationException', e instanceof Error ? e.message : String(e));
      }
      return sendJson(res, 200, { ScheduleArn: arn });
    }
    if (req.method === 'DELETE') {
      if (!remove(groupName, name)) {
        return error(res, 404, 'ResourceNotFoundException', `Schedule ${name} does not exist.`);
      }
      return sendJson(res, 200, {});
    }
    if (req.method === 'GET') {
      const entry = held.get(key);
      if (!entry) return error(res, 404, 'ResourceNotFoundException', `Schedule ${name} does not exist.`);
      const d = entry.definition;
      return sendJson(res, 200, {
        Arn: arn,
        Name: name,
        GroupName: groupName,
        ScheduleExpression: d.expression,
        ScheduleExpressionTimezone: d.timezone,
        StartDate: d.startDate ? Date.parse(d.startDate) / 1000 : undefined,
        EndDate: d.endDate ? Date.parse(d.endDate) / 1000 : undefined,
        State: 'ENABLED',
        ActionAfterCompletion: d.actionAfterCompletion,
        Target: { Arn: d.target.arn, Input: d.target.input, RoleArn: 'local' },
        FlexibleTimeWindow: { Mode: 'OFF' },
      });
    }
    return error(res, 405, 'ValidationException', `${req.method} is not emulated`);
  });
  const listener = await listenLocal(server);
  return {
    endpoint: listener.url,
    bind: (fns) => {
      functions = fns;
    },
    schedules: () => [...held.values()].map((e) => e.definition),
    firings: () => fired,
    stop: async () => {
      for (const entry of held.values()) entry.job.stop();
      held.clear();
      await listener.close();
    },
  };
}
