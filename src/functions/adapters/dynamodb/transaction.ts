import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';

/** Whether a single-item write failed its condition. */
export const isConditionalCheckFailed = (error: unknown): error is ConditionalCheckFailedException =>
  error instanceof ConditionalCheckFailedException;

/**
 * Whether `error` is a TransactWriteItems cancelled because the condition of its first item failed (the item the
 * caller's outcome depends on: the coupon put, the coupon update, the ledger delete). Any other cancellation
 * (a conflict, a later item's condition, throttling) is not.
 */
export function firstConditionFailed(error: unknown): boolean {
  return conditionFailures(error, 1).has(0);
}

/**
 * Indexes among the first `count` items of a cancelled TransactWriteItems whose condition failed; empty when
 * `error` is not a cancellation, or when no condition failed (a conflict or throttling cancels with other codes).
 */
export function conditionFailures(error: unknown, count: number): Set<number> {
  const failed = new Set<number>();
  if (!(error instanceof TransactionCanceledException)) return failed;
  for (const [index, reason] of (error.CancellationReasons ?? []).slice(0, count).entries()) {
    if (reason.Code === 'ConditionalCheckFailed') failed.add(index);
  }
  return failed;
}
