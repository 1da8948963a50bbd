import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import { identifierSchema, parseJsonBody } from './http';

const issueBodySchema = z.strictObject({ userId: identifierSchema });

/**
 * The caller's user id for an issue request. Until authentication lands it is the body's `userId`; this is the
 * one place that will read the token's `sub` instead.
 * @throws InvalidRequestError when the body has no valid userId.
 */
export function callerUserId(event: APIGatewayProxyEventV2): string {
  return parseJsonBody(event, issueBodySchema).userId;
}
