import type * as http from 'node:http';
import { ROUTES, routeKey } from '../../../src/contract/routes';
import {
  type AuthorizationResult,
  generateAdminCredentials,
  LocalIamAuthorizer,
  LocalIssuer,
  type RouteAuthorization,
} from '../authorizers';
import type { LocalRoute } from '../http-api';
import type { AdminCredentials } from '../sigv4';
import { type PhysicalResource, resolveIntrinsics, resourcesOfType, type SynthesizedStack } from '../template';

/** The HTTP API's routes and what authorizes them. */
export interface ProvisionedRoutes {
  readonly routes: LocalRoute[];
  /** The local stand-in for the template's JWT issuer; undefined when no route has a JWT authorizer (auth=none). */
  readonly issuer?: LocalIssuer;
  /** The local admin's SigV4 credentials, generated at every start: the admin routes accept only them. */
  readonly adminCredentials: AdminCredentials;
  /** The local checkout's SigV4 credentials, generated at every start: the checkout routes accept only them. */
  readonly checkoutCredentials: AdminCredentials;
  /** Authorizes one request to `route` as API Gateway would (JWT, AWS_IAM or NONE). */
  authorize(route: LocalRoute, req: http.IncomingMessage, url: URL, body: Buffer): Promise<AuthorizationResult>;
}

/**
 * Reads the template's AWS::ApiGatewayV2 routes, their Lambda integrations and JWT authorizers (resolved against
 * `physical`), creates the local issuer of the authorizers' one issuer and the local admin's and checkout's
 * credentials. On AWS one IAM authorizer serves both tiers and each role's policy (grantAdminInvoke, grantCheckout)
 * picks its routes; locally the route table's tier of an AWS_IAM route (src/contract/routes.ts) picks whose
 * signature it accepts.
 * @throws Error for a route without a Lambda integration, an authorizer or authorization type the local cloud does
 *   not emulate (only JWT authorizers; AWS_IAM and NONE routes), or JWT authorizers with more than one issuer.
 */
export async function provisionRoutes(
  stack: SynthesizedStack,
  physical: Record<string, PhysicalResource>,
): Promise<ProvisionedRoutes> {
  const integrations: Record<string, string> = {};
  // An alias (the issue route's `live`) runs its function's code: its FunctionName's Ref.
  const aliases = Object.fromEntries(
    resourcesOfType(stack, 'AWS::Lambda::Alias').map(([id, alias]) => [
      id,
      (alias.Properties?.FunctionName as { Ref?: string } | undefined)?.Ref,
    ]),
  );
  for (const [id, integration] of resourcesOfType(stack, 'AWS::ApiGatewayV2::Integration')) {
    const uri = integration.Properties?.IntegrationUri as { 'Fn::GetAtt'?: [string, string]; Ref?: string } | undefined;
    const target = uri?.['Fn::GetAtt']?.[0] ?? (uri?.Ref === undefined ? undefined : aliases[uri.Ref]);
    if (target) integrations[id] = target;
  }
  const jwtAuthorizers: Record<string, { issuer: string; audience: string[] }> = {};
  for (const [id, authorizer] of resourcesOfType(stack, 'AWS::ApiGatewayV2::Authorizer')) {
    const p = authorizer.Properties ?? {};
    if (p.AuthorizerType !== 'JWT') throw new Error(`authorizer ${id}: only JWT authorizers are emulated locally`);
    const jwt = resolveIntrinsics(p.JwtConfiguration, physical) as { Issuer: string; Audience: string[] };
    jwtAuthorizers[id] = { issuer: jwt.Issuer, audience: jwt.Audience };
  }
  const issuers = [...new Set(Object.values(jwtAuthorizers).map((a) => a.issuer))];
  if (issuers.length > 1) throw new Error(`the local issuer emulates one JWT issuer; the template has ${issuers}`);
  const firstJwt = Object.values(jwtAuthorizers)[0];
  const issuer = firstJwt ? await LocalIssuer.create(firstJwt.issuer, firstJwt.audience) : undefined;
  const adminCredentials = generateAdminCredentials();
  const checkoutCredentials = generateAdminCredentials();
  const adminIam = new LocalIamAuthorizer(adminCredentials, 'local-admin');
  const checkoutIam = new LocalIamAuthorizer(checkoutCredentials, 'local-checkout');
  const tiers = new Map(ROUTES.map((r) => [routeKey(r), r.authorization]));

  const routes: LocalRoute[] = [];
  for (const [, route] of resourcesOfType(stack, 'AWS::ApiGatewayV2::Route')) {
    const routeKey = route.Properties?.RouteKey as string;
    const target = resolveIntrinsics(
      route.Properties?.Target,
      Object.fromEntries(Object.keys(integrations).map((i) => [i, { ref: i, attributes: {} }])),
    ) as string;
    const functionLogicalId = integrations[target.replace(/^integrations\//, '')];
    if (!functionLogicalId) throw new Error(`route ${routeKey} has no Lambda integration`);
    const type = (route.Properties?.AuthorizationType as string | undefined) ?? 'NONE';
    let authorization: RouteAuthorization;
    if (type === 'JWT') {
      const authorizerId = (route.Properties?.AuthorizerId as { Ref?: string } | undefined)?.Ref ?? '';
      const jwt = jwtAuthorizers[authorizerId];
      if (!jwt) throw new Error(`route ${routeKey}: JWT authorizer ${authorizerId} not found`);
      authorization = { type: 'JWT', ...jwt };
    } else if (type === 'AWS_IAM' || type === 'NONE') {
      authorization = { type };
    } else {
      throw new Error(`route ${routeKey}: authorization type ${type} is not emulated locally`);
    }
    routes.push({ routeKey, functionLogicalId, authorization });
  }

  return {
    routes,
    issuer,
    adminCredentials,
    checkoutCredentials,
    authorize: async (route, req, url, body) => {
      const { authorization } = route;
      if (authorization.type === 'AWS_IAM') {
        const iam = tiers.get(route.routeKey) === 'checkout' ? checkoutIam : adminIam;
        return iam.authorize(req, url, body);
      }
      if (authorization.type === 'JWT' && issuer) return issuer.authorize(req.headers.authorization, authorization);
      return { ok: true };
    },
  };
}
