import { GetQueueAttributesCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { type AdmissionMessage, MessageRejectedError } from '../../domain/admission/admission';
import type { IssueQueue } from '../../domain/admission/ports';

/** Whether SQS itself answered (an HTTP status came back), as opposed to a timeout or a broken connection. */
const serviceAnswered = (error: unknown): boolean =>
  typeof (error as { $metadata?: { httpStatusCode?: unknown } })?.$metadata?.httpStatusCode === 'number';

/**
 * The issue queue (standard SQS). `send` resolves once SQS has accepted the message. When SQS answered every
 * attempt with an error it throws {@link MessageRejectedError} (the message was not enqueued); any other failure
 * (timeout, reset connection) is rethrown as is: the message may or may not have been enqueued.
 */
export class SqsIssueQueue implements IssueQueue {
  /**
   * @param signal the current invocation's deadline (src/functions/runtime/deadline.ts): a send still unanswered then
   * is abandoned,
   *   an unknown outcome (the admission stands, reconciliation re-enqueues it). @default - none
   */
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
    private readonly signal: () => AbortSignal | undefined = () => undefined,
  ) {}

  async send(message: AdmissionMessage): Promise<void> {
    try {
      await this.client.send(
        new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(message) }),
        { abortSignal: this.signal() },
      );
    } catch (error) {
      if (serviceAnswered(error)) throw new MessageRejectedError('SQS rejected the message', { cause: error });
      throw error;
    }
  }

  /** One GetQueueAttributes (`QueueArn`, which the send permission covers): signs, connects, sends nothing. */
  async warmUp(): Promise<void> {
    await this.client.send(new GetQueueAttributesCommand({ QueueUrl: this.queueUrl, AttributeNames: ['QueueArn'] }));
  }
}
