import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import { DynamoDbVendorRepository } from '../adapters/dynamodb/vendor-repository';
import { entityIdSchema } from '../domain/campaign';
import { systemClock } from '../domain/clock';
import { backendCall } from '../domain/errors';
import { createVendor, vendorDefinitionSchema, vendorSettlement } from '../domain/vendor';
import { documentClient } from '../shared/clients';
import { loadConfig, requiredString } from '../shared/config';
import { httpErrors, json, parseJsonBody, parsePageQuery, parseWith } from '../shared/http';
import { requireAdmin } from '../shared/identity';

const config = loadConfig(z.object({ VENDOR_TABLE_NAME: requiredString() }));
const vendors = new DynamoDbVendorRepository(documentClient, config.VENDOR_TABLE_NAME);

/**
 * Vendor administration; every route needs an IAM (SigV4-signed) caller, 403 FORBIDDEN otherwise.
 * `POST /v1/admin/vendors` `{"vendorId"?, "name", "currency"}` -> 201 with the vendor, 409 VENDOR_EXISTS;
 * `GET /v1/admin/vendors/{vendorId}?limit=&cursor=` -> 200 with the vendor, its `settlement` `{balance,
 * redemptions, currency}` and one page of ledger `entries` (oldest first, `nextCursor`), 404 VENDOR_NOT_FOUND.
 */
export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
  .use(httpErrors())
  .use(requireAdmin())
  .handler((event) =>
    backendCall(async () => {
      if (event.requestContext.http.method === 'POST') {
        const definition = parseJsonBody(event, vendorDefinitionSchema);
        return json(201, await createVendor({ vendors, clock: systemClock }, definition));
      }
      const vendorId = parseWith(entityIdSchema('vendorId'), event.pathParameters?.vendorId, 'vendorId');
      return json(200, await vendorSettlement({ vendors }, vendorId, parsePageQuery(event.queryStringParameters)));
    }),
  );
