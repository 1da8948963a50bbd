import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import type { FunctionAuthMode } from '../../contract/names';
import { ForbiddenError, UnauthorizedError } from '../domain/kernel/errors';
import { identifierSchema } from './http';
import { logger } from './powertools';

const NOT_WITH_TOKENS =
  'userId is not accepted: with authentication on, the caller is the subject (sub) of the bearer token';

/**
 * The request fields naming the caller (`mode` is the function's AUTH_MODE, see FunctionAuthMode in
 * src/contract/names.ts): `{userId}` in open mode; in jwt mode a `userId` is refused (400) rather than ignored, so a
 * client that still sends one learns that it is not what decides the owner.
 */
export function callerFields(mode: FunctionAuthMode) {
  return mode === 'none' ? { userId: identifierSchema } : { userId: z.optional(z.never({ error: NOT_WITH_TOKENS })) };
}

/** The claims API Gateway passes from a verified JWT (payload format 2.0): every value is a string. */
type JwtRequestContext = { authorizer?: { jwt?: { claims?: Record<string, string | number | boolean> } } };
/** The IAM caller API Gateway passes for a SigV4-signed request (payload format 2.0). */
type IamRequestContext = { authorizer?: { iam?: { userArn?: string; accessKey?: string } } };

/**
 * The caller's user id. In jwt mode (the caller is the `sub` of a token API Gateway's JWT authorizer verified, and a
 * `userId` in the request is refused): the verified token's `sub`, checked before `requested()` runs (which parses
 * the request and refuses a `userId` in it). In open mode: the `userId` that `requested()` parses from the request
 * with the route's schema ({@link callerFields}).
 * @throws UnauthorizedError (401) in jwt mode when the request carries no verified claims (a route deployed
 *   without the authorizer must not serve anyone); ForbiddenError (403) when `sub` is not a usable user id (1-128
 *   characters, no whitespace or controls); whatever `requested()` throws (400 for a bad request).
 */
export function callerUserId<T extends object>(
  event: APIGatewayProxyEventV2,
  mode: FunctionAuthMode,
  requested: () => T,
): { userId: string; request: T } {
  if (mode === 'none') {
    const request = requested();
    const { userId } = request as { userId?: string };
    if (userId === undefined) throw new UnauthorizedError('userId is required (auth=none)');
    return { userId, request };
  }
  const sub = (event.requestContext as JwtRequestContext).authorizer?.jwt?.claims?.sub;
  if (sub === undefined) throw new UnauthorizedError('a bearer token is required');
  const parsed = identifierSchema.safeParse(String(sub));
  if (!parsed.success) throw new ForbiddenError('the token subject is not a usable user id');
  return { userId: parsed.data, request: requested() };
}

/**
 * The IAM principal (ARN) of a SigV4-signed admin or checkout request, as API Gateway's IAM authorization verified
 * it; `tier` names the routes in the refusal.
 * @throws ForbiddenError (403) when the request reached the function without an IAM caller.
 */
export function adminPrincipal(event: APIGatewayProxyEventV2, tier: 'admin' | 'checkout' = 'admin'): string {
  const iam = (event.requestContext as IamRequestContext).authorizer?.iam;
  if (!iam?.userArn) throw new ForbiddenError(`${tier} routes need an IAM (SigV4-signed) caller`);
  return iam.userArn;
}

/**
 * Middy middleware of the admin and checkout functions (`tier`): refuses a request without an IAM caller (defence in
 * depth behind the route's IAM authorization) and adds the caller's ARN to every log line (`principal`), for an
 * audit trail. Put it after `httpErrors()` so the refusal becomes a 403 response.
 */
export function requireIamCaller(
  tier: 'admin' | 'checkout' = 'admin',
): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  return {
    before: async (request) => {
      const principal = adminPrincipal(request.event, tier);
      logger.appendKeys({ principal });
      logger.info(`${tier} request`, { routeKey: request.event.routeKey });
    },
    after: async () => {
      logger.removeKeys(['principal']);
    },
    onError: async () => {
      logger.removeKeys(['principal']);
    },
  };
}
