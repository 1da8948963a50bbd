/**
 * Retry timing of a failed coupon write. Exponential backoff with "equal jitter" (AWS Architecture Blog,
 * "Exponential Backoff And Jitter", 2015): the n-th failed receive waits between half and all of `min(cap, 2^n)`
 * seconds, so failed records return within seconds of an outage's end and do not come back in lockstep.
 */

/** The longest a failed record waits before its next receive, s. */
export const MAX_RETRY_DELAY_S = 60;

/**
 * Seconds until a record that failed on its `receiveCount`-th receive (1-based, SQS ApproximateReceiveCount) is
 * received again: in `[ceil(b / 2), b]` with `b = min(MAX_RETRY_DELAY_S, 2^receiveCount)`. `random` in [0, 1).
 */
export function retryDelaySeconds(receiveCount: number, random: () => number = Math.random): number {
  const base = Math.min(MAX_RETRY_DELAY_S, 2 ** Math.max(1, receiveCount));
  return Math.ceil(base / 2 + random() * (base / 2));
}
