import { randomUUID } from 'node:crypto';
import { type EventPattern, matchesPattern } from './event-pattern';
import { bufferedServer, listenLocal, sendJson } from './http-server';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './template';

/** An event the local bus accepted, as `GET /_local/events` lists it. */
export interface PublishedEvent {
  /** The EventId PutEvents answered (a UUID, as on AWS). */
  readonly id: string;
  readonly eventBusName: string;
  readonly source: string;
  readonly detailType: string;
  /** The entry's Detail, parsed. */
  readonly detail: unknown;
  /** The entry's Time (ISO instant), else when it arrived. */
  readonly time: string;
  /** When the bus accepted it (ISO instant). */
  readonly receivedAt: string;
  /** Logical ids of the template's rules whose pattern matched it (their targets are not invoked locally). */
  readonly matchedRules: readonly string[];
}

/** An AWS::Events::Rule with an EventPattern on a local bus. */
export interface LocalEventRule {
  readonly logicalId: string;
  readonly eventBusName: string;
  readonly pattern: EventPattern;
}

/** A running EventBridge stand-in. */
export interface LocalEventBus {
  readonly endpoint: string;
  /**
   * The accepted events, oldest first: of `detailType` only, and received at or after `since`, when given.
   */
  events(filter?: { readonly detailType?: string; readonly since?: Date }): PublishedEvent[];
  /** Forgets every accepted event. */
  clear(): void;
  stop(): Promise<void>;
}

/** PutEvents' limit on entries per call (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html). */
const MAX_ENTRIES = 10;

interface PutEventsEntry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  EventBusName?: string;
  /** Epoch seconds, as the AWS JSON 1.1 protocol sends timestamps. */
  Time?: number | string;
  Resources?: string[];
}

/** The bus an entry names (a name or an ARN, `default` when left out). */
const busNameOf = (entry: PutEventsEntry) =>
  (entry.EventBusName ?? 'default').replace(/^arn:[^:]+:events:.*:event-bus\//, '');

function timeOf(time: PutEventsEntry['Time'], now: Date): string {
  if (time === undefined) return now.toISOString();
  const date = typeof time === 'number' ? new Date(time * 1000) : new Date(time);
  return Number.isNaN(date.getTime()) ? now.toISOString() : date.toISOString();
}

/**
 * The one EventBridge call the functions make, `PutEvents` (AWS JSON 1.1, `X-Amz-Target: AWSEvents.PutEvents`),
 * on the buses named in `buses` (and `default`): each entry is checked as EventBridge checks it (Source and
 * DetailType present, Detail a JSON object, a known bus), answered `{FailedEntryCount, Entries: [{EventId} |
 * {ErrorCode, ErrorMessage}]}` in order, and recorded when accepted; more than 10 entries is a 400
 * ValidationException. `rules` are matched against each accepted event (its envelope: version, id, detail-type,
 * source, account, time, region, resources, detail) and a match is logged. Local tool only.
 */
export async function startLocalEventBus(options: {
  readonly buses: readonly string[];
  readonly rules?: readonly LocalEventRule[];
  readonly log?: (message: string) => void;
}): Promise<LocalEventBus> {
  const buses = new Set(['default', ...options.buses]);
  const rules = options.rules ?? [];
  let published: PublishedEvent[] = [];
  const server = bufferedServer((req, body, res) => {
    const reply = (status: number, payload: unknown) => sendJson(res, status, payload, 'application/x-amz-json-1.1');
    if (req.headers['x-amz-target'] !== 'AWSEvents.PutEvents') {
      return reply(400, { __type: 'UnknownOperationException', message: 'only PutEvents is emulated' });
    }
    let entries: PutEventsEntry[];
    try {
      entries = (JSON.parse(body.toString('utf8') || '{}') as { Entries?: PutEventsEntry[] }).Entries ?? [];
    } catch {
      return reply(400, { __type: 'SerializationException', message: 'body is not JSON' });
    }
    if (entries.length === 0 || entries.length > MAX_ENTRIES) {
      return reply(400, {
        __type: 'ValidationException',
        message: `Entries must hold 1 to ${MAX_ENTRIES} entries, not ${entries.length}`,
      });
    }
    const now = new Date();
    const answers = entries.map((entry) => {
      const eventBusName = busNameOf(entry);
      if (!buses.has(eventBusName)) {
        return { ErrorCode: 'NotFoundException', ErrorMessage: `Event bus ${eventBusName} does not exist.` };
      }
      if (!entry.Source || !entry.DetailType) {
        return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameters Source and DetailType are required.' };
      }
      let detail: unknown;
      try {
        detail = JSON.parse(entry.Detail ?? '{}');
      } catch {
        detail = undefined;
      }
      if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) {
        return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
      }
      const id = randomUUID();
      const time = timeOf(entry.Time, now);
      const envelope = {
        version: '0',
        id,
        'detail-type': entry.DetailType,
        source: entry.Source,
        account: LOCAL_ACCOUNT,
        time,
        region: LOCAL_REGION,
        resources: entry.Resources ?? [],
        detail,
      };
      const matchedRules = rules
        .filter((r) => r.eventBusName === eventBusName && matchesPattern(r.pattern, envelope))
        .map((r) => r.logicalId);
      for (const rule of matchedRules) {
        options.log?.(`event bus ${eventBusName}: rule ${rule} matched ${entry.DetailType} ${id} (target not run)`);
      }
      published.push({
        id,
        eventBusName,
        source: entry.Source,
        detailType: entry.DetailType,
        detail,
        time,
        receivedAt: now.toISOString(),
        matchedRules,
      });
      return { EventId: id };
    });
    reply(200, { FailedEntryCount: answers.filter((a) => 'ErrorCode' in a).length, Entries: answers });
  });
  const listener = await listenLocal(server);
  return {
    endpoint: listener.url,
    events: (filter = {}) =>
      published.filter(
        (e) =>
          (filter.detailType === undefined || e.detailType === filter.detailType) &&
          (filter.since === undefined || Date.parse(e.receivedAt) >= filter.since.getTime()),
      ),
    clear: () => {
      published = [];
    },
    stop: listener.close,
  };
}
