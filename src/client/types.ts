import type { components, operations, paths } from '../contract/openapi/api-types';
import type { RouteOf } from '../contract/routes';

/** Every path of the HTTP API and its operations, as openapi-typescript generates them from openapi.json. */
export type ApiPaths = paths;

/** The paths of the routes whose authorization is `A` in the route table (src/contract/routes.ts). */
type PathsOf<A extends RouteOf['authorization']> = Extract<RouteOf, { authorization: A }>['path'] & keyof paths;

/** The paths an operator calls: the `admin` routes (IAM authorization, SigV4-signed for `execute-api`). */
export type AdminPaths = Pick<paths, PathsOf<'admin'>>;

/** The paths a shop's checkout service calls: the `checkout` routes (IAM authorization, SigV4-signed). */
export type CheckoutPaths = Pick<paths, PathsOf<'checkout'>>;

/** The paths a user calls: the `user` routes (bearer token) and the `public` ones (a campaign's view and its count, no credentials). */
export type UserPaths = Pick<paths, PathsOf<'user' | 'public'>>;

/** A schema of the API's OpenAPI document, e.g. `Schema<'Campaign'>`. */
export type Schema<N extends keyof components['schemas']> = components['schemas'][N];

/** The JSON request body of an operation, e.g. `RequestBody<'createCampaign'>`; `never` for one without a body. */
export type RequestBody<O extends keyof operations> = operations[O] extends {
  requestBody?: { content: { 'application/json': infer B } };
}
  ? B
  : never;

/** The names of the document's error schemas (`InvalidRequestError`, ..., `GatewayError`). */
type ErrorSchemaName = Extract<keyof components['schemas'], `${string}Error`>;

/**
 * An error body the API answers with: the product's problem details in `application/problem+json` (RFC 9457:
 * `type`, `title`, `status`, `detail`, `code`, `message`, `errors` and the error's members; one schema per domain
 * error, src/functions/domain/kernel/errors.ts, mapped at the edge by src/functions/runtime/http.ts), or API
 * Gateway's own refusal `{message}` in `application/json` (authorizer, throttle, integration failure), which has no
 * `code`.
 */
export type ApiProblem = components['schemas'][ErrorSchemaName];

/** A product error body: one with a `code`. */
export type DomainProblem = Extract<ApiProblem, { code: string }>;

/** One invalid field of a bad request, from a problem's `errors`: `{path, message}`. */
export type FieldError = components['schemas']['FieldError'];

/** The `code` of every product error body, e.g. `'SOLD_OUT' | 'ALREADY_ISSUED' | ...`. */
export type ProblemCode = DomainProblem['code'];
