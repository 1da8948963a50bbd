import * as z from 'zod/mini';
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from 'zod-openapi';
import packageJson from '../../../package.json';
import { type DomainError, ForbiddenError, UnavailableError } from '../../functions/domain/kernel/errors';
import {
  API_CONTRACT,
  type DomainErrorClass,
  ERROR_DETAILS,
  PATH_PARAMETERS,
  type SuccessResponse,
} from '../api-contract';
import { PROBLEM_MEDIA_TYPE, problemTitle, problemType } from '../problems';
import * as responses from '../responses';
import { ROUTES, type RouteOf } from '../routes';
import { REQUEST_EXAMPLES, RESPONSE_EXAMPLES } from './examples';

/** The security scheme names of the document. */
export const SECURITY = { user: 'userJwt', admin: 'adminSigV4', checkout: 'checkoutSigV4' } as const;

/** A DomainError of the class, for its code, status and details (the constructors take only message parts). */
const sample = (cls: DomainErrorClass): DomainError => new (cls as unknown as new () => DomainError)();

/**
 * The problem of a domain error (src/functions/runtime/http.ts httpErrors): the shared Problem schema with its
 * `type`, `title`, `status` and `code`, and its details.
 */
function errorBodySchema(cls: DomainErrorClass) {
  const { code, statusCode } = sample(cls);
  return z.extend(responses.problemSchema, {
    type: z.literal(problemType(code)),
    title: z.literal(problemTitle(code)),
    status: z.literal(statusCode),
    code: z.literal(code),
    ...(ERROR_DETAILS[code] ?? {}),
  });
}

/** The error body schema of each DomainError class, built once so the document names it as a component. */
const errorBodies = new Map<DomainErrorClass, z.ZodMiniType>();
const errorBodyOf = (cls: DomainErrorClass) => {
  const known = errorBodies.get(cls);
  if (known) return known;
  const schema = errorBodySchema(cls);
  errorBodies.set(cls, schema);
  return schema;
};

/**
 * What API Gateway answers itself, by status, for a route of this authorization (before or instead of the function).
 */
function gatewayStatuses(route: RouteOf): Record<number, string> {
  const statuses: Record<number, string> = {
    413: "Above API Gateway's 10 MB payload limit (API Gateway).",
    429: 'Throttled by the stage or the route (API Gateway).',
    500: 'The function failed or timed out (API Gateway).',
  };
  if (route.authorization === 'user') statuses[401] = 'A missing, expired or forged bearer token (JWT authorizer).';
  if (route.authorization === 'admin' || route.authorization === 'checkout') {
    statuses[403] = 'Not a SigV4-signed caller allowed execute-api:Invoke (IAM).';
  }
  return statuses;
}

