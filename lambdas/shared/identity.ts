import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import { identifierSchema, parseJsonBody } from './http';

/**
 * The field naming the caller in open mode (until authentication lands): `userId` in the request body of a POST,
 * or in the query string of a GET. This module is the one place that will read the token's `sub` instead.
 */
export const callerFields = { userId: identifierSchema };

const issueBodySchema = z.strictObject(callerFields);

/**
 * The caller's user id for an issue request: the body's `userId`.
 * @throws InvalidRequestError when the body has no valid userId.
 */
export function callerUserId(event: APIGatewayProxyEventV2): string {
  return parseJsonBody(event, issueBodySchema).userId;
}
