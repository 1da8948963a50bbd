import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { HandlerName } from '../../contract/names';
import { type OperationsOf, operationOf, routesOf } from '../../contract/routes';
import { httpErrors } from './http';
import { requireIamCaller } from './identity';
import { instrumented } from './powertools';

/** An HTTP API event (payload format 2.0). */
export type HttpEvent = APIGatewayProxyEventV2;
/** An HTTP API response. */
export type HttpResult = APIGatewayProxyStructuredResultV2;

/** Serves one operation of the route table: parses the request, calls one domain function, maps its result. */
export type OperationHandler = (event: HttpEvent, context: Context) => Promise<HttpResult>;

/**
 * The operation handlers of the function `H`: exactly one per route of ROUTES (src/contract/routes.ts) served by `H`,
 * so a route added to the table without its handler, or a handler without its route, fails to compile.
 */
export type Operations<H extends HandlerName> = { readonly [O in OperationsOf<H>]: OperationHandler };

/**
 * The Lambda handler of an HTTP function: the one middleware stack of every HTTP function (Lambda context in the
 * logs and metrics, src/functions/runtime/powertools.ts; errors mapped to responses, src/functions/runtime/http.ts; for
 * a function of admin or checkout routes, the IAM caller required and audited, src/functions/runtime/identity.ts), then dispatch of
 * `event.routeKey` to the handler of its operation (`operationOf`, src/contract/routes.ts). An event whose route key is
 * not one of `handler`'s routes throws (a deployment that does not match the route table), which the error mapping
 * answers with 503.
 */
export function httpHandler<H extends HandlerName>(handler: H, operations: Operations<H>) {
  const byOperation = new Map<string, OperationHandler>(Object.entries(operations));
  const stack = instrumented<HttpEvent, HttpResult>().use(httpErrors());
  if (routesOf(handler).some((route) => route.authorization === 'admin')) stack.use(requireIamCaller('admin'));
  else if (routesOf(handler).some((route) => route.authorization === 'checkout'))
    stack.use(requireIamCaller('checkout'));
  return stack.handler(async (event, context) => {
    const operation = operationOf(event.routeKey);
    const serve = operation === undefined ? undefined : byOperation.get(operation);
    if (!serve) throw new Error(`${handler} serves no route '${event.routeKey}'`);
    return serve(event, context);
  });
}
