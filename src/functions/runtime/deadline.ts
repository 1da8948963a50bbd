import type { Context } from 'aws-lambda';
import type { Deadline } from '../domain/admission/ports';

/**
 * How long before the function's timeout its deadlines fall, ms: the admission's backend calls are abandoned
 * `admission` ms before it, and the void that settles an ambiguous admission (AdmissionStore.admit) must be answered
 * `final` ms before it, so the function answers before middy's early timeout (5 ms) and Lambda's. After a void was
 * answered, nothing of the invocation's admission can land; see RELIABILITY.md, guarantee 4.
 */
export const DEADLINE_MARGINS_MS = { admission: 2_000, final: 500 } as const;

let current: AbortSignal | undefined;

/**
 * The invocation's deadlines from its remaining time (`context.getRemainingTimeInMillis()`), and the final one
 * made the current invocation's (see {@link invocationSignal}).
 */
export function deadlineOf(context: Pick<Context, 'getRemainingTimeInMillis'>): Deadline {
  const remaining = context.getRemainingTimeInMillis();
  const deadline = {
    signal: AbortSignal.timeout(Math.max(1, remaining - DEADLINE_MARGINS_MS.admission)),
    finalSignal: AbortSignal.timeout(Math.max(1, remaining - DEADLINE_MARGINS_MS.final)),
  };
  current = deadline.finalSignal;
  return deadline;
}

/**
 * The current invocation's final deadline (an environment runs one invocation at a time), for clients that take a
 * signal per instance rather than per call (@upstash/redis' `signal` option); undefined outside an invocation
 * that set one.
 */
export function invocationSignal(): AbortSignal | undefined {
  return current;
}
