import { DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DeadLetter, DeadLetterSource } from '../../domain/failed-events/ports';
import { queueDepth } from './queue-depth';

/** The dead-letter queue, read in batches of 10 with a short long-poll. */
export class SqsDeadLetterSource implements DeadLetterSource {
  /**
   * @param visibilityTimeoutS how long a received message stays hidden while replay works on it, seconds.
   */
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
    private readonly visibilityTimeoutS = 60,
  ) {}

  async receive(): Promise<DeadLetter[]> {
    const { Messages } = await this.client.send(
      new ReceiveMessageCommand({
        QueueUrl: this.queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        VisibilityTimeout: this.visibilityTimeoutS,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    return (Messages ?? []).map((m) => ({
      messageId: m.MessageId ?? '',
      receiptHandle: m.ReceiptHandle ?? '',
      body: m.Body ?? '',
      attributes: { ...(m.Attributes ?? {}) } as Record<string, string>,
    }));
  }

  async delete(message: DeadLetter): Promise<void> {
    await this.client.send(new DeleteMessageCommand({ QueueUrl: this.queueUrl, ReceiptHandle: message.receiptHandle }));
  }

  /** Approximate number of messages in the queue, visible or being worked on. */
  depth(): Promise<number> {
    return queueDepth(this.client, this.queueUrl);
  }
}
