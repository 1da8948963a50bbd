import { DeleteMessageBatchCommand, type Message, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { LocalFunction } from './lambda-runtime';
import { LOCAL_REGION } from './template';

/** An SQS event source mapping as the template declares it. */
export interface LocalEventSourceMapping {
  readonly functionLogicalId: string;
  readonly queueUrl: string;
  readonly queueArn: string;
  /** Records per invocation (BatchSize, default 10). */
  readonly batchSize: number;
  /** MaximumBatchingWindowInSeconds (default 0). */
  readonly batchingWindowS: number;
  /** FunctionResponseTypes includes ReportBatchItemFailures. */
  readonly reportBatchItemFailures: boolean;
  /** ScalingConfig.MaximumConcurrency (default 5 pollers here, as Lambda starts with 5). */
  readonly maxConcurrency: number;
}

function toRecord(message: Message, queueArn: string): SQSRecord {
  const attributes = (message.Attributes ?? {}) as Record<string, string>;
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? '000000000000',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: LOCAL_REGION,
  };
}

/**
 * The Lambda SQS poller for one event source mapping: `maxConcurrency` concurrent pollers, each gathering up to
 * `batchSize` records within the batching window, invoking the function, then deleting the records that
 * succeeded. With ReportBatchItemFailures the records named in `batchItemFailures` stay; a function error keeps
 * the whole batch. Kept records reappear after the visibility timeout and the queue's redrive policy moves them
 * to the dead-letter queue after maxReceiveCount, exactly as on AWS.
 */
export class SqsPoller {
  private running = false;
  private loops: Promise<void>[] = [];
  /** Invocations made and records deleted so far. */
  readonly stats = { invocations: 0, deleted: 0, failedRecords: 0, failedInvocations: 0 };

  constructor(
    private readonly sqs: SQSClient,
    private readonly mapping: LocalEventSourceMapping,
    private readonly fn: LocalFunction,
  ) {}

  /** Starts `maxConcurrency` polling loops. */
  start(): void {
    this.running = true;
    this.loops = Array.from({ length: this.mapping.maxConcurrency }, () => this.loop());
  }

  /** Stops polling; resolves once every loop has finished its current receive and delivery. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.allSettled(this.loops);
  }

  private async loop(): Promise<void> {
    while (this.running) {
      try {
        const messages = await this.gather();
        if (messages.length > 0) await this.deliver(messages);
      } catch {
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  private async gather(): Promise<Message[]> {
    const { batchSize, batchingWindowS, queueUrl } = this.mapping;
    const messages: Message[] = [];
    let windowEnds = 0;
    while (this.running && messages.length < batchSize) {
      const waiting = messages.length === 0;
      const { Messages = [] } = await this.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: Math.min(10, batchSize - messages.length),
          WaitTimeSeconds: waiting ? 1 : 0,
          MessageSystemAttributeNames: ['All'],
        }),
      );
      if (waiting && Messages.length > 0) windowEnds = Date.now() + batchingWindowS * 1000;
      messages.push(...Messages);
      if (messages.length === 0) return messages;
      if (Date.now() >= windowEnds) break;
      if (Messages.length === 0) await new Promise((r) => setTimeout(r, Math.min(100, windowEnds - Date.now())));
    }
    return messages;
  }

  private async deliver(messages: Message[]): Promise<void> {
    const event: SQSEvent = { Records: messages.map((m) => toRecord(m, this.mapping.queueArn)) };
    this.stats.invocations++;
    let failed = new Set<string>();
    try {
      const result = (await this.fn.invoke(event)) as { batchItemFailures?: { itemIdentifier: string }[] } | null;
      if (this.mapping.reportBatchItemFailures && result?.batchItemFailures) {
        failed = new Set(result.batchItemFailures.map((f) => f.itemIdentifier));
      }
    } catch {
      this.stats.failedInvocations++;
      return; // the whole batch returns to the queue after its visibility timeout
    }
    this.stats.failedRecords += failed.size;
    const done = messages.filter((m) => !failed.has(m.MessageId ?? ''));
    for (let i = 0; i < done.length; i += 10) {
      const chunk = done.slice(i, i + 10);
      await this.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.mapping.queueUrl,
          Entries: chunk.map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle ?? '' })),
        }),
      );
      this.stats.deleted += chunk.length;
    }
  }
}
