import type { PrewarmSchedule } from './prewarm';

// The ports of pre-warming: the schedules (EventBridge Scheduler) and the provisioned concurrency they set (Lambda).
// Each method throws the backend's error as is on failure.

/** The pre-warm schedules of campaigns (EventBridge Scheduler; src/functions/adapters/scheduler). */
export interface PrewarmScheduler {
  /** Creates each schedule, or updates it when one of its name exists. @throws on a backend failure. */
  put(schedules: readonly PrewarmSchedule[]): Promise<void>;
  /** Deletes the schedules of these names; a missing one is not an error. @throws on a backend failure. */
  remove(names: readonly string[]): Promise<void>;
}

/** Provisioned concurrency of the issue function's published alias (src/functions/adapters/lambda). */
export interface ProvisionedConcurrency {
  /** Sets it to `executions` execution environments; 0 removes the configuration. @throws on a backend failure. */
  set(executions: number): Promise<void>;
}
