import type { ApiProblem, DomainProblem, ProblemCode } from './types';

/** Whether `value` is an error body of the API ({@link ApiProblem}): an object with a string `message`. */
export function isProblem(value: unknown): value is ApiProblem {
  return typeof value === 'object' && value !== null && typeof (value as { message?: unknown }).message === 'string';
}

/**
 * Whether `value` is the product's error body with `code` (all of them without `code`), narrowed to its schema,
 * e.g. `isDomainProblem(error, 'ALREADY_ISSUED')` gives the body with `rank`, `couponId` and `issueDate`.
 */
export function isDomainProblem<C extends ProblemCode = ProblemCode>(
  value: unknown,
  code?: C,
): value is Extract<DomainProblem, { code: C }> {
  if (!isProblem(value) || !('code' in value) || typeof value.code !== 'string') return false;
  return code === undefined || value.code === code;
}

/**
 * One line for a failed call: `STATUS CODE: message` for a product error, `STATUS message` for API Gateway's
 * `{message}`, else the value as a string (a network error). `response` adds the status.
 */
export function problemText(error: unknown, response?: Response): string {
  const status = response ? `${response.status} ` : '';
  if (isDomainProblem(error)) return `${status}${error.code}: ${error.message}`;
  if (isProblem(error)) return `${status}${error.message}`;
  return `${status}${error instanceof Error ? error.message : String(error)}`;
}
