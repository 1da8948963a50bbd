// Knowing when the system under exploration has nothing left to do but wait for the scheduler: no request to a
// real backend in flight and no short timer pending (the SDK's and Upstash's retry pauses). The scheduler's act
// (tools/explorer/run.ts) waits for it after every task it releases, so each of its choices is made from the same set of
// pending tasks on every replay of a seed.

/** Timers at most this long, ms, are part of the work (retry pauses); longer ones are idle timers (keep-alives). */
const SHORT_TIMER_MS = 100;

/** Counts work in flight: real I/O wrapped by {@link Quiescence.track} and short timers, once installed. */
export class Quiescence {
  private inflight = 0;
  private readonly timers = new Set<unknown>();
  private wake: (() => void) | undefined;

  /** Counts `work` as in flight until it settles; returns it. */
  track<T>(work: Promise<T>): Promise<T> {
    this.inflight++;
    return work.finally(() => {
      this.inflight--;
      this.notify();
    });
  }

  /**
   * Patches `globalThis.setTimeout`/`clearTimeout` so that timers of at most {@link SHORT_TIMER_MS} count as work
   * until they fire or are cleared. Returns the function that restores the originals.
   */
  installTimerTracking(): () => void {
    const original = { setTimeout: globalThis.setTimeout, clearTimeout: globalThis.clearTimeout };
    const timers = this.timers;
    const patched = ((callback: (...args: unknown[]) => void, delay?: number, ...args: unknown[]) => {
      if ((delay ?? 0) > SHORT_TIMER_MS) return original.setTimeout(callback, delay, ...args);
      const handle = original.setTimeout(() => {
        timers.delete(handle);
        try {
          callback(...args);
        } finally {
          this.notify();
        }
      }, delay);
      timers.add(handle);
      return handle;
    }) as typeof setTimeout;
    globalThis.setTimeout = Object.assign(patched, original.setTimeout);
    globalThis.clearTimeout = ((handle: Parameters<typeof clearTimeout>[0]) => {
      if (timers.delete(handle)) this.notify();
      original.clearTimeout(handle);
    }) as typeof clearTimeout;
    return () => {
      globalThis.setTimeout = original.setTimeout;
      globalThis.clearTimeout = original.clearTimeout;
    };
  }

  /** Resolves once nothing is in flight, across two turns of the event loop. */
  async settled(): Promise<void> {
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve));
      if (this.busy()) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
        continue;
      }
      await new Promise((resolve) => setImmediate(resolve));
      if (!this.busy()) return;
    }
  }

  private busy(): boolean {
    return this.inflight > 0 || this.timers.size > 0;
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
