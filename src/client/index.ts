/**
 * The typed client of the HTTP API, the package's `./client` entry: {@link createCouponClient} and the shapes of
 * its requests, responses and errors, generated from the OpenAPI document (src/contract/openapi/). Browser and
 * Node 20+ alike: it uses only the fetch and WebCrypto globals, and its proof-of-work solver
 * ({@link solveProofOfWork}) altcha-lib and @noble/hashes, both plain JavaScript.
 */

// Every event name and detail shape of the bus, declared once in the contract.
export * from '../contract/events';
export {
  type AdminApi,
  type ApiMediaType,
  type CheckoutApi,
  type CouponApi,
  type CouponClient,
  type CouponClientOptions,
  createCouponClient,
  type Provided,
  type UserApi,
} from './coupon-client';
export { fieldErrors, isDomainProblem, isProblem, problemText } from './problems';
export { type ProofOfWorkChallenge, type SolveProofOfWorkOptions, solveProofOfWork } from './proof-of-work';
export {
  type AdminCredentials,
  EXECUTE_API_SERVICE,
  regionOfApiUrl,
  type SignableRequest,
  type SignatureHeaders,
  signatureHeaders,
  signRequest,
} from './sigv4';
export type {
  AdminPaths,
  ApiPaths,
  ApiProblem,
  CheckoutPaths,
  DomainProblem,
  FieldError,
  ProblemCode,
  RequestBody,
  Schema,
  UserPaths,
} from './types';