/** The responses of a route: its success, its errors grouped by status (a union where several share one). */
function responsesOf(route: RouteOf): ZodOpenApiOperationObject['responses'] {
  const contract = API_CONTRACT[route.operation];
  const bodies = new Map<number, { problems: z.ZodMiniType[]; gateway: boolean; descriptions: string[] }>();
  const add = (status: number, schema: z.ZodMiniType | 'gateway', description: string) => {
    const entry = bodies.get(status) ?? { problems: [], gateway: false, descriptions: [] };
    if (schema === 'gateway') entry.gateway = true;
    else if (!entry.problems.includes(schema)) entry.problems.push(schema);
    if (!entry.descriptions.includes(description)) entry.descriptions.push(description);
    bodies.set(status, entry);
  };
  const errors = new Set<DomainErrorClass>(contract.errors);
  errors.add(UnavailableError);
  // The admin and checkout functions refuse a request that reached them without an IAM caller
  // (src/functions/runtime/identity.ts).
  if (route.authorization === 'admin' || route.authorization === 'checkout') errors.add(ForbiddenError);
  for (const cls of errors) {
    const error = sample(cls);
    add(error.statusCode, errorBodyOf(cls), error.code);
  }
  for (const [status, description] of Object.entries(gatewayStatuses(route))) {
    add(Number(status), 'gateway', description);
  }
  const result: ZodOpenApiOperationObject['responses'] = {};
  const successes = Object.entries(contract.success) as [string, SuccessResponse][];
  for (const [status, { description, schema, csv }] of successes) {
    // The README's example of the operation goes to the success it is an answer of (a create's 201, not its dry run).
    const readmeExample = RESPONSE_EXAMPLES[route.operation];
    const example = z.safeParse(schema, readmeExample).success ? readmeExample : undefined;
    result[status as `2${string}`] = {
      description: csv ? `${description} With \`accept: text/csv\`: ${csv.description}` : description,
      ...(csv ? { headers: csv.headers } : {}),
      content: {
        'application/json': { schema, ...(example === undefined ? {} : { example }) },
        ...(csv ? { 'text/csv': { schema: z.string() } } : {}),
      },
    };
  }
  // The product's problems are application/problem+json; API Gateway's own refusals application/json.
  for (const [status, { problems, gateway, descriptions }] of [...bodies].sort(([a], [b]) => a - b)) {
    const problem = problems.length === 1 ? (problems[0] as z.ZodMiniType) : z.union(problems);
    result[String(status) as `${1 | 2 | 3 | 4 | 5}${string}`] = {
      description: descriptions.join('; '),
      content: {
        ...(problems.length > 0 ? { [PROBLEM_MEDIA_TYPE]: { schema: problem } } : {}),
        ...(gateway ? { 'application/json': { schema: responses.gatewayErrorSchema } } : {}),
      },
    };
  }
  return result;
}

/** The path parameters of a route, from the `{name}`s of its path. @throws Error for a name without a schema. */
function pathParametersOf(route: RouteOf) {
  const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
  if (names.length === 0) return undefined;
  const shape: Record<string, z.ZodMiniType> = {};
  for (const name of names) {
    const schema = PATH_PARAMETERS[name];
    if (!schema) throw new Error(`path parameter {${name}} of ${route.operation} has no schema in PATH_PARAMETERS`);
    shape[name] = schema;
  }
  return z.object(shape);
}

/** The operation object of a route. */
function operationOf(route: RouteOf): ZodOpenApiOperationObject {
  const contract = API_CONTRACT[route.operation];
  const path = pathParametersOf(route);
  const example = REQUEST_EXAMPLES[route.operation];
  return {
    operationId: route.operation,
    summary: route.summary,
    tags: [route.authorization === 'admin' || route.authorization === 'checkout' ? route.authorization : 'users'],
    security: route.authorization === 'public' ? [] : [{ [SECURITY[route.authorization]]: [] }],
    ...(path || contract.query || contract.headers
      ? {
          requestParams: {
            ...(path ? { path } : {}),
            ...(contract.query ? { query: contract.query } : {}),
            ...(contract.headers ? { header: contract.headers } : {}),
          },
        }
      : {}),
    ...(contract.body
      ? {
          requestBody: {
            required: contract.body.required,
            content: {
              'application/json': { schema: contract.body.schema, ...(example === undefined ? {} : { example }) },
            },
          },
        }
      : {}),
    responses: responsesOf(route),
  };
}

/** Named schemas: each becomes a component and is referenced wherever it is used. */
function components() {
  const named: Record<string, z.ZodMiniType> = {
    Campaign: responses.campaignSchema,
    CampaignPage: responses.campaignPageSchema,
    CampaignStats: responses.campaignStatsSchema,
    Vendor: responses.vendorSchema,
    VendorSettlement: responses.vendorSettlementSchema,
    Coupon: responses.couponSchema,
    CouponPage: responses.couponPageSchema,
    IssueAccepted: responses.issueAcceptedSchema,
    IssuanceCount: responses.issuanceCountSchema,
    PublicCampaign: responses.publicCampaignSchema,
    UserCoupon: responses.userCouponSchema,
    Problem: responses.problemSchema,
    FieldError: responses.fieldErrorSchema,
    GatewayError: responses.gatewayErrorSchema,
  };
  for (const route of ROUTES) responsesOf(route); // fills errorBodies
  for (const [cls, schema] of errorBodies) named[cls.name] = schema;
  return named;
}

