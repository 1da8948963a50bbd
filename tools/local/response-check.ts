import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { openApiDocument } from '../../src/contract/openapi/document';

/** A response the OpenAPI document does not allow: an undocumented route or status, or a body off its schema. */
export class ContractViolationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContractViolationError';
  }
}

type Document = ReturnType<typeof openApiDocument>;

/** One documented operation: its method and path, and a pattern matching the path's concrete URLs. */
interface DocumentedRoute {
  readonly method: string;
  readonly path: string;
  readonly pattern: RegExp;
}

/** JSON pointer escaping of one reference token (RFC 6901). */
const pointer = (token: string) => token.replaceAll('~', '~0').replaceAll('/', '~1');

/**
 * Checks responses of the HTTP API against the OpenAPI document (src/contract/openapi/document.ts) with ajv (JSON Schema
 * 2020-12, the dialect of OpenAPI 3.1, with ajv-formats): the request's method and path must be a documented
 * route, the status one of its documented responses, the content type one of its media types (the product's problems
 * `application/problem+json`, API Gateway's own refusals `application/json`) and the JSON body valid against that
 * media type's schema.
 * Paths outside the API (the local cloud's `/_local/*`) are not checked; a request no route matches must get API
 * Gateway's 404 `{"message":"Not Found"}`. Used by LocalApiClient's transport in the
 * end-to-end tests; validators are compiled once per route and status.
 */
export class ResponseChecker {
  private readonly ajv: Ajv2020;
  private readonly routes: DocumentedRoute[];
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(private readonly document: Document = openApiDocument()) {
    // strict: false, because the document around the schemas (paths, responses...) is not JSON Schema.
    this.ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(this.ajv);
    this.ajv.addSchema(document as object, 'openapi.json');
    this.routes = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
      Object.keys(item ?? {}).map((method) => ({
        method: method.toUpperCase(),
        path,
        pattern: new RegExp(`^${path.replace(/\{\w+\}/g, '[^/]+')}$`),
      })),
    );
  }

  /**
   * Checks one response.
   * @throws ContractViolationError naming the route, the status and what is wrong.
   */
  check(method: string, url: string, status: number, bodyText: string, contentType = 'application/json'): void {
    const { pathname } = new URL(url, 'http://local');
    if (pathname.startsWith('/_local/')) return;
    const route = this.routes.find((r) => r.method === method.toUpperCase() && r.pattern.test(pathname));
    const where = `${method.toUpperCase()} ${pathname} -> ${status}`;
    if (!route) {
      // API Gateway's own answer to a request no route matches: 404 `{"message":"Not Found"}`.
      if (status === 404 && bodyText.replace(/\s/g, '') === '{"message":"NotFound"}') return;
      throw new ContractViolationError(`${where}: no documented route matches`);
    }
    const item = this.document.paths?.[route.path] as Record<string, { responses?: object }> | undefined;
    const operation = item?.[route.method.toLowerCase()];
    if (!operation?.responses || !(String(status) in operation.responses)) {
      throw new ContractViolationError(`${where}: status not documented for ${route.method} ${route.path}`);
    }
    const response = (operation.responses as Record<string, { content?: Record<string, unknown> }>)[String(status)];
    if (contentType.startsWith('text/csv')) {
      if (!response?.content?.['text/csv']) throw new ContractViolationError(`${where}: CSV not documented`);
      return;
    }
    const mediaType = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
    if (!response?.content?.[mediaType]) {
      const documented = Object.keys(response?.content ?? {}).join(', ');
      throw new ContractViolationError(`${where}: content type ${mediaType} not documented (${documented})`);
    }
    let body: unknown;
    try {
      body = JSON.parse(bodyText);
    } catch {
      throw new ContractViolationError(`${where}: body is not JSON: ${bodyText.slice(0, 200)}`);
    }
    const validate = this.validatorOf(route, status, mediaType);
    if (!validate(body)) {
      const errors = this.ajv.errorsText(validate.errors, { dataVar: 'body' });
      throw new ContractViolationError(
        `${where}: body off the documented schema: ${errors}; ${bodyText.slice(0, 500)}`,
      );
    }
  }

  private validatorOf(route: DocumentedRoute, status: number, mediaType: string): ValidateFunction {
    const key = `${route.method} ${route.path} ${status} ${mediaType}`;
    let validate = this.validators.get(key);
    if (!validate) {
      const ref = `openapi.json#/paths/${pointer(route.path)}/${route.method.toLowerCase()}/responses/${status}/content/${pointer(mediaType)}/schema`;
      validate = this.ajv.compile({ $ref: ref });
      this.validators.set(key, validate);
    }
    return validate;
  }
}

/**
 * A fetch that checks every response with `checker` before returning it (its body still unread).
 * @throws ContractViolationError for a response the document does not allow.
 */
export function checkedFetch(checker: ResponseChecker, send: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const response = await send(request);
    const contentType = response.headers.get('content-type') ?? undefined;
    checker.check(request.method, request.url, response.status, await response.clone().text(), contentType);
    return response;
  };
}
