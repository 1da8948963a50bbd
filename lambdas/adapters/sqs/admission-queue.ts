import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { AdmissionMessage, AdmissionQueue } from '../../domain/admission';

/** The issue queue (standard SQS). `send` resolves once SQS has accepted the message and throws otherwise. */
export class SqsAdmissionQueue implements AdmissionQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(message: AdmissionMessage): Promise<void> {
    await this.client.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(message) }));
  }
}