/**
 * The OpenAPI 3.1 document of the HTTP API, generated from the route table (src/contract/routes.ts) and the API
 * contract (src/contract/api-contract.ts) by zod-openapi. `npm run openapi` writes it to openapi.json; the local
 * cloud serves it at `GET /_local/openapi.json`.
 */
export function openApiDocument() {
  const paths: ZodOpenApiPathsObject = {};
  for (const route of ROUTES) {
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operationOf(route) };
  }
  return createDocument(
    {
      openapi: '3.1.0',
      info: {
        title: 'fcfs-coupon API',
        version: packageJson.version,
        description:
          'First-come-first-served coupon drops: exactly N winners per issue day, one coupon per user per day. ' +
          'Errors are problem details (RFC 9457) in `application/problem+json`: `type` ' +
          '(`tag:fcfs-coupon,2026:problems/` and the code in kebab case), `title`, `status`, `detail`, the ' +
          'stable `code` and `message` (the detail again), `errors` (each invalid field of a bad request, ' +
          '`{path, message}`) and the members of the error (see each response). API Gateway itself answers ' +
          '`{message}` in `application/json`, as it does on AWS (authorizer refusals, throttling, its payload ' +
          'limit, integration failures, and 404 `{"message":"Not Found"}` to a method and path no route matches). ' +
          'Generated from the code (`npm run openapi`): do not edit.',
        license: { name: 'MIT', identifier: 'MIT' },
      },
      servers: [{ url: 'http://127.0.0.1:3000', description: 'The local cloud (`npm start`)' }],
      tags: [
        { name: 'users', description: 'A drop as its users see it: issue, count, their coupons.' },
        {
          name: 'checkout',
          description:
            "A shop's checkout service: quotes, redemptions and refunds (IAM callers granted grantCheckout).",
        },
        { name: 'admin', description: 'Vendors, campaigns and their statistics (IAM callers only).' },
      ],
      security: [],
      paths,
      components: {
        schemas: components(),
        securitySchemes: {
          [SECURITY.user]: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT',
            description:
              "API Gateway's JWT authorizer verifies the token; the caller is its `sub`. Issuer (`iss`): the " +
              'Cognito user pool, `https://cognito-idp.<region>.amazonaws.com/<userPoolId>` (stack output ' +
              '`UserPoolId`), or the `oidcIssuer` of an OIDC deployment; audience (`aud`, or `client_id` of a ' +
              'Cognito access token): the user pool app client id (output `UserPoolClientId`) or `oidcAudience`. ' +
              'Locally: `POST /_local/token {"sub"}` mints one.',
          },
          [SECURITY.admin]: {
            type: 'apiKey',
            name: 'Authorization',
            in: 'header',
            description:
              'AWS Signature Version 4 for service `execute-api` (IAM authorization): the caller needs ' +
              '`execute-api:Invoke` on the admin routes. Locally: the credentials in `.local/endpoints.json`.',
            'x-amazon-apigateway-authtype': 'awsSigv4',
          },
          [SECURITY.checkout]: {
            type: 'apiKey',
            name: 'Authorization',
            in: 'header',
            description:
              'AWS Signature Version 4 for service `execute-api` (IAM authorization) by a role allowed ' +
              '`execute-api:Invoke` on the checkout routes (`FcfsCoupon.grantCheckout`). Locally: ' +
              '`checkoutCredentials` in `.local/endpoints.json` (refused on the admin routes).',
            'x-amazon-apigateway-authtype': 'awsSigv4',
          },
        },
      },
    },
    { allowEmptySchema: { custom: true } },
  );
}
