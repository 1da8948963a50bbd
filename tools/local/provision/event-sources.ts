import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { parsePattern } from '../event-pattern';
import type { LocalFunction } from '../lambda-runtime';
import { SqsPoller } from '../sqs-poller';
import { StreamPoller } from '../stream-poller';
import { type PhysicalResource, resourcesOfType, type SynthesizedStack } from '../template';

/** One event source mapping: the function's and the source's logical ids (a queue or a table), and its poller (not started). */
export interface LocalEventSource {
  readonly functionLogicalId: string;
  /** The queue's logical id (SQS) or the table's (its DynamoDB stream). */
  readonly sourceLogicalId: string;
  readonly kind: 'sqs' | 'dynamodb-stream';
  readonly poller: SqsPoller | StreamPoller;
}

/** The clients the pollers read their sources with. */
export interface EventSourceClients {
  readonly sqs: SQSClient;
  readonly streams: DynamoDBStreamsClient;
}

const flag = (types: unknown, name: string) => ((types as string[] | undefined) ?? []).includes(name);

/**
 * Builds a poller per AWS::Lambda::EventSourceMapping, telling them apart by their EventSourceArn: a table's
 * `StreamArn` gets a {@link StreamPoller} (BatchSize, default 100; MaximumBatchingWindowInSeconds, default 0;
 * ReportBatchItemFailures; FilterCriteria.Filters[].Pattern), a queue's `Arn` an {@link SqsPoller} (BatchSize,
 * default 10; MaximumBatchingWindowInSeconds, default 0; ReportBatchItemFailures; ScalingConfig.MaximumConcurrency,
 * default 5) receiving from the URLs in `queues` (by logical id). `start()` starts each.
 * @throws Error when a mapping's function, queue or table stream is not in the template, or a filter pattern uses
 *   a matcher tools/local/event-pattern.ts does not support.
 */
export function provisionEventSources(
  stack: SynthesizedStack,
  clients: EventSourceClients,
  functions: Record<string, LocalFunction>,
  physical: Record<string, PhysicalResource>,
  queues: Record<string, string>,
): LocalEventSource[] {
  const sources: LocalEventSource[] = [];
  for (const [, mapping] of resourcesOfType(stack, 'AWS::Lambda::EventSourceMapping')) {
    const p = mapping.Properties ?? {};
    const [sourceId, attribute] = ((p.EventSourceArn as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'] ?? []) as [
      string,
      string,
    ];
    const functionId = (p.FunctionName as { Ref?: string }).Ref as string;
    const fn = functions[functionId];
    const arn = physical[sourceId]?.attributes[attribute];
    if (!fn || !arn)
      throw new Error(`event source mapping ${functionId} <- ${sourceId}.${attribute} cannot be resolved`);
    const common = {
      functionLogicalId: functionId,
      batchingWindowS: Number(p.MaximumBatchingWindowInSeconds ?? 0),
      reportBatchItemFailures: flag(p.FunctionResponseTypes, 'ReportBatchItemFailures'),
    };
    if (attribute === 'StreamArn') {
      const filters = ((p.FilterCriteria as { Filters?: { Pattern: string }[] } | undefined)?.Filters ?? []).map((f) =>
        parsePattern(f.Pattern),
      );
      const poller = new StreamPoller(
        clients.streams,
        { ...common, tableLogicalId: sourceId, streamArn: arn, batchSize: Number(p.BatchSize ?? 100), filters },
        fn,
      );
      sources.push({ functionLogicalId: functionId, sourceLogicalId: sourceId, kind: 'dynamodb-stream', poller });
      continue;
    }
    const queueUrl = queues[sourceId];
    if (!queueUrl) throw new Error(`event source mapping ${functionId} <- ${sourceId}: no such queue`);
    const poller = new SqsPoller(
      clients.sqs,
      {
        ...common,
        queueUrl,
        queueArn: arn,
        batchSize: Number(p.BatchSize ?? 10),
        maxConcurrency: Number(
          (p.ScalingConfig as { MaximumConcurrency?: number } | undefined)?.MaximumConcurrency ?? 5,
        ),
      },
      fn,
    );
    sources.push({ functionLogicalId: functionId, sourceLogicalId: sourceId, kind: 'sqs', poller });
  }
  return sources;
}
