import type { AdmissionMessage } from '../../src/functions/domain/admission/admission';
import { parseAdmissionMessage } from '../../src/functions/domain/coupon/admission-message';
import {
  type ApplyAdmissionDeps,
  type ApplyOutcome,
  applyAdmissions,
  outcomeOfRecord,
} from '../../src/functions/domain/coupon/apply-admission';
import type { CouponStore } from '../../src/functions/domain/coupon/ports';
import type { SqsModel } from './sqs-model';

/**
 * The event source mapping's part: receives one batch of up to 10 visible messages from the model's issue queue
 * and hands it to the consumer's logic (src/functions/handlers/consume-admissions.ts); records that succeeded are deleted,
 * failed ones become visible again after the visibility timeout (and reach the dead-letter queue after
 * maxReceiveCount receives).
 */
export async function consumeBatch(
  deps: Omit<ApplyAdmissionDeps, 'coupons'> & { readonly coupons: Pick<CouponStore, 'putIfAbsent' | 'putAllIfAbsent'> },
  model: SqsModel,
  queueUrl: string,
): Promise<void> {
  const records = model.receive(queueUrl, 10);
  if (records.length === 0) return;
  const messages = new Map<string, AdmissionMessage>();
  for (const record of records) {
    try {
      messages.set(record.messageId, parseAdmissionMessage(record.body));
    } catch {
      // a poison body fails its record below
    }
  }
  let settled = new Map<string, ApplyOutcome>();
  try {
    settled = (await applyAdmissions(deps, [...messages.values()])).settled;
  } catch {
    // every record is applied alone
  }
  await Promise.all(
    records.map(async (record) => {
      try {
        const message = messages.get(record.messageId) ?? parseAdmissionMessage(record.body);
        await outcomeOfRecord(deps, settled, message);
        model.delete(queueUrl, record.receiptHandle);
      } catch {
        // left in the queue: a partial batch response's failed record
      }
    }),
  );
}
