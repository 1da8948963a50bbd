import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { API_CONTRACT } from '../../../src/contract/api-contract';
import { ROUTES } from '../../../src/contract/routes';
import { thrownErrorsByOperation } from '../../support/thrown-errors';

jest.setTimeout(120_000);

const handlers = path.resolve(__dirname, '..', '..', '..', 'src', 'functions', 'handlers');
const thrown = thrownErrorsByOperation(
  readdirSync(handlers)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(handlers, f)),
);

/**
 * Errors the document adds to every route (the edge's 503, and the issue path's kinds of it, answered with the same
 * status and code), so the contract table need not list them.
 */
const EVERY_ROUTE = new Set(['UnavailableError', 'AdmissionVoidedError', 'AdmissionUnsettledError']);

describe('contract: the documented errors of each operation are the ones its handler can throw', () => {
  it.each(ROUTES.map((r) => [r.operation, r] as const))('%s', (operation) => {
    const documented = API_CONTRACT[operation].errors.map((e) => e.name).filter((n) => !EVERY_ROUTE.has(n));
    const derived = [...(thrown.get(operation) ?? [])].filter((n) => !EVERY_ROUTE.has(n));
    expect(thrown.has(operation)).toBe(true);
    expect([...new Set(documented)].sort()).toEqual(derived.sort());
  });
});
