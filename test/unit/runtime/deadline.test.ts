import { DEADLINE_MARGINS_MS, deadlineOf, invocationSignal } from '../../../src/functions/runtime/deadline';

describe('runtime: the invocation deadline', () => {
  it('aborts the admission 2 s and the void 0.5 s before the function times out, and makes the final one current', async () => {
    const deadline = deadlineOf({ getRemainingTimeInMillis: () => DEADLINE_MARGINS_MS.admission + 50 });
    expect(invocationSignal()).toBe(deadline.finalSignal);
    expect(deadline.signal.aborted).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(deadline.signal.aborted).toBe(true);
    expect(deadline.finalSignal.aborted).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, DEADLINE_MARGINS_MS.admission - DEADLINE_MARGINS_MS.final));
    expect(deadline.finalSignal.aborted).toBe(true);
  });

  it('is already over when the function has less time left than the margins', () => {
    const { signal, finalSignal } = deadlineOf({ getRemainingTimeInMillis: () => 100 });
    return new Promise<void>((resolve) =>
      setTimeout(() => {
        expect([signal.aborted, finalSignal.aborted]).toEqual([true, true]);
        resolve();
      }, 20),
    );
  });
});
