import { CreateQueueCommand, type SQSClient } from '@aws-sdk/client-sqs';
import {
  LOCAL_ACCOUNT,
  LOCAL_REGION,
  type PhysicalResource,
  resolveIntrinsics,
  resourcesOfType,
  type SynthesizedStack,
} from '../template';

/** Options of {@link provisionQueues}. */
export interface QueueOptions {
  /** Endpoint of the proxy the local cloud's own clients use (setup, event source pollers): the queue URLs' host. */
  readonly setupEndpoint: string;
  /** Endpoint of the chaos proxy the functions use: their queue URLs point there. */
  readonly functionEndpoint: string;
  /** Overrides every queue's VisibilityTimeout, s. @default the template's */
  readonly visibilityTimeoutS?: number;
}

/**
 * Creates the template's AWS::SQS::Queue resources in fauxqs with their attributes and redrive policies,
 * dead-letter queues first (a redrive policy needs its target's ARN). Records each queue in `physical` with the URL
 * the functions see (behind the chaos proxy), its ARN and name.
 * @returns the queue URL of the local cloud's own clients, by logical id.
 * @throws Error when a redrive policy names an unknown queue, or the SQS error when a queue cannot be created.
 */
export async function provisionQueues(
  stack: SynthesizedStack,
  sqs: SQSClient,
  physical: Record<string, PhysicalResource>,
  options: QueueOptions,
): Promise<Record<string, string>> {
  const queues: Record<string, string> = {};
  const queueDefs = resourcesOfType(stack, 'AWS::SQS::Queue').sort(
    ([, a], [, b]) =>
      Number(a.Properties?.RedrivePolicy !== undefined) - Number(b.Properties?.RedrivePolicy !== undefined),
  );
  for (const [id, queue] of queueDefs) {
    const p = queue.Properties ?? {};
    const name = (p.QueueName as string | undefined) ?? id;
    const attributes: Record<string, string> = {};
    for (const key of [
      'VisibilityTimeout',
      'MessageRetentionPeriod',
      'DelaySeconds',
      'ReceiveMessageWaitTimeSeconds',
      'FifoQueue',
      'ContentBasedDeduplication',
    ]) {
      if (p[key] !== undefined) attributes[key] = String(p[key]);
    }
    if (options.visibilityTimeoutS !== undefined) attributes.VisibilityTimeout = String(options.visibilityTimeoutS);
    if (p.RedrivePolicy) {
      const redrive = resolveIntrinsics(p.RedrivePolicy, physical) as Record<string, unknown>;
      attributes.RedrivePolicy = JSON.stringify({
        deadLetterTargetArn: redrive.deadLetterTargetArn,
        maxReceiveCount: String(redrive.maxReceiveCount),
      });
    }
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
    const url = QueueUrl as string;
    const arn = `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${name}`;
    queues[id] = url;
    // Functions see the queue behind the chaos proxy (the SDK sends to the queue URL's host).
    const functionUrl = url.replace(options.setupEndpoint, options.functionEndpoint);
    physical[id] = { ref: functionUrl, attributes: { Arn: arn, QueueUrl: functionUrl, QueueName: name } };
  }
  return queues;
}
