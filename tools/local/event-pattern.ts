// The subset of EventBridge event patterns that Lambda event filtering and EventBridge rules share and that the
// construct's filters and rules use (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html,
// https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html).

/** An event pattern, parsed from its JSON: objects nest, leaves are arrays of allowed values or matchers. */
export type EventPattern = { readonly [field: string]: EventPattern | readonly unknown[] };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Parses a pattern (a JSON string, as in FilterCriteria.Filters[].Pattern and a rule's EventPattern, or an object).
 * @throws Error when it is not a JSON object, or uses a matcher {@link matchesPattern} does not support.
 */
export function parsePattern(pattern: unknown): EventPattern {
  const value = typeof pattern === 'string' ? (JSON.parse(pattern) as unknown) : pattern;
  if (!isObject(value)) throw new Error(`event pattern is not an object: ${JSON.stringify(pattern)}`);
  const check = (node: Record<string, unknown>) => {
    for (const [key, child] of Object.entries(node)) {
      if (isObject(child)) check(child);
      else if (!Array.isArray(child)) throw new Error(`event pattern field ${key} is neither an object nor an array`);
      else
        for (const allowed of child) {
          if (!isObject(allowed)) continue;
          const [matcher] = Object.keys(allowed);
          if (Object.keys(allowed).length !== 1 || !['prefix', 'exists', 'anything-but'].includes(matcher ?? '')) {
            throw new Error(`event pattern matcher ${JSON.stringify(allowed)} is not supported locally`);
          }
        }
    }
  };
  check(value);
  return value as EventPattern;
}

/** Whether one value satisfies one allowed entry: an exact value, `{prefix}`, `{anything-but}` (value or list). */
function allows(allowed: unknown, value: unknown): boolean {
  if (!isObject(allowed)) return allowed === value;
  if ('prefix' in allowed) return typeof value === 'string' && value.startsWith(String(allowed.prefix));
  if ('anything-but' in allowed) {
    const excluded = allowed['anything-but'];
    return value !== undefined && !(Array.isArray(excluded) ? excluded : [excluded]).includes(value);
  }
  return false;
}

/**
 * Whether `event` matches `pattern`: every field of the pattern must match (objects recursively); a leaf array
 * matches when the event's value (or any element of an array value) equals one of its values or satisfies one of
 * its matchers (`{"prefix": "..."}`, `{"exists": true|false}`, `{"anything-but": ...}`). A field the event lacks
 * matches only `{"exists": false}`.
 */
export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
  const fields = isObject(event) ? event : {};
  return Object.entries(pattern).every(([key, rule]) => {
    const value = fields[key];
    if (!Array.isArray(rule)) return isObject(value) && matchesPattern(rule as EventPattern, value);
    return rule.some((allowed) => {
      if (isObject(allowed) && 'exists' in allowed) return (value !== undefined) === Boolean(allowed.exists);
      if (value === undefined || isObject(value)) return false;
      return Array.isArray(value) ? value.some((v) => allows(allowed, v)) : allows(allowed, value);
    });
  });
}

/** Whether `event` matches any of `patterns`; with none, every event does (a mapping without FilterCriteria). */
export function matchesAnyPattern(patterns: readonly EventPattern[], event: unknown): boolean {
  return patterns.length === 0 || patterns.some((pattern) => matchesPattern(pattern, event));
}
