import type { SQSClient } from '@aws-sdk/client-sqs';
import type { LocalFunction } from '../lambda-runtime';
import { SqsPoller } from '../sqs-poller';
import { type PhysicalResource, resourcesOfType, type SynthesizedStack } from '../template';

/** One SQS event source mapping: the function's and the queue's logical ids, and its poller (not started). */
export interface LocalEventSource {
  readonly functionLogicalId: string;
  readonly queueLogicalId: string;
  readonly poller: SqsPoller;
}

/**
 * Builds a poller per AWS::Lambda::EventSourceMapping: BatchSize (default 10), MaximumBatchingWindowInSeconds
 * (default 0), ReportBatchItemFailures, ScalingConfig.MaximumConcurrency (default 5). The pollers receive through
 * `sqs` from the URLs in `queues` (by logical id); {@link SqsPoller.start} starts each.
 * @throws Error when a mapping's function or queue is not in the template.
 */
export function provisionEventSources(
  stack: SynthesizedStack,
  sqs: SQSClient,
  functions: Record<string, LocalFunction>,
  physical: Record<string, PhysicalResource>,
  queues: Record<string, string>,
): LocalEventSource[] {
  const sources: LocalEventSource[] = [];
  for (const [, mapping] of resourcesOfType(stack, 'AWS::Lambda::EventSourceMapping')) {
    const p = mapping.Properties ?? {};
    const queueId = (p.EventSourceArn as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt']?.[0] as string;
    const functionId = (p.FunctionName as { Ref?: string }).Ref as string;
    const fn = functions[functionId];
    const queue = physical[queueId];
    if (!fn || !queue) throw new Error(`event source mapping ${functionId} <- ${queueId} cannot be resolved`);
    const poller = new SqsPoller(
      sqs,
      {
        functionLogicalId: functionId,
        queueUrl: queues[queueId] as string,
        queueArn: queue.attributes.Arn as string,
        batchSize: Number(p.BatchSize ?? 10),
        batchingWindowS: Number(p.MaximumBatchingWindowInSeconds ?? 0),
        reportBatchItemFailures: ((p.FunctionResponseTypes as string[] | undefined) ?? []).includes(
          'ReportBatchItemFailures',
        ),
        maxConcurrency: Number(
          (p.ScalingConfig as { MaximumConcurrency?: number } | undefined)?.MaximumConcurrency ?? 5,
        ),
      },
      fn,
    );
    sources.push({ functionLogicalId: functionId, queueLogicalId: queueId, poller });
  }
  return sources;
}
