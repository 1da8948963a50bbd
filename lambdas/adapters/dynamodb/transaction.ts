import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';

/**
 * Whether `error` is a TransactWriteItems cancelled because the condition of its first item failed (the item the
 * caller's outcome depends on: the coupon put, the coupon update, the ledger delete). Any other cancellation
 * (a conflict, a later item's condition, throttling) is not.
 */
export function firstConditionFailed(error: unknown): boolean {
  return (
    error instanceof TransactionCanceledException && error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed'
  );
}
