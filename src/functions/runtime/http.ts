import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import '../domain/kernel/zod-messages';
import { PROBLEM_MEDIA_TYPE, problemTitle, problemType } from '../../contract/problems';
import { pageQuerySchemaOf } from '../../contract/rules';
import { DomainError, type FieldError, InvalidRequestError, PayloadTooLargeError } from '../domain/kernel/errors';
import type { PageRequest } from '../domain/kernel/page';
import { logger } from './powertools';

/** Largest accepted JSON body, bytes. A campaign definition is well under 1 KB. */
const MAX_BODY_BYTES = 16 * 1024;

/**
 * A problem (RFC 9457; src/contract/problems.ts) in `application/problem+json`: `type`, `title`, `status` and `detail`,
 * `code` and `message` (the detail again, for the clients that read them before problem details), `errors` (each
 * invalid field of a bad request, else empty) and the error's own members (`details`).
 */
function problem(
  statusCode: number,
  code: string,
  detail: string,
  errors: readonly FieldError[] = [],
  details: Readonly<Record<string, unknown>> = {},
): APIGatewayProxyStructuredResultV2 {
  const body = {
    type: problemType(code),
    title: problemTitle(code),
    status: statusCode,
    detail,
    code,
    message: detail,
    errors,
    ...details,
  };
  return { statusCode, headers: { 'content-type': PROBLEM_MEDIA_TYPE }, body: JSON.stringify(body) };
}

/** A JSON response with the given status. */
export function json(statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

/**
 * Parses and validates the JSON body against `schema`. With `optional`, a missing or empty body is validated as
 * `{}`.
 * @throws InvalidRequestError (400) when the body is missing, not JSON or not matching, saying what is wrong;
 *   PayloadTooLargeError (413) above {@link MAX_BODY_BYTES}.
 */
export function parseJsonBody<S extends z.ZodMiniType>(
  event: APIGatewayProxyEventV2,
  schema: S,
  options: { optional?: boolean } = {},
): z.infer<S> {
  if (event.body === undefined || event.body === null || event.body === '') {
    if (options.optional) return parseWith(schema, {}, 'request body');
    throw new InvalidRequestError('request body is required (JSON object)');
  }
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES) {
    throw new PayloadTooLargeError(`request body exceeds ${MAX_BODY_BYTES} bytes`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InvalidRequestError('request body is not valid JSON');
  }
  return parseWith(schema, value, 'request body');
}

/**
 * Validates `value` (path parameters, query) against `schema`.
 * @throws InvalidRequestError with one field error per invalid field (an unrecognized key is one of its own), and
 *   a message that says it (`invalid <what>: <path>: <message>`) or, for several, names them (`invalid <what>: 3
 *   invalid fields: name, timezone, dailyWindow.open`).
 */
export function parseWith<S extends z.ZodMiniType>(schema: S, value: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const errors = fieldErrorsOf(parsed.error.issues);
    const [only] = errors;
    const summary =
      errors.length === 1 && only
        ? only.path === ''
          ? only.message
          : `${only.path}: ${only.message}`
        : `${errors.length} invalid fields: ${errors.map((e) => e.path || '(whole value)').join(', ')}`;
    throw new InvalidRequestError(`invalid ${what}: ${summary}`, { errors });
  }
  return parsed.data;
}

/** A field's path as written in messages: `dailyWindow.open`, `items[0]`; empty for the whole value. */
const dotPath = (path: readonly PropertyKey[]) =>
  path.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`)).join('');

/** The field errors of a schema's issues: an unrecognized-keys issue becomes one error per key. */
function fieldErrorsOf(issues: readonly z.core.$ZodIssue[]): FieldError[] {
  return issues.flatMap((issue): FieldError[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: dotPath([...issue.path, key]),
        message: `Unrecognized key: ${JSON.stringify(key)}`,
      }));
    }
    return [{ path: dotPath(issue.path), message: issue.message }];
  });
}

/** The id rule of every id in paths, bodies and token subjects (src/contract/rules.ts `idSchema`). */
export { idSchema as identifierSchema } from '../../contract/rules';

/** Middy's early-timeout error (thrown when the remaining time runs out), told apart from AWS SDK timeouts. */
const isMiddyTimeout = (error: unknown) =>
  error instanceof Error &&
  error.name === 'TimeoutError' &&
  (error.cause as { package?: string } | undefined)?.package === '@middy/core';

/** The message of every 503 and of any other response whose error may not be shown (`expose` false). */
const UNAVAILABLE_MESSAGE = 'The service is temporarily unavailable; please retry';

/**
 * Maps errors to responses once, at the edge, for every route, as problem details ({@link problem}): a DomainError
 * becomes the problem of its code with its status, its message as `detail` (generic when `expose` is false), its
 * field errors (InvalidRequestError) and `details`. Any other error is a backend failure (an SDK, Redis or network
 * error, or middy's early timeout just before the function's deadline): whatever the handler was doing may or may
 * not have happened, and a retry is safe (an admitted user gets ALREADY_ISSUED), so it becomes the 503 UNAVAILABLE
 * problem that reveals nothing internal, and is logged with its cause.
 */
export function httpErrors(): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  return {
    onError: async (request) => {
      const error = request.error;
      if (error instanceof DomainError) {
        if (error.statusCode >= 500) logger.error(error.message, { error, cause: error.cause });
        const detail = error.expose ? error.message : UNAVAILABLE_MESSAGE;
        const errors = error instanceof InvalidRequestError ? error.fieldErrors : [];
        request.response = problem(error.statusCode, error.code, detail, errors, error.details);
        return;
      }
      logger.error(isMiddyTimeout(error) ? 'handler ran out of time' : 'backend failure', { error });
      request.response = problem(503, 'UNAVAILABLE', UNAVAILABLE_MESSAGE);
    },
  };
}

/** Most items one page of a listing returns. */
const MAX_PAGE_SIZE = 100;
/** Items of a page when the request gives no `limit`. */
const DEFAULT_PAGE_SIZE = 20;

/** Query of a paginated listing: `limit` (1-100, default 20) and `cursor` (a previous `nextCursor`). */
export const pageQuerySchema = pageQuerySchemaOf(
  MAX_PAGE_SIZE,
  DEFAULT_PAGE_SIZE,
  z.string().check(z.minLength(1), z.maxLength(2048, 'cursor is too long')),
);

/**
 * The page request of a listing's query string, by `schema` (a src/contract/rules.ts pageQuerySchemaOf; by default
 * the listings' 1-100) whose limits stop at `maxLimit`.
 * @throws InvalidRequestError for a limit outside 1-maxLimit or a malformed cursor.
 */
export function parsePageQuery(
  query: Record<string, string | undefined> | undefined,
  schema: z.ZodMiniType<{ limit: number; cursor?: string | undefined }> = pageQuerySchema,
  maxLimit = MAX_PAGE_SIZE,
): PageRequest {
  const { limit, cursor } = parseWith(schema, query ?? {}, 'query');
  if (limit < 1 || limit > maxLimit) {
    const message = `limit must be an integer from 1 to ${maxLimit}`;
    throw new InvalidRequestError(`invalid query: ${message}`, { errors: [{ path: 'limit', message }] });
  }
  return cursor === undefined ? { limit } : { limit, cursor };
}
