import { ChangeMessageVisibilityBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** A received message to show again after `delayS` seconds. */
export interface RetryLater {
  readonly receiptHandle: string;
  /** Seconds until the message is visible again (SQS accepts 0-43,200). */
  readonly delayS: number;
}

/**
 * Sets each message's visibility timeout to its own delay (ChangeMessageVisibilityBatch, 10 entries per call),
 * so a failed record returns after a short backoff instead of the queue's full visibility timeout. Returns the
 * number of messages whose change failed (they keep the queue's timeout: a later retry, never a lost message).
 * @throws the SDK's error when a call fails as a whole.
 */
export async function retryLater(client: SQSClient, queueUrl: string, messages: readonly RetryLater[]) {
  let failed = 0;
  for (let start = 0; start < messages.length; start += 10) {
    const chunk = messages.slice(start, start + 10);
    const { Failed } = await client.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queueUrl,
        Entries: chunk.map((m, i) => ({
          Id: String(i),
          ReceiptHandle: m.receiptHandle,
          VisibilityTimeout: Math.round(m.delayS),
        })),
      }),
    );
    failed += Failed?.length ?? 0;
  }
  return failed;
}
