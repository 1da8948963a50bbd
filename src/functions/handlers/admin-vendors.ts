import { HANDLERS } from '../../contract/names';
import { entityIdSchema } from '../../contract/rules';
import { systemClock } from '../domain/kernel/clock';
import { vendorDefinitionSchema } from '../domain/vendor/vendor';
import { createVendor, listVendors, vendorSettlement } from '../domain/vendor/vendor-admin';
import { vendorRepository } from '../runtime/composition-root';
import { loadConfig } from '../runtime/config';
import { json, parseJsonBody, parsePageQuery, parseWith } from '../runtime/http';
import { httpHandler } from '../runtime/router';

const vendors = vendorRepository(loadConfig('adminVendors'));

/**
 * Vendor administration; every route needs an IAM (SigV4-signed) caller, 403 FORBIDDEN otherwise.
 * `POST /v1/admin/vendors` `{"vendorId"?, "name", "currency"}` -> 201 with the vendor, 409 VENDOR_EXISTS;
 * `GET /v1/admin/vendors?limit=&cursor=` -> 200 `{items, nextCursor?}`, vendors ordered by `vendorId`;
 * `GET /v1/admin/vendors/{vendorId}?limit=&cursor=` -> 200 with the vendor, its `settlement` `{balance,
 * redemptions, currency}` and one page of ledger `entries` (oldest first, `nextCursor`), 404 VENDOR_NOT_FOUND.
 */
export const handler = httpHandler(HANDLERS.adminVendors, {
  createVendor: async (event) => {
    const definition = parseJsonBody(event, vendorDefinitionSchema);
    return json(201, await createVendor({ vendors, clock: systemClock }, definition));
  },
  listVendors: async (event) => json(200, await listVendors({ vendors }, parsePageQuery(event.queryStringParameters))),
  getVendor: async (event) => {
    const vendorId = parseWith(entityIdSchema('vendorId'), event.pathParameters?.vendorId, 'vendorId');
    return json(200, await vendorSettlement({ vendors }, vendorId, parsePageQuery(event.queryStringParameters)));
  },
});
