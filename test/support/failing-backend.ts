/**
 * A stand-in for any adapter (or adapter getter) that fails like an unreachable backend, whatever is asked of it:
 * calling it, or calling any of its methods, rejects with `error()`. It is not a thenable, so it can be awaited.
 */
export function failingBackend(error: () => Error): unknown {
  const fail = () => Promise.reject(error());
  return new Proxy(fail, {
    get: (_target, key) => (key === 'then' ? undefined : fail),
    apply: () => fail(),
  });
}

/**
 * The exports of the composition root (src/functions/runtime/composition-root.ts) with every builder replaced by one that returns
 * a {@link failingBackend}; constants are kept. For `jest.mock` of that module.
 */
export function failingAdapters(actual: Record<string, unknown>, error: () => Error): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(actual).map(([name, value]) => [
      name,
      typeof value === 'function' ? () => failingBackend(error) : value,
    ]),
  );
}
