import type { ApiProblem, DomainProblem, FieldError, ProblemCode } from './types';

/**
 * Whether `value` is an error body of the API ({@link ApiProblem}): an object with a string `message`, as both the
 * product's problem details (`application/problem+json`) and API Gateway's `{message}` (`application/json`) have.
 */
export function isProblem(value: unknown): value is ApiProblem {
  return typeof value === 'object' && value !== null && typeof (value as { message?: unknown }).message === 'string';
}

/**
 * Whether `value` is the product's error body with `code` (all of them without `code`), narrowed to its schema,
 * e.g. `isDomainProblem(error, 'ALREADY_ISSUED')` gives the body with `rank`, `couponId`, `issueDate` and `limit`.
 */
export function isDomainProblem<C extends ProblemCode = ProblemCode>(
  value: unknown,
  code?: C,
): value is Extract<DomainProblem, { code: C }> {
  if (!isProblem(value) || !('code' in value) || typeof value.code !== 'string') return false;
  return code === undefined || value.code === code;
}

/**
 * The invalid fields of a bad request, from a problem's `errors` (`{path, message}` each); empty for any other
 * error, API Gateway's `{message}` and a body from before problem details.
 */
export function fieldErrors(error: unknown): FieldError[] {
  if (!isDomainProblem(error) || !Array.isArray(error.errors)) return [];
  return error.errors.filter((e): e is FieldError => typeof e?.path === 'string' && typeof e.message === 'string');
}

/**
 * One line for a failed call: `STATUS CODE: message` for a product error, followed for a bad request by its field
 * errors the message does not already say, in parentheses (`(path: message; ...)`); `STATUS message` for API Gateway's `{message}`; else the
 * value as a string (a network error). `response` adds the status.
 */
export function problemText(error: unknown, response?: Response): string {
  const status = response ? `${response.status} ` : '';
  if (isDomainProblem(error)) {
    const fields = fieldErrors(error)
      .filter(({ message }) => !error.message.includes(message))
      .map(({ path, message }) => (path === '' ? message : `${path}: ${message}`));
    return `${status}${error.code}: ${error.message}${fields.length > 0 ? ` (${fields.join('; ')})` : ''}`;
  }
  if (isProblem(error)) return `${status}${error.message}`;
  return `${status}${error instanceof Error ? error.message : String(error)}`;
}
