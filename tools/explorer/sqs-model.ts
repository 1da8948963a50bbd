import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { HttpRequest, HttpResponse } from '@smithy/types';
import { bodyText } from './transport';

// An in-memory model of SQS standard queues, answering the AWS SDK's JSON protocol, with what the pipeline relies
// on: at-least-once delivery, a visibility timeout per receive, receive counts, and a redrive to the dead-letter
// queue after maxReceiveCount receives (SQS moves the message at the receive that would exceed it). Time is the
// run's virtual clock.

/** One stored message. */
interface StoredMessage {
  readonly messageId: string;
  readonly body: string;
  readonly sentAt: number;
  receiptHandle: string;
  receiveCount: number;
  /** Virtual epoch ms from which the message can be received again. */
  visibleAt: number;
}

/** A queue of the model. */
interface ModelQueue {
  readonly messages: StoredMessage[];
  readonly visibilityTimeoutS: number;
  readonly redrive?: { readonly deadLetterQueueUrl: string; readonly maxReceiveCount: number };
}

/** A message as the event source mapping hands it to the consumer. */
export interface ReceivedMessage {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  readonly receiveCount: number;
}

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

/** The queues of one run. */
export class SqsModel {
  private readonly queues = new Map<string, ModelQueue>();

  constructor(private readonly now: () => number) {}

  /** Creates a queue at `url`. */
  create(url: string, visibilityTimeoutS: number, redrive?: ModelQueue['redrive']): void {
    this.queues.set(url, { messages: [], visibilityTimeoutS, redrive });
  }

  /** Messages stored in the queue (visible or not). */
  depth(url: string): number {
    return this.queue(url).messages.length;
  }

  /** Every stored body of the queue. */
  bodies(url: string): string[] {
    return this.queue(url).messages.map((m) => m.body);
  }

  send(url: string, body: string): string {
    const messageId = randomUUID();
    this.queue(url).messages.push({
      messageId,
      body,
      sentAt: this.now(),
      receiptHandle: '',
      receiveCount: 0,
      visibleAt: this.now(),
    });
    return messageId;
  }

  /** Up to `max` visible messages, hidden for `visibilityTimeoutS` (the queue's when absent). */
  receive(url: string, max: number, visibilityTimeoutS?: number): ReceivedMessage[] {
    const queue = this.queue(url);
    const now = this.now();
    const received: ReceivedMessage[] = [];
    for (const message of [...queue.messages]) {
      if (received.length >= max) break;
      if (message.visibleAt > now) continue;
      if (queue.redrive && message.receiveCount >= queue.redrive.maxReceiveCount) {
        queue.messages.splice(queue.messages.indexOf(message), 1);
        const dlq = this.queue(queue.redrive.deadLetterQueueUrl);
        dlq.messages.push({ ...message, receiveCount: 0, visibleAt: now, receiptHandle: '' });
        continue;
      }
      message.receiveCount++;
      message.receiptHandle = randomUUID();
      message.visibleAt = now + 1_000 * (visibilityTimeoutS ?? queue.visibilityTimeoutS);
      received.push({ ...message });
    }
    return received;
  }

  /** Deletes by receipt handle; a stale handle deletes nothing (as SQS, without an error). */
  delete(url: string, receiptHandle: string): void {
    const messages = this.queue(url).messages;
    const i = messages.findIndex((m) => m.receiptHandle === receiptHandle);
    if (i >= 0) messages.splice(i, 1);
  }

  changeVisibility(url: string, receiptHandle: string, timeoutS: number): boolean {
    const message = this.queue(url).messages.find((m) => m.receiptHandle === receiptHandle);
    if (!message) return false;
    message.visibleAt = this.now() + 1_000 * timeoutS;
    return true;
  }

  /** Answers one SDK request (JSON protocol, `X-Amz-Target: AmazonSQS.<Operation>`). */
  async handle(request: HttpRequest): Promise<{ response: HttpResponse }> {
    const target = String(request.headers['x-amz-target'] ?? '');
    const operation = target.slice(target.lastIndexOf('.') + 1);
    const input = JSON.parse(bodyText(request) || '{}') as Record<string, unknown>;
    const url = String(input.QueueUrl);
    switch (operation) {
      case 'SendMessage': {
        const body = String(input.MessageBody);
        return ok({ MessageId: this.send(url, body), MD5OfMessageBody: md5(body) });
      }
      case 'ReceiveMessage': {
        const messages = this.receive(
          url,
          Number(input.MaxNumberOfMessages ?? 1),
          input.VisibilityTimeout === undefined ? undefined : Number(input.VisibilityTimeout),
        );
        return ok({
          Messages: messages.map((m) => ({
            MessageId: m.messageId,
            ReceiptHandle: m.receiptHandle,
            MD5OfBody: md5(m.body),
            Body: m.body,
            Attributes: { ApproximateReceiveCount: String(m.receiveCount) },
          })),
        });
      }
      case 'DeleteMessage':
        this.delete(url, String(input.ReceiptHandle));
        return ok({});
      case 'ChangeMessageVisibilityBatch': {
        const entries = (input.Entries ?? []) as { Id: string; ReceiptHandle: string; VisibilityTimeout: number }[];
        const changed = entries.filter((e) => this.changeVisibility(url, e.ReceiptHandle, e.VisibilityTimeout));
        return ok({ Successful: changed.map((e) => ({ Id: e.Id })), Failed: [] });
      }
      case 'GetQueueAttributes': {
        const queue = this.queue(url);
        const now = this.now();
        const visible = queue.messages.filter((m) => m.visibleAt <= now).length;
        return ok({
          Attributes: {
            ApproximateNumberOfMessages: String(visible),
            ApproximateNumberOfMessagesNotVisible: String(queue.messages.length - visible),
            QueueArn: `arn:aws:sqs:us-east-1:000000000000:${url.split('/').pop()}`,
          },
        });
      }
      default:
        throw new Error(`the SQS model does not answer ${operation}`);
    }
  }

  private queue(url: string): ModelQueue {
    const queue = this.queues.get(url);
    if (!queue) throw new Error(`no queue ${url} in the SQS model`);
    return queue;
  }
}

function ok(output: unknown): { response: HttpResponse } {
  return {
    response: {
      statusCode: 200,
      reason: undefined,
      headers: { 'content-type': 'application/x-amz-json-1.0' },
      body: Readable.from([Buffer.from(JSON.stringify(output))]),
    },
  };
}
