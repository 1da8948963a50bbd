import { corsExposeHeaders } from '../../../src/construct/api';
import { API_CONTRACT } from '../../../src/contract/api-contract';

describe('contract: the response headers CORS exposes', () => {
  it('are every header a response of the API contract declares, and the CSV file name', () => {
    // Prepare
    const declared = Object.values(API_CONTRACT).flatMap((operation) =>
      Object.values(operation.success).flatMap((response) => Object.keys(response?.csv?.headers.shape ?? {})),
    );
    // Act
    const exposed = corsExposeHeaders();
    // Assess
    expect([...exposed].sort()).toEqual(['content-disposition', ...new Set(declared)].sort());
  });
});
